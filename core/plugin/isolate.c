/*
 * Plugin isolation, the host's side: run() executes in a child forked
 * after the inputs are loaded, so it reads them copy-on-write and can only
 * hurt itself (the child's side is isolate_child.c, what crosses between
 * them isolate_wire.h). The host reads the child's messages against a
 * deadline (timeout_s) and trusts none of them: every message is bounded
 * and decoded with checks, and a big vector output is read from the
 * child's memory (process_vm_readv) before the child may exit. A signal, a
 * bad exit, a silence past the deadline or a malformed stream becomes an
 * error naming the step and the plugin, with the child's whole process
 * group killed and reaped. Once the result is in, the group is killed too
 * and the child reaped on a thread aside (rm__isolate_settle waits).
 */
#define _GNU_SOURCE /* process_vm_readv */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "layer/layer_serialize.h"
#include "layer/layer_shared.h"
#include "plugin/host_api.h"
#include "plugin/isolate_wire.h"
#include "plugin/step.h"
#include "routemap/layer.h"
#include "util/util.h"

/* Pipe buffer asked for, so outputs cross in few large writes (bytes;
 * Linux allows up to /proc/sys/fs/pipe-max-size, 1 MiB by default). */
#define PIPE_BYTES (1 << 20)

/* Big outputs decoded on threads of their own at once, at most. */
#define MAX_JOBS 4

/* An output from this size on is decoded on a thread of its own while the
 * reader goes on, when a CPU is free for it. */
#define JOB_MIN_BYTES (1u << 20)

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
    struct remote_job *jobs[MAX_JOBS]; /* outputs being decoded aside */
    size_t n_jobs;
    int spare_cpus; /* threads a decode may take beside the reader */
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

/* The end of decoding output i: kept when it decoded, else the cause. */
static void take_decoded(reader *r, uint32_t i, int rc, rm_layer *l)
{
    if (rc == RM_ENOMEM) {
        r->nomem = 1;
        return;
    }
    if (rc)
        return bad(r, "an output that cannot be decoded");
    accept_output(r, i, l);
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
    take_decoded(r, h->arg, rc, l);
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

/* An output being decoded from the child's memory on a thread of its own. */
typedef struct remote_job {
    pthread_t thread;
    uint32_t index;
    uint64_t *pieces; /* the list the child sent */
    remote_src *rs;
    rm_layer *layer;
    int rc;
} remote_job;

static void *decode_job(void *arg)
{
    remote_job *j = arg;
    j->rc = rm__layer_deserialize_from(&j->layer, j->rs->left, remote_source,
                                       j->rs);
    return NULL;
}

/* 1 when output i is being decoded aside. */
static int in_flight(const reader *r, uint32_t i)
{
    for (size_t k = 0; k < r->n_jobs; k++)
        if (r->jobs[k]->index == i)
            return 1;
    return 0;
}

/* Wait for the outputs decoded aside and take them, in the order they
 * came; dropped when the stream already failed. Before the child may
 * exit: they read its memory. */
static void finish_jobs(reader *r)
{
    for (size_t k = 0; k < r->n_jobs; k++) {
        remote_job *j = r->jobs[k];
        pthread_join(j->thread, NULL);
        if (r->why[0] || r->nomem)
            rm_layer_destroy(j->layer);
        else
            take_decoded(r, j->index, j->rc, j->layer);
        free(j->rs);
        free(j->pieces);
        free(j);
    }
    r->n_jobs = 0;
}

/* Start decoding a big output on a thread of its own, so that the next
 * one (or the host's wait for the result) overlaps it; 0 when started. */
static int start_job(reader *r, uint32_t i, uint64_t *pieces, remote_src *rs)
{
    if (r->n_jobs >= (size_t)r->spare_cpus || rs->left < JOB_MIN_BYTES)
        return -1;
    remote_job *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->index = i;
    j->pieces = pieces;
    j->rs = rs;
    if (pthread_create(&j->thread, NULL, decode_job, j) != 0) {
        free(j);
        return -1;
    }
    r->jobs[r->n_jobs++] = j;
    return 0;
}

/* An output left in the child's memory: check the list of its pieces,
 * then decode it from there into the host's own copy, here or on a thread
 * of its own. Whatever the list says, the host only reads the child's
 * memory (an unmapped address is a refused output); a plugin set on
 * pointing it at a mapping whose reads never return could stall it, but
 * such a plugin runs as the same user and could as well signal the host:
 * isolation guards against bugs, not against that. */
static void receive_remote(reader *r, const msg_head *h, const char *p)
{
    rm_step *s = r->s;
    if (h->arg >= s->desc->n_outputs || s->outputs[h->arg] ||
        in_flight(r, h->arg))
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
    if (start_job(r, h->arg, v, rs) == 0)
        return;
    rm_layer *l = NULL;
    int rc = rm__layer_deserialize_from(&l, total, remote_source, rs);
    free(rs);
    free(v);
    take_decoded(r, h->arg, rc, l);
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
 * passed first. The child's pidfd becomes readable when it ends, so the
 * host learns of it at once; without one (a kernel before 5.3), it looks
 * again after naps that grow from 0.1 to 5 ms. */
static int wait_ended(pid_t pid, double deadline)
{
    int pfd = pidfd_open(pid, 0);
    long nap_us = 100;
    int rc = 0;
    for (;;) {
        int ms = ms_left(deadline);
        if (ms == 0) {
            rc = -1;
            break;
        }
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int flags = WEXITED | WNOWAIT | (ms > 0 ? WNOHANG : 0);
        if (waitid(P_PID, (id_t)pid, &si, flags) != 0) {
            if (errno == EINTR)
                continue;
            break; /* nothing to wait for: waitpid says why */
        }
        if (si.si_pid == pid)
            break;
        if (pfd >= 0) {
            struct pollfd p = {pfd, POLLIN, 0};
            (void)poll(&p, 1, ms);
            continue;
        }
        long cap_us = ms > 5 ? 5000 : 1000L * ms;
        struct timespec nap = {0, 1000L * (nap_us < cap_us ? nap_us : cap_us)};
        nanosleep(&nap, NULL);
        nap_us = nap_us * 2 > 5000 ? 5000 : nap_us * 2;
    }
    if (pfd >= 0)
        close(pfd);
    return rc;
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

/* Children killed once their results were in, not reaped yet: each is
 * reaped by a thread of its own, so that its teardown (about 1 ms for a
 * child of a big host) overlaps the host's next work. */
static pthread_mutex_t aside_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t aside_none = PTHREAD_COND_INITIALIZER;
static int aside_count;

static void *reap_aside_main(void *arg)
{
    int status;
    (void)reap((pid_t)(intptr_t)arg, &status);
    pthread_mutex_lock(&aside_lock);
    if (--aside_count == 0)
        pthread_cond_broadcast(&aside_none);
    pthread_mutex_unlock(&aside_lock);
    return NULL;
}

static void reap_aside(pid_t pid)
{
    pthread_mutex_lock(&aside_lock);
    aside_count++;
    pthread_mutex_unlock(&aside_lock);
    pthread_attr_t attr;
    int started = 0;
    if (pthread_attr_init(&attr) == 0) {
        pthread_t t;
        started = pthread_attr_setdetachstate(&attr,
                                              PTHREAD_CREATE_DETACHED) == 0 &&
                  pthread_create(&t, &attr, reap_aside_main,
                                 (void *)(intptr_t)pid) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started)
        reap_aside_main((void *)(intptr_t)pid);
}

void rm__isolate_settle(void)
{
    pthread_mutex_lock(&aside_lock);
    while (aside_count > 0)
        pthread_cond_wait(&aside_none, &aside_lock);
    pthread_mutex_unlock(&aside_lock);
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

/*
 * Merge the heap's free small blocks (malloc's fast bins) while its pages
 * are still this process's alone. Left to after the fork, the first
 * allocation of a few KB on either side merges them, writing to some 130
 * pages the fork has just shared copy-on-write: a page fault and a page
 * copy each, in the host and again in the child (about 0.3 ms a step in
 * the isolation benchmark). glibc merges them on any mallopt; the value
 * set is its default.
 */
static void merge_free_blocks(void)
{
#if defined(__GLIBC__) && defined(M_MXFAST)
    mallopt(M_MXFAST, (int)(64 * sizeof(size_t) / 4));
#endif
}

/* CPUs this process may use beside the one reading (0 on one CPU). */
static int spare_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    int n = CPU_COUNT(&set) - 1;
    return n < 0 ? 0 : n > MAX_JOBS ? MAX_JOBS : n;
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
    merge_free_blocks();
    double timeout = lim && lim->timeout_s > 0 ? lim->timeout_s : 0;
    double deadline = timeout > 0 ? now_s() + timeout : 0;
    pid_t parent = getpid();
    int host_cpu = sched_getcpu();
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
        rm__isolate_child_main(s, fds[1], rel[1], parent, host_cpu, lim);
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
    r.spare_cpus = spare_cpus();
    read_all(&r);
    finish_jobs(&r);
    int killed = 0;
    if (r.timed_out || r.why[0] || r.nomem) {
        kill_all(pid);
        killed = 1;
    }
    /* The result came last, after every output, and all of them are
     * checked and copied: the child has nothing left to do. It is killed
     * with anything it started and reaped aside; not released first, as
     * a byte on the release socket is a "synchronous" wake-up that brings
     * the child onto this CPU, where its exit would hold this thread
     * back. */
    if (!killed && r.got_result && !trailing_data(fds[0])) {
        kill_all(pid);
        if (rel[0] >= 0)
            close(rel[0]);
        close(fds[0]);
        reap_aside(pid);
        return RM_OK;
    }
    if (rel[0] >= 0) { /* read: the child may exit */
        char c = RELEASE_DONE;
        (void)!send(rel[0], &c, 1, MSG_NOSIGNAL);
        close(rel[0]);
    }
    /* The stream ended without a result: the child exits next, unless
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
