/*
 * Plugin isolation: run() executes in a child forked after the inputs are
 * loaded, so it reads them copy-on-write and can only hurt itself. The
 * child, in a process group of its own and killed with its parent, runs
 * under an address-space limit (memory_mb) and sends length-prefixed
 * messages (log lines, progress, notes, serialized outputs, then its
 * result) through a pipe; a big vector output stays in the child's
 * memory, which the parent reads (process_vm_readv) before it lets the
 * child exit. The parent reads the messages against a deadline
 * (timeout_s) and trusts none of them: every message is bounded and
 * decoded with checks, and a signal, a bad exit, a silence past the
 * deadline or a malformed stream becomes an error naming the step and the
 * plugin, with the child's whole process group killed and reaped.
 */
#define _GNU_SOURCE /* process_vm_readv */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "layer/layer_serialize.h"
#include "layer/layer_shared.h"
#include "plugin/host_api.h"
#include "plugin/step.h"
#include "routemap/layer.h"
#include "util/util.h"

enum {
    MSG_LOG = 1,      /* arg: level; payload: text */
    MSG_PROGRESS = 2, /* payload: one double */
    MSG_NOTE = 3,     /* payload: key NUL value NUL */
    MSG_OUTPUT = 4,   /* arg: output index; payload: serialized layer */
    MSG_RESULT = 5,   /* payload: 3 int32 (run rc, fail, misuse), then
                         fail message NUL misuse message NUL */
    MSG_MEMORY = 6,   /* arg: signal; no payload: the child is dying of
                         that signal with its memory limit reached */
    MSG_SHARED = 7,   /* arg: output index; payload: a raster serialized
                         without its cells, which are in the output's
                         shared file (layer_shared.h) */
    MSG_REMOTE = 8    /* arg: output index; payload: u64 length of the
                         serialized layer, then (u64 address, u64 length)
                         of each piece of it in the child's memory, in
                         order: the host reads them there */
};

/* The host's first byte on the release socket: it can read the child's
 * memory (outputs as MSG_REMOTE), or not (through the pipe); its last,
 * once it has read what it needed (the child may exit). */
#define RELEASE_REMOTE 'R'
#define RELEASE_PIPE 'P'
#define RELEASE_DONE 'D'

typedef struct msg_head {
    uint32_t type;
    uint32_t arg;
    uint64_t len;
} msg_head;

/* Largest message other than an output (bytes). */
#define SMALL_MAX (1u << 20)
/* Pipe buffer asked for, so outputs cross in few large writes (bytes;
 * Linux allows up to /proc/sys/fs/pipe-max-size, 1 MiB by default). */
#define PIPE_BYTES (1 << 20)
/* A crash counts as "memory limit reached" when the address space is
 * this close to the limit (bytes; or a fiftieth of memory_mb if larger). */
#define NEAR_LIMIT (16u << 20)

/* ---- child --------------------------------------------------------------- */

static int child_fd = -1;
static int child_write_failed;

static void write_full(const void *p, size_t n)
{
    const char *c = p;
    while (n > 0 && !child_write_failed) {
        ssize_t w = write(child_fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            child_write_failed = 1;
            return;
        }
        c += w;
        n -= (size_t)w;
    }
}

static void send_msg(uint32_t type, uint32_t arg, const void *a, size_t an,
                     const void *b, size_t bn)
{
    msg_head h = {type, arg, (uint64_t)an + (uint64_t)bn};
    write_full(&h, sizeof h);
    write_full(a, an);
    write_full(b, bn);
}

static void child_log(rm_step *s, int level, const char *msg)
{
    (void)s;
    send_msg(MSG_LOG, (uint32_t)level, msg, strlen(msg), NULL, 0);
}

static void child_progress(rm_step *s, double fraction)
{
    (void)s;
    send_msg(MSG_PROGRESS, 0, &fraction, sizeof fraction, NULL, 0);
}

/* The address-space limit of this child and the part of it that is
 * memory_mb (bytes), 0 when none. */
static size_t child_as_limit, child_as_added;
static size_t child_page;

/* Mapped address space of this process (bytes), 0 when unknown. Only
 * async-signal-safe calls: it also runs in the fatal-signal handler. */
static size_t mapped_bytes(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    size_t pages = 0;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
        pages = pages * 10 + (size_t)(buf[i] - '0');
    return pages * child_page;
}

/* A fatal signal with the limit (nearly) reached: tell the parent, then
 * die of the signal as if there were no handler. */
static void on_fatal(int sig)
{
    size_t near = child_as_added / 50 > NEAR_LIMIT ? child_as_added / 50
                                                   : NEAR_LIMIT;
    size_t used = mapped_bytes();
    if (child_as_limit && used + near >= child_as_limit) {
        msg_head h = {MSG_MEMORY, (uint32_t)sig, 0};
        ssize_t w = write(child_fd, &h, sizeof h);
        (void)w;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void child_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                               SIGABRT, SIGSYS, SIGTRAP};
    /* The handler needs a stack of its own when the plugin's overflowed. */
    static char alt[1 << 16];
    stack_t st;
    memset(&st, 0, sizeof st);
    st.ss_sp = alt;
    st.ss_size = sizeof alt;
    int have_alt = sigaltstack(&st, NULL) == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = child_as_limit ? on_fatal : SIG_DFL;
    sa.sa_flags = have_alt ? SA_ONSTACK : 0;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    /* Interrupts and terminations act on the host; the child follows. */
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Limit the address space to what is mapped now plus memory_mb. */
static void limit_memory(uint64_t memory_mb)
{
    long page = sysconf(_SC_PAGESIZE);
    child_page = page > 0 ? (size_t)page : 4096;
    if (memory_mb == 0)
        return;
    size_t base = mapped_bytes();
    uint64_t add = memory_mb << 20;
    uint64_t lim = (uint64_t)base + add;
    if (lim < add || lim > (uint64_t)RLIM_INFINITY - 1)
        return; /* beyond what can be expressed: no limit */
    struct rlimit rl = {(rlim_t)lim, (rlim_t)lim};
    if (setrlimit(RLIMIT_AS, &rl) == 0) {
        child_as_limit = (size_t)lim;
        child_as_added = (size_t)add;
    }
}

/* Die with the parent, in a process group of its own (so a timeout can
 * kill whatever the plugin started too). */
static void follow_parent(pid_t parent)
{
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(4); /* the parent died before the line above */
}

/* Output bytes go out in pieces of this size (bytes). */
#define SEND_CHUNK ((size_t)1 << 20)

/* A piece of a serialized output, straight from the layer. Outputs are
 * not read again once sent, so each chunk's whole pages go back to the
 * system as soon as it is through: host and child never both hold a big
 * output in full. */
static int send_piece(void *ud, const void *p, size_t n)
{
    (void)ud;
    const char *c = p;
    while (n > 0 && !child_write_failed) {
        size_t k = n < SEND_CHUNK ? n : SEND_CHUNK;
        write_full(c, k);
#ifdef MADV_DONTNEED
        uintptr_t pg = (uintptr_t)child_page;
        uintptr_t a = ((uintptr_t)c + pg - 1) / pg * pg;
        uintptr_t b = ((uintptr_t)c + k) / pg * pg;
        if (k == SEND_CHUNK && b > a)
            madvise((void *)a, (size_t)(b - a), MADV_DONTNEED);
#endif
        c += k;
        n -= k;
    }
    return child_write_failed;
}

static void send_text(const char *s)
{
    const char *t = s ? s : "";
    write_full(t, strlen(t) + 1);
}

/* Pieces of a serialized output left in the child's memory for the host
 * to read: the layer's arrays where they are, the small pieces (counts,
 * names: some are temporaries of the encoder) copied into `buf`. */
typedef struct remote_piece {
    uint64_t at;  /* address, or offset in buf when `inl` */
    uint64_t len;
    int inl;
} remote_piece;

typedef struct remote_list {
    remote_piece *p;
    size_t n, cap;
    char *buf;
    size_t used, size;
    int failed;
} remote_list;

/* Pieces from this size on are the layer's own memory (bytes). */
#define INLINE_MAX 4096
/* Outputs from this size on are left for the host to read (bytes); the
 * smaller ones cross the pipe. */
#define REMOTE_MIN (64u << 10)

static int collect_piece(void *ud, const void *p, size_t n)
{
    remote_list *rl = ud;
    if (n < INLINE_MAX) {
        if (rm__grow((void **)&rl->buf, &rl->size, rl->used + n, 1))
            return rl->failed = 1;
        memcpy(rl->buf + rl->used, p, n);
        rl->used += n;
        if (rl->n > 0 && rl->p[rl->n - 1].inl) {
            rl->p[rl->n - 1].len += n; /* follows in buf */
            return 0;
        }
    }
    if (rm__grow((void **)&rl->p, &rl->cap, rl->n + 1, sizeof *rl->p))
        return rl->failed = 1;
    remote_piece *q = &rl->p[rl->n++];
    q->inl = n < INLINE_MAX;
    q->at = q->inl ? (uint64_t)(rl->used - n) : (uint64_t)(uintptr_t)p;
    q->len = n;
    return 0;
}

/* Send output `i` as MSG_REMOTE; nonzero when it could not be laid out
 * (the caller sends it through the pipe). The pieces stay allocated: the
 * host reads them before this process exits. */
static int send_remote(uint32_t i, const rm_layer *out)
{
    remote_list rl;
    memset(&rl, 0, sizeof rl);
    uint64_t total = rm__layer_serialized_size(out);
    if (rm__layer_serialize_to(out, collect_piece, &rl) || rl.failed ||
        rl.n > (SMALL_MAX - 8) / 16) {
        free(rl.p);
        free(rl.buf);
        return -1;
    }
    uint64_t *msg = rm_mallocarray(1 + 2 * rl.n, sizeof *msg);
    if (!msg) {
        free(rl.p);
        free(rl.buf);
        return -1;
    }
    msg[0] = total;
    for (size_t k = 0; k < rl.n; k++) {
        msg[1 + 2 * k] = rl.p[k].inl ? (uint64_t)(uintptr_t)rl.buf +
                                           rl.p[k].at
                                     : rl.p[k].at;
        msg[2 + 2 * k] = rl.p[k].len;
    }
    send_msg(MSG_REMOTE, i, msg, (1 + 2 * rl.n) * sizeof *msg, NULL, 0);
    free(msg);
    free(rl.p);
    return 0; /* rl.buf stays until exit */
}

/* The host's first byte on the release socket, sent right after the fork
 * (RELEASE_REMOTE or RELEASE_PIPE; anything else, or nothing yet, counts
 * as RELEASE_PIPE: never waited for, whatever the plugin did with the
 * socket). */
static int host_reads_memory(int rel)
{
    for (;;) {
        char c;
        ssize_t k = recv(rel, &c, 1, MSG_DONTWAIT);
        if (k < 0 && errno == EINTR)
            continue;
        return k == 1 && c == RELEASE_REMOTE;
    }
}

/* Wait until the host says it has read what it needed from this
 * process's memory, or closes the release socket (it gave up). Not only
 * the end of the stream: another child the host forked meanwhile may
 * hold the host's end too. */
static void wait_release(int rel)
{
    for (;;) {
        char c;
        ssize_t k = read(rel, &c, 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0 || c == RELEASE_DONE)
            return;
    }
}

/* Huge page size, and the most of the child's heap made of them up front
 * (bytes; at most half of memory_mb). */
#define HUGE_PAGE ((uintptr_t)2 << 20)
#define HEAP_RESERVE ((size_t)64 << 20)
/* Blocks up to this size come from the heap, so from the reserve (bytes;
 * glibc's largest mmap threshold on 64-bit). */
#define HEAP_BLOCK_MAX (32 << 20)
/* The parent's free heap is taken in blocks of CLAIM bytes, at most
 * CLAIMS of them (what is smaller or beyond stays usable). */
#define CLAIM (64 << 10)
#define CLAIMS 1024

/*
 * Serve the child's allocations from fresh huge pages, not from the
 * parent's heap. Writing a page shared with the parent costs a
 * copy-on-write fault, and once the plugin has started a thread every
 * such fault also flushes the other CPUs' TLBs (an inter-processor
 * interrupt, slow under virtualisation); a fresh 4 KiB page costs a fault
 * and a clear (about 2.4 us here, 3,200 of them on the crossings
 * benchmark), while a 2 MiB page is cleared at memory speed in one fault.
 * So the free pages inherited from the parent are dropped (malloc_trim,
 * before this), its free blocks from CLAIM bytes on are taken out of use,
 * the heap is extended once by a reserve advised for huge pages, and
 * blocks up to HEAP_BLOCK_MAX are served from it, never trimmed back. The
 * reserve is address space under memory_mb like any allocation, sized to
 * leave the plugin half of it in any case; if the heap cannot be extended
 * (more free blocks than CLAIMS, another allocator), the child simply
 * runs on small pages.
 */
static void fresh_heap(uint64_t memory_mb)
{
#if defined(M_MMAP_THRESHOLD) && defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
    size_t reserve = HEAP_RESERVE;
    if (memory_mb && memory_mb < (uint64_t)(2 * HEAP_RESERVE >> 20))
        reserve = (size_t)(memory_mb << 19); /* half of memory_mb */
    mallopt(M_MMAP_THRESHOLD, HEAP_BLOCK_MAX);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    mallopt(M_TOP_PAD, (int)reserve);
    /* Take the free blocks of the parent's heap (held, never freed: their
     * pages are gone already) until a block comes from a new top of the
     * heap, which malloc then extends by the reserve (M_TOP_PAD). */
    char *e0 = sbrk(0), *e1 = e0;
    char *last = NULL;
    int held = 1; /* `last` is a block of the parent's heap */
    for (int i = 0; i < CLAIMS && held && e0 != (char *)-1; i++) {
        if (!(last = malloc(CLAIM)))
            break;
        e1 = sbrk(0);
        /* From the new top, or from no heap of brk's (another
         * allocator, such as a sanitizer's): the last one taken. */
        held = e1 == e0 && (uintptr_t)last < (uintptr_t)e0;
    }
    uintptr_t b = ((uintptr_t)e0 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t e = (uintptr_t)e1 & ~(HUGE_PAGE - 1);
    if (e1 != (char *)-1 && e > b)
        madvise((void *)b, (size_t)(e - b), MADV_HUGEPAGE);
    if (last && !held)
        free(last); /* in the reserve, or not the parent's */
    /* Beyond the reserve, the heap grows as it needs. */
    mallopt(M_TOP_PAD, 1 << 20);
#if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
    /* The parent's free blocks still usable were mapped before the limit
     * was set: they come off it, so memory_mb is what the plugin gets. */
    struct mallinfo2 mi = mallinfo2();
    size_t reused = mi.fordblks > mi.keepcost ? mi.fordblks - mi.keepcost : 0;
    if (child_as_limit && reused < child_as_added) {
        struct rlimit rl = {(rlim_t)(child_as_limit - reused),
                            (rlim_t)(child_as_limit - reused)};
        if (setrlimit(RLIMIT_AS, &rl) == 0)
            child_as_limit -= reused;
    }
#endif
#else
    (void)memory_mb;
#endif
}

static void child_main(rm_step *s, int fd, int rel, pid_t parent,
                       const rm__step_limits *lim)
{
    child_fd = fd;
    follow_parent(parent);
    /* Drop the parent's free heap first, so that memory_mb counts from
     * what the child really maps (fresh_heap). */
    malloc_trim(0);
    limit_memory(lim ? lim->memory_mb : 0);
    child_signals();
    fresh_heap(lim ? lim->memory_mb : 0);
    s->emit_log = child_log;
    s->emit_progress = child_progress;
    int rc = rm__step_call_run(s);
    int ok = rc == RM_OK && s->fail_code == RM_OK &&
             s->misuse_code == RM_OK;
    int remote = ok && host_reads_memory(rel);
    for (size_t i = 0; ok && i < s->desc->n_outputs; i++) {
        rm_layer *out = s->outputs[i];
        if (!out)
            continue;
        if (rm__layer_is_shared(out)) {
            /* Final: unmapped here, so the host can seal the file. */
            rm__layer_shared_release(out);
            msg_head h = {MSG_SHARED, (uint32_t)i,
                          rm__layer_serialized_head_size(out)};
            write_full(&h, sizeof h);
            rm__layer_serialize_head_to(out, send_piece, NULL);
            continue;
        }
        if (remote && rm__layer_serialized_size(out) >= REMOTE_MIN &&
            send_remote((uint32_t)i, out) == 0)
            continue;
        msg_head h = {MSG_OUTPUT, (uint32_t)i,
                      rm__layer_serialized_size(out)};
        write_full(&h, sizeof h);
        rm__layer_serialize_to(out, send_piece, NULL);
    }
    for (size_t i = 0; ok && i < s->n_notes; i++) {
        size_t kl = strlen(s->note_keys[i]) + 1;
        size_t vl = strlen(s->note_values[i]) + 1;
        send_msg(MSG_NOTE, 0, s->note_keys[i], kl, s->note_values[i], vl);
    }
    int32_t codes[3] = {rc, s->fail_code, s->misuse_code};
    const char *fm = s->fail_msg ? s->fail_msg : "";
    const char *mm = s->misuse_msg ? s->misuse_msg : "";
    msg_head h = {MSG_RESULT, 0,
                  sizeof codes + strlen(fm) + 1 + strlen(mm) + 1};
    write_full(&h, sizeof h);
    write_full(codes, sizeof codes);
    send_text(fm);
    send_text(mm);
    fflush(stdout); /* what the plugin printed itself */
    fflush(stderr);
    if (remote)
        wait_release(rel);
    _exit(child_write_failed ? 3 : 0);
}

/* ---- parent -------------------------------------------------------------- */

typedef struct reader {
    rm_step *s;
    int *run_rc;
    int fd;
    pid_t pid; /* the child, whose memory MSG_REMOTE points into */
    double deadline; /* CLOCK_MONOTONIC seconds; 0: none */
    uint64_t max_output; /* bytes an output may take; 0: no bound */
    int timed_out;
    int got_result;
    int truncated;
    int nomem;
    int memory_signal; /* signal of a MSG_MEMORY, 0 when none */
    char why[400]; /* first protocol error, "" when none */
} reader;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Milliseconds left before `deadline` (-1: none), 0 when it has passed. */
static int ms_left(double deadline)
{
    if (deadline <= 0)
        return -1;
    double left = (deadline - now_s()) * 1000.0;
    if (left <= 0)
        return 0;
    return left > INT_MAX - 1 ? INT_MAX - 1 : (int)ceil(left);
}

/* Wait until the pipe has data or is closed; -1 when the deadline passed. */
static int wait_readable(reader *r)
{
    for (;;) {
        int ms = ms_left(r->deadline);
        if (ms == 0) {
            r->timed_out = 1;
            return -1;
        }
        struct pollfd pfd = {r->fd, POLLIN, 0};
        int n = poll(&pfd, 1, ms);
        if (n > 0 || (n < 0 && errno != EINTR))
            return 0; /* data, end of stream or an error read() reports */
    }
}

/* Read up to n bytes; returns how many (less at the end of the stream or
 * when the deadline passed). */
static size_t read_full(reader *r, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        if (wait_readable(r))
            break;
        ssize_t k = read(r->fd, c + got, n - got);
        if (k < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return got;
}

static void bad(reader *r, const char *why)
{
    if (!r->why[0])
        snprintf(r->why, sizeof r->why, "%s", why);
}

/* Split "a NUL b NUL" exactly; 0 on success. */
static int two_texts(char *p, size_t len, char **a, char **b)
{
    if (len < 2 || p[len - 1] != '\0')
        return -1;
    char *nul = memchr(p, '\0', len);
    if (!nul || (size_t)(nul - p) + 1 >= len)
        return -1;
    *a = p;
    *b = nul + 1;
    return strlen(*b) + 1 == len - (size_t)(*b - p) ? 0 : -1;
}

static int norm_code(int32_t c)
{
    return c > 0 || c < -1000 ? RM_EPLUGIN_RUN : (int)c;
}

static void receive_remote(reader *r, const msg_head *h, const char *p);

static void handle(reader *r, const msg_head *h, char *p)
{
    rm_step *s = r->s;
    switch (h->type) {
    case MSG_REMOTE:
        receive_remote(r, h, p);
        return;
    case MSG_LOG: {
        char *t = rm__strdup("");
        if (h->len > 0) {
            free(t);
            t = malloc((size_t)h->len + 1);
            if (t) {
                memcpy(t, p, (size_t)h->len);
                t[h->len] = '\0';
            }
        }
        if (t)
            s->emit_log(s, h->arg > RM_PLUGIN_LOG_DEBUG ? RM_PLUGIN_LOG_DEBUG
                                                        : (int)h->arg, t);
        free(t);
        return;
    }
    case MSG_PROGRESS: {
        double f;
        if (h->len != sizeof f)
            return bad(r, "a progress message of the wrong size");
        memcpy(&f, p, sizeof f);
        if (f >= 0 && f <= 1)
            s->emit_progress(s, f);
        return;
    }
    case MSG_NOTE: {
        char *k, *v;
        if (two_texts(p, (size_t)h->len, &k, &v) || !*k)
            return bad(r, "a malformed manifest note");
        if (rm__step_add_note(s, k, v))
            r->nomem = 1;
        return;
    }
    case MSG_RESULT: {
        int32_t codes[3];
        char *fm, *mm;
        if (h->len < sizeof codes + 2)
            return bad(r, "a truncated result");
        memcpy(codes, p, sizeof codes);
        if (two_texts(p + sizeof codes, (size_t)h->len - sizeof codes, &fm,
                      &mm))
            return bad(r, "a malformed result");
        *r->run_rc = norm_code(codes[0]);
        s->fail_code = norm_code(codes[1]);
        s->misuse_code = norm_code(codes[2]);
        free(s->fail_msg);
        free(s->misuse_msg);
        s->fail_msg = *fm ? rm__strdup(fm) : NULL;
        s->misuse_msg = *mm ? rm__strdup(mm) : NULL;
        if (s->misuse_code != RM_OK && !s->misuse_msg)
            s->misuse_msg = rm__strdup("misused the host table");
        r->got_result = 1;
        return;
    }
    case MSG_MEMORY:
        if (h->len != 0)
            return bad(r, "a malformed memory report");
        r->memory_signal = h->arg > 0 && h->arg < 65 ? (int)h->arg : SIGKILL;
        return;
    }
    bad(r, "a message of unknown type");
}

/* rm__layer_deserialize_from's source: the next n bytes of the pipe. */
static int pipe_source(void *ud, void *p, size_t n)
{
    reader *r = ud;
    if (read_full(r, p, n) == n)
        return 0;
    if (!r->timed_out)
        r->truncated = 1;
    return -1;
}

/* Name a received output and take it as the step's output `i`. */
static void accept_output(reader *r, size_t i, rm_layer *l)
{
    rm_step *s = r->s;
    if (rm_layer_set_name(l, s->desc->outputs[i].name) ||
        rm_layer_set_crs(l, s->crs)) {
        rm_layer_destroy(l);
        r->nomem = 1;
        return;
    }
    s->outputs[i] = l;
}

/* An output, decoded as it arrives: its arrays are read from the pipe
 * straight into the new layer, never into a buffer first. */
static void receive_output(reader *r, const msg_head *h)
{
    rm_step *s = r->s;
    if (h->arg >= s->desc->n_outputs || s->outputs[h->arg])
        return bad(r, "an output it did not declare, or one twice");
    rm_layer *l = NULL;
    int rc = rm__layer_deserialize_from(&l, h->len, pipe_source, r);
    if (r->truncated || r->timed_out)
        return;
    if (rc == RM_ENOMEM) {
        r->nomem = 1;
        return;
    }
    if (rc)
        return bad(r, "an output that cannot be decoded");
    accept_output(r, h->arg, l);
}

/* rm__layer_deserialize_from's source for MSG_REMOTE: the next bytes of
 * the child's pieces, read from its memory. */
typedef struct remote_src {
    pid_t pid;
    const uint64_t *piece; /* (address, length) pairs */
    size_t n, at;          /* pieces; the one being read */
    uint64_t off;          /* bytes of it already read */
    uint64_t left;         /* bytes of the layer not yet read */
    char ahead[4096];      /* small reads are served from here */
    size_t ahead_at, ahead_len;
} remote_src;

/* Remote pieces per process_vm_readv call. */
#define REMOTE_IOV 64

/* Read the next n bytes of the pieces into p. */
static int remote_read(remote_src *rs, void *p, size_t n)
{
    char *d = p;
    while (n > 0) {
        struct iovec far[REMOTE_IOV];
        int k = 0;
        size_t want = 0, at = rs->at;
        uint64_t off = rs->off;
        while (k < REMOTE_IOV && want < n && at < rs->n) {
            uint64_t left = rs->piece[2 * at + 1] - off;
            size_t take = left < n - want ? (size_t)left : n - want;
            if (take > 0) {
                far[k].iov_base = (void *)(uintptr_t)(rs->piece[2 * at] + off);
                far[k].iov_len = take;
                k++;
            }
            want += take;
            off += take;
            if (off == rs->piece[2 * at + 1]) {
                at++;
                off = 0;
            }
        }
        if (want == 0)
            return -1;
        struct iovec near = {d, want};
        ssize_t got = process_vm_readv(rs->pid, &near, 1, far,
                                       (unsigned long)k, 0);
        if (got < 0 || (size_t)got != want)
            return -1;
        rs->at = at;
        rs->off = off;
        d += want;
        n -= want;
    }
    return 0;
}

/* rm__layer_deserialize_from's source: the decoder asks for a count or a
 * name at a time, so small reads come from a buffer read ahead. */
static int remote_source(void *ud, void *p, size_t n)
{
    remote_src *rs = ud;
    char *d = p;
    size_t have = rs->ahead_len - rs->ahead_at;
    if (n <= have) {
        memcpy(d, rs->ahead + rs->ahead_at, n);
        rs->ahead_at += n;
        return 0;
    }
    memcpy(d, rs->ahead + rs->ahead_at, have);
    d += have;
    n -= have;
    rs->ahead_at = rs->ahead_len = 0;
    if (n > rs->left)
        return -1;
    if (n >= sizeof rs->ahead) {
        rs->left -= n;
        return remote_read(rs, d, n);
    }
    size_t fill = rs->left < sizeof rs->ahead ? (size_t)rs->left
                                              : sizeof rs->ahead;
    if (remote_read(rs, rs->ahead, fill))
        return -1;
    rs->left -= fill;
    rs->ahead_len = fill;
    memcpy(d, rs->ahead, n);
    rs->ahead_at = n;
    return 0;
}

/* An output left in the child's memory: check the list of its pieces,
 * then decode it from there into the host's own copy. Whatever the list
 * says, the host only reads the child's memory (an unmapped address is a
 * refused output); a plugin set on pointing it at a mapping whose reads
 * never return could stall it, but such a plugin runs as the same user
 * and could as well signal the host: isolation guards against bugs, not
 * against that. */
static void receive_remote(reader *r, const msg_head *h, const char *p)
{
    rm_step *s = r->s;
    if (h->arg >= s->desc->n_outputs || s->outputs[h->arg])
        return bad(r, "an output it did not declare, or one twice");
    if (h->len < 8 || (h->len - 8) % 16 != 0)
        return bad(r, "a malformed output");
    size_t n = (size_t)(h->len - 8) / 16;
    uint64_t *v = rm_mallocarray(1 + 2 * n, sizeof *v);
    if (!v) {
        r->nomem = 1;
        return;
    }
    memcpy(v, p, (size_t)h->len);
    uint64_t total = v[0], sum = 0;
    int ok = total <= SIZE_MAX - 1;
    for (size_t k = 0; ok && k < n; k++) {
        if (v[2 + 2 * k] > total - sum)
            ok = 0;
        else
            sum += v[2 + 2 * k];
    }
    if (!ok || sum != total) {
        free(v);
        return bad(r, "a malformed output");
    }
    if (r->max_output && total > r->max_output) {
        free(v);
        return bad(r, "an output larger than it could have held under "
                      "memory_mb");
    }
    remote_src *rs = calloc(1, sizeof *rs);
    if (!rs) {
        free(v);
        r->nomem = 1;
        return;
    }
    rs->pid = r->pid;
    rs->piece = v + 1;
    rs->n = n;
    rs->left = total;
    rm_layer *l = NULL;
    int rc = rm__layer_deserialize_from(&l, total, remote_source, rs);
    free(rs);
    free(v);
    if (rc == RM_ENOMEM) {
        r->nomem = 1;
        return;
    }
    if (rc)
        return bad(r, "an output that cannot be decoded");
    accept_output(r, h->arg, l);
}

/* A raster whose cells wait in the output's shared file: decode the rest,
 * then seal the file and map the cells. */
static void receive_shared(reader *r, const msg_head *h)
{
    rm_step *s = r->s;
    if (h->arg >= s->desc->n_outputs || s->outputs[h->arg] ||
        !s->shared_fd || s->shared_fd[h->arg] < 0)
        return bad(r, "a shared raster for an output that has no shared "
                      "file, or one twice");
    rm_layer *l = NULL;
    int rc = rm__layer_deserialize_head_from(&l, h->len, pipe_source, r);
    if (r->truncated || r->timed_out)
        return;
    if (rc == RM_ENOMEM) {
        r->nomem = 1;
        return;
    }
    if (rc)
        return bad(r, "an output that cannot be decoded");
    uint64_t cells = (uint64_t)rm_layer_raster_width(l) *
                     (uint64_t)rm_layer_raster_height(l);
    if (r->max_output && cells > r->max_output / sizeof(double)) {
        rm_layer_destroy(l);
        return bad(r, "an output larger than it could have held under "
                      "memory_mb");
    }
    rc = rm__layer_attach_shared(l, s->shared_fd[h->arg]);
    if (rc) {
        rm_layer_destroy(l);
        if (rc == RM_ENOMEM) {
            r->nomem = 1;
            return;
        }
        return bad(r, rc == RM_EPLUGIN_OUTPUT
                          ? "a raster output it still maps for writing "
                            "after handing it over"
                          : rc == RM_EDATA_TYPE
                                ? "a raster output whose cells do not "
                                  "match its size"
                                : "a raster output that cannot be mapped");
    }
    accept_output(r, h->arg, l);
}

/* Read a message body of `len` bytes. A large buffer is only address
 * space until the bytes arrive, so a header that lies about the length
 * costs no memory. NULL on a short read (truncated) or no memory. */
static char *read_body(reader *r, uint64_t len)
{
    char *p = malloc(len ? (size_t)len : 1);
    if (!p) {
        r->nomem = 1;
        return NULL;
    }
    if (read_full(r, p, (size_t)len) < len) {
        free(p);
        if (!r->timed_out)
            r->truncated = 1;
        return NULL;
    }
    return p;
}

/* Read messages until the end of the stream, a protocol error or the
 * deadline. */
static void read_all(reader *r)
{
    for (;;) {
        msg_head h;
        size_t got = read_full(r, &h, sizeof h);
        if (r->timed_out)
            return;
        if (got == 0)
            return;
        if (got < sizeof h) {
            r->truncated = 1;
            return;
        }
        if (r->got_result)
            return bad(r, "data after its result");
        if (h.type != MSG_OUTPUT && h.len > SMALL_MAX)
            return bad(r, "an oversized message");
        if (h.len > SIZE_MAX - 1 || (r->max_output && h.len > r->max_output))
            return bad(r, "an output larger than it could have held under "
                          "memory_mb");
        if (h.type == MSG_OUTPUT || h.type == MSG_SHARED) {
            if (h.type == MSG_OUTPUT)
                receive_output(r, &h);
            else
                receive_shared(r, &h);
            if (r->truncated || r->timed_out)
                return;
        } else {
            char *p = read_body(r, h.len);
            if (!p)
                return;
            handle(r, &h, p);
            free(p);
        }
        if (r->why[0] || r->nomem)
            return;
        /* The result is the last message: stop here rather than wait for
         * the end of the stream, which a process the plugin left behind
         * could hold open. */
        if (r->got_result)
            return;
    }
}

/* Wait, without reaping, until the child has ended; -1 when the deadline
 * passed first. */
static int wait_ended(pid_t pid, double deadline)
{
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int ms = ms_left(deadline);
        if (ms == 0)
            return -1;
        int flags = WEXITED | WNOWAIT | (ms > 0 ? WNOHANG : 0);
        if (waitid(P_PID, (id_t)pid, &si, flags) != 0) {
            if (errno == EINTR)
                continue;
            return 0; /* nothing to wait for: waitpid says why */
        }
        if (si.si_pid == pid)
            return 0;
        struct timespec nap = {0, (ms > 5 ? 5 : ms) * 1000000L};
        nanosleep(&nap, NULL);
    }
}

/* 1 when bytes wait in the pipe after the result (without blocking). */
static int trailing_data(int fd)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLIN))
        return 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        return 0;
    char c;
    ssize_t n = read(fd, &c, 1);
    return n > 0;
}

/* Kill the child and whatever it started (its process group). */
static void kill_all(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

static int reap(pid_t pid, int *status)
{
    for (;;) {
        if (waitpid(pid, status, 0) == pid)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

/* The error for a child that died of `sig`. */
static int died(rm_step *s, const char *who, int sig, const reader *r,
                const rm__step_limits *lim)
{
    if (r->memory_signal && lim && lim->memory_mb)
        return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                         "%s: exceeded memory_mb (%llu MB): it crashed "
                         "with signal %d (%s) on reaching the limit; its "
                         "outputs were discarded — raise memory_mb for "
                         "this step or give it less data",
                         who, (unsigned long long)lim->memory_mb, sig,
                         strsignal(sig));
    if (sig == SIGKILL)
        return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                         "%s: the plugin process was killed (signal 9), "
                         "most likely by the system for using too much "
                         "memory; its outputs were discarded — lower "
                         "memory_mb so the step fails cleanly, free "
                         "memory, or give the step less data", who);
    return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                     "%s crashed with signal %d (%s); its outputs were "
                     "discarded — this is a bug in the plugin; report "
                     "it to its author with the briefing that "
                     "triggered it", who, sig, strsignal(sig));
}

static void close_pair(const int fd[2])
{
    if (fd[0] >= 0)
        close(fd[0]);
    if (fd[1] >= 0)
        close(fd[1]);
}

/* 1 when this process can read the child's memory (process_vm_readv:
 * not where ptrace is restricted). A static has the same address in the
 * forked child. */
static int can_read_child(pid_t pid)
{
    static const char probe[] = "routemap";
    char got[sizeof probe];
    memset(got, 0, sizeof got);
    struct iovec near = {got, sizeof got};
    struct iovec far = {(void *)(uintptr_t)probe, sizeof probe};
    return process_vm_readv(pid, &near, 1, &far, 1, 0) ==
               (ssize_t)sizeof probe &&
           memcmp(got, probe, sizeof probe) == 0;
}

static int fork_run(rm_step *s, const rm__step_limits *lim, int *out_rc)
{
    const rm_plugin_desc *d = s->desc;
    char who[400];
    snprintf(who, sizeof who, "step '%s' (plugin %s %s)", s->step_id,
             d->name, d->version);
    *out_rc = RM_OK;
    int fds[2];
    if (pipe(fds) != 0)
        return rm__error(s->ctx, RM_EINTERNAL, NULL,
                         "%s: cannot create a pipe to the plugin process: "
                         "%s; free some file descriptors or run plugins in "
                         "process", who, strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
#ifdef __linux__
    fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, PIPE_BYTES); /* a hint */
#endif
    /* The release socket: the host says whether it reads outputs from the
     * child's memory, and closes it once it has (the child waits). */
    int rel[2] = {-1, -1};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, rel) != 0)
        rel[0] = rel[1] = -1; /* outputs through the pipe */
    fflush(NULL);
    double timeout = lim && lim->timeout_s > 0 ? lim->timeout_s : 0;
    double deadline = timeout > 0 ? now_s() + timeout : 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        close_pair(rel);
        return rm__error(s->ctx, RM_EINTERNAL, NULL,
                         "%s: cannot start the plugin process: %s; free "
                         "memory or run plugins in process", who,
                         strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        if (rel[0] >= 0)
            close(rel[0]);
        child_main(s, fds[1], rel[1], parent, lim);
    }
    setpgid(pid, pid); /* also done by the child: whichever runs first */
    close(fds[1]);
    if (rel[1] >= 0) {
        close(rel[1]);
        char c = can_read_child(pid) ? RELEASE_REMOTE : RELEASE_PIPE;
        (void)!send(rel[0], &c, 1, MSG_NOSIGNAL);
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.run_rc = out_rc;
    r.fd = fds[0];
    r.deadline = deadline;
    r.max_output = lim && lim->memory_mb ? lim->memory_mb << 20 : 0;
    r.pid = pid;
    read_all(&r);
    if (rel[0] >= 0) { /* read: the child may exit */
        char c = RELEASE_DONE;
        (void)!send(rel[0], &c, 1, MSG_NOSIGNAL);
        close(rel[0]);
    }
    int killed = 0;
    if (r.timed_out || r.why[0] || r.nomem) {
        kill_all(pid);
        killed = 1;
    }
    /* The result came or the stream ended: the child exits next, unless
     * it hangs on. */
    if (!killed && wait_ended(pid, deadline) != 0) {
        r.timed_out = 1;
        kill_all(pid);
        killed = 1;
    }
    if (!killed && r.got_result && trailing_data(fds[0]))
        bad(&r, "data after its result");
    close(fds[0]);
    /* Anything the plugin started dies with it; the child is not reaped
     * yet, so its process group cannot be another's. */
    kill(-pid, SIGKILL);
    int status = 0;
    if (reap(pid, &status))
        return rm__error(s->ctx, RM_EINTERNAL, NULL,
                         "%s: lost the plugin process: %s", who,
                         strerror(errno));
    if (r.timed_out)
        return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                         "%s: no answer after %g s (timeout_s); raise "
                         "timeout_s or check the plugin",
                         who, timeout);
    if (WIFSIGNALED(status) && !killed)
        return died(s, who, WTERMSIG(status), &r, lim);
    if (r.nomem)
        return rm__error(s->ctx, RM_ENOMEM, NULL,
                         "%s: out of memory receiving the plugin's results",
                         who);
    if (r.why[0])
        return rm__error(s->ctx, RM_EPLUGIN_OUTPUT, NULL,
                         "%s: the plugin process sent %s; its outputs were "
                         "discarded", who, r.why);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                         "%s: the plugin process exited with status %d "
                         "before finishing; its outputs were discarded — "
                         "a plugin must return from run(), never exit",
                         who, WEXITSTATUS(status));
    if (!r.got_result)
        return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                         "%s: the plugin process ended without sending its "
                         "results%s; its outputs were discarded — a plugin "
                         "must return from run(), never exit",
                         who, r.truncated ? " (its data stopped midway)" : "");
    return RM_OK;
}

/*
 * One shared memory file per declared raster output, made before the
 * fork so that the child inherits it: a big raster's cells then reach the
 * host without a copy through the pipe (layer_shared.h). Without them
 * (no memory, no memfd) rasters go through the pipe like the rest.
 */
static void open_shared_files(rm_step *s)
{
    size_t n = s->desc->n_outputs, rasters = 0;
    for (size_t i = 0; i < n; i++)
        rasters += s->desc->outputs[i].type == RM_GEOM_RASTER;
    if (!rasters || !(s->shared_fd = rm_mallocarray(n, sizeof(int))))
        return;
    for (size_t i = 0; i < n; i++)
        s->shared_fd[i] = s->desc->outputs[i].type == RM_GEOM_RASTER
                              ? rm__layer_shared_file()
                              : -1;
}

static void close_shared_files(rm_step *s)
{
    if (!s->shared_fd)
        return;
    for (size_t i = 0; i < s->desc->n_outputs; i++)
        if (s->shared_fd[i] >= 0)
            close(s->shared_fd[i]);
    free(s->shared_fd);
    s->shared_fd = NULL;
}

int rm__step_fork_run(rm_step *s, const rm__step_limits *lim, int *out_rc)
{
    open_shared_files(s);
    int rc = fork_run(s, lim, out_rc);
    close_shared_files(s); /* mapped cells stay valid without the files */
    return rc;
}
