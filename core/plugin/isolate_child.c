/*
 * Plugin isolation, the child's side: once forked, the child moves onto
 * the CPU the host leaves, puts itself in a process group of its own and
 * dies with its parent, runs the plugin under memory_mb (limits on its
 * address space and its data) on a heap of fresh pages, and sends
 * length-prefixed messages (log lines, progress at most ten a second,
 * notes, serialized outputs, then its result), each in as few writes as
 * it can, through a pipe (isolate_wire.h). A big vector output stays in
 * its memory for the host to read (isolate.c): the child waits until the
 * host has read it, and the host then ends it.
 */
#define _GNU_SOURCE /* sbrk, madvise, sigaltstack, sched_setaffinity */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "layer/layer_serialize.h"
#include "layer/layer_shared.h"
#include "plugin/host_api.h"
#include "plugin/isolate_wire.h"
#include "plugin/step.h"
#include "routemap/layer.h"
#include "util/util.h"

/* Progress reaches the host at most this often (seconds), at once when
 * complete, and the last fraction held back when run returns: each
 * message wakes the host, and a plugin may report progress thousands of
 * times a second (the crossings plugin, 150 times in a 20 ms step, each
 * waking the host onto a CPU the plugin was using). */
#define PROGRESS_EVERY_S 0.1

/* A crash counts as "memory limit reached" when the address space is
 * this close to the limit (bytes; or a fiftieth of memory_mb if larger). */
#define NEAR_LIMIT (16u << 20)

static int child_fd = -1;
static int child_write_failed;

/* Write the n parts in order, in one system call when the pipe has room
 * (the host then wakes once for the whole message). */
static void write_parts(struct iovec *iov, int n)
{
    while (n > 0 && !child_write_failed) {
        ssize_t w = writev(child_fd, iov, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            child_write_failed = 1;
            return;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
}

static void write_full(const void *p, size_t n)
{
    struct iovec v = {(void *)p, n};
    write_parts(&v, 1);
}

static void send_msg(uint32_t type, uint32_t arg, const void *a, size_t an,
                     const void *b, size_t bn)
{
    msg_head h = {type, arg, (uint64_t)an + (uint64_t)bn};
    struct iovec v[3] = {{&h, sizeof h}, {(void *)a, an}, {(void *)b, bn}};
    write_parts(v, 3);
}

static void child_log(rm_step *s, int level, const char *msg)
{
    (void)s;
    send_msg(MSG_LOG, (uint32_t)level, msg, strlen(msg), NULL, 0);
}

/* The last fraction the plugin reported, and whether the host has it;
 * when the last progress message went out (CLOCK_MONOTONIC seconds). */
static double progress_now;
static int progress_held;
static double progress_sent_at = -1;

static void send_progress(void)
{
    send_msg(MSG_PROGRESS, 0, &progress_now, sizeof progress_now, NULL, 0);
    progress_held = 0;
}

static void child_progress(rm_step *s, double fraction)
{
    (void)s;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    progress_now = fraction;
    progress_held = 1;
    if (fraction >= 1 || progress_sent_at < 0 ||
        now - progress_sent_at >= PROGRESS_EVERY_S) {
        progress_sent_at = now;
        send_progress();
    }
}

/* The limits of this child's address space and of its data (private
 * writable memory), and the part of each that is memory_mb (bytes), 0
 * when none. */
static size_t child_as_limit, child_data_limit, child_as_added;
static size_t child_page;

/* Read a file of /proc/self into buf (NUL-terminated): its length, 0
 * when unreadable. Only async-signal-safe calls: the fatal-signal
 * handler uses it too. */
static size_t read_self(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

/* The number at p, after blanks (0 when none). */
static size_t number_at(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    size_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (size_t)(*p - '0');
    return v;
}

/* Mapped address space of this process (bytes), 0 when unknown. */
static size_t mapped_bytes(void)
{
    char buf[64];
    return read_self("/proc/self/statm", buf, sizeof buf) ? number_at(buf) *
                                                                child_page
                                                          : 0;
}

/* Data of this process (bytes: VmData, what RLIMIT_DATA counts), 0 when
 * unknown. */
static size_t data_bytes(void)
{
    char buf[4096];
    const char *at = read_self("/proc/self/status", buf, sizeof buf)
                         ? strstr(buf, "\nVmData:")
                         : NULL;
    return at ? number_at(at + 8) << 10 : 0;
}

/* A fatal signal with the limit (nearly) reached: tell the parent, then
 * die of the signal as if there were no handler. */
static void on_fatal(int sig)
{
    size_t near = child_as_added / 50 > NEAR_LIMIT ? child_as_added / 50
                                                   : NEAR_LIMIT;
    if ((child_as_limit && mapped_bytes() + near >= child_as_limit) ||
        (child_data_limit && data_bytes() + near >= child_data_limit)) {
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

/*
 * Limit the address space to what is mapped now plus memory_mb, and the
 * data (private writable memory: the heap, malloc's arenas, anonymous
 * mappings) to what it is now plus memory_mb. The second catches what
 * the first cannot: the malloc arenas of the host's threads come with
 * the fork as address space reserved but not yet writable, and malloc
 * falls back on them when the heap cannot grow, making their reserve
 * writable without mapping anything more (64 MB an arena).
 */
/* Set both the soft and the hard limit of `resource` to `bytes`; 1 when
 * set. */
static int set_limit(int resource, uint64_t bytes)
{
    struct rlimit rl = {(rlim_t)bytes, (rlim_t)bytes};
    return setrlimit(resource, &rl) == 0;
}

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
    if (set_limit(RLIMIT_AS, lim)) {
        child_as_limit = (size_t)lim;
        child_as_added = (size_t)add;
    }
    size_t data = data_bytes();
    if (data > 0 && set_limit(RLIMIT_DATA, data + add))
        child_data_limit = (size_t)(data + add);
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

/* Small pieces of an output (its header, counts, names, short arrays) are
 * gathered here and written together: one write each would wake the host
 * for each, some fifty times for a small layer. */
#define GATHER_BYTES ((size_t)64 << 10)
static char gathered[GATHER_BYTES];
static size_t n_gathered;

static void flush_gathered(void)
{
    if (n_gathered)
        write_full(gathered, n_gathered);
    n_gathered = 0;
}

/* A piece of a serialized output: gathered when small, else written
 * straight from the layer. Outputs are not read again once sent, so each
 * big chunk's whole pages go back to the system as soon as it is through:
 * host and child never both hold a big output in full. */
static int send_piece(void *ud, const void *p, size_t n)
{
    (void)ud;
    if (n > GATHER_BYTES - n_gathered)
        flush_gathered();
    if (n <= GATHER_BYTES - n_gathered) {
        memcpy(gathered + n_gathered, p, n);
        n_gathered += n;
        return child_write_failed;
    }
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

/* Output i as one message of `type`: its header, then what `encode`
 * writes of it (len bytes), small pieces gathered. */
static void send_output(uint32_t type, size_t i, uint64_t len,
                        const rm_layer *out,
                        int (*encode)(const rm_layer *, rm__layer_sink,
                                      void *))
{
    msg_head h = {type, (uint32_t)i, len};
    send_piece(NULL, &h, sizeof h);
    encode(out, send_piece, NULL);
    flush_gathered();
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
    if (reused < child_as_added) {
        if (child_as_limit && set_limit(RLIMIT_AS, child_as_limit - reused))
            child_as_limit -= reused;
        if (child_data_limit &&
            set_limit(RLIMIT_DATA, child_data_limit - reused))
            child_data_limit -= reused;
    }
#endif
#else
    (void)memory_mb;
#endif
}

/*
 * Move onto the CPU the host ran on at the fork, which the host leaves to
 * wait for this child's messages. The child starts on another CPU, and
 * the scheduler places a new thread by how busy the CPUs have been
 * lately: the host's CPU, busy up to the fork, looks the busier, so the
 * plugin's first thread went beside the child's own on the child's CPU
 * and waited there until the load balancer moved it (the crossings step
 * on two CPUs: a median of 32.9 ms, up to 61 ms, against 24.2 ms once the
 * child moves). Only the CPU changes: the allowed set is restored at once.
 */
static void take_host_cpu(int host_cpu)
{
#ifdef __linux__
    cpu_set_t allowed, one;
    if (host_cpu < 0 || host_cpu >= CPU_SETSIZE ||
        sched_getaffinity(0, sizeof allowed, &allowed) != 0 ||
        CPU_COUNT(&allowed) < 2 || !CPU_ISSET(host_cpu, &allowed))
        return;
    CPU_ZERO(&one);
    CPU_SET(host_cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) == 0)
        (void)sched_setaffinity(0, sizeof allowed, &allowed);
#else
    (void)host_cpu;
#endif
}

void rm__isolate_child_main(rm_step *s, int fd, int rel, pid_t parent,
                            int host_cpu, const rm__step_limits *lim)
{
    child_fd = fd;
    take_host_cpu(host_cpu);
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
    if (progress_held)
        send_progress(); /* the last fraction reported, held back */
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
            send_output(MSG_SHARED, i, rm__layer_serialized_head_size(out),
                        out, rm__layer_serialize_head_to);
            continue;
        }
        if (remote && rm__layer_serialized_size(out) >= REMOTE_MIN &&
            send_remote((uint32_t)i, out) == 0)
            continue;
        send_output(MSG_OUTPUT, i, rm__layer_serialized_size(out), out,
                    rm__layer_serialize_to);
    }
    for (size_t i = 0; ok && i < s->n_notes; i++) {
        size_t kl = strlen(s->note_keys[i]) + 1;
        size_t vl = strlen(s->note_values[i]) + 1;
        send_msg(MSG_NOTE, 0, s->note_keys[i], kl, s->note_values[i], vl);
    }
    fflush(stdout); /* what the plugin printed itself, before the host */
    fflush(stderr); /* may end this process on reading the result */
    int32_t codes[3] = {rc, s->fail_code, s->misuse_code};
    const char *fm = s->fail_msg ? s->fail_msg : "";
    const char *mm = s->misuse_msg ? s->misuse_msg : "";
    msg_head h = {MSG_RESULT, 0,
                  sizeof codes + strlen(fm) + 1 + strlen(mm) + 1};
    struct iovec v[4] = {{&h, sizeof h},
                         {codes, sizeof codes},
                         {(void *)fm, strlen(fm) + 1},
                         {(void *)mm, strlen(mm) + 1}};
    write_parts(v, 4);
    if (remote)
        wait_release(rel);
    _exit(child_write_failed ? 3 : 0);
}
