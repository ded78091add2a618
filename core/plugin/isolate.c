/*
 * Plugin isolation: run() executes in a child forked after the inputs are
 * loaded, so it reads them copy-on-write and can only hurt itself. The
 * child sends length-prefixed messages (log lines, progress, notes,
 * serialized outputs, then its result) through a pipe; the parent trusts
 * none of it: every message is bounded and decoded with checks, and a
 * signal, a bad exit or a malformed stream becomes an error naming the
 * step and the plugin.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plugin/host_api.h"
#include "routemap/layer.h"
#include "util/util.h"

enum {
    MSG_LOG = 1,      /* arg: level; payload: text */
    MSG_PROGRESS = 2, /* payload: one double */
    MSG_NOTE = 3,     /* payload: key NUL value NUL */
    MSG_OUTPUT = 4,   /* arg: output index; payload: serialized layer */
    MSG_RESULT = 5    /* payload: 3 int32 (run rc, fail, misuse), then
                         fail message NUL misuse message NUL */
};

typedef struct msg_head {
    uint32_t type;
    uint32_t arg;
    uint64_t len;
} msg_head;

/* Largest message other than an output (bytes). */
#define SMALL_MAX (1u << 20)

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

static void default_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                               SIGABRT, SIGSYS, SIGTRAP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static void send_text(const char *s)
{
    const char *t = s ? s : "";
    write_full(t, strlen(t) + 1);
}

static void child_main(rm_step *s, int fd)
{
    child_fd = fd;
    default_signals();
    s->emit_log = child_log;
    s->emit_progress = child_progress;
    int rc = rm__step_call_run(s);
    int ok = rc == RM_OK && s->fail_code == RM_OK &&
             s->misuse_code == RM_OK;
    for (size_t i = 0; ok && i < s->desc->n_outputs; i++) {
        if (!s->outputs[i])
            continue;
        uint8_t *buf = NULL;
        size_t len = 0;
        if (rm_layer_serialize(s->outputs[i], &buf, &len)) {
            rm__step_misuse(s, RM_ENOMEM, "out of memory sending output "
                            "'%s' to the host", s->desc->outputs[i].name);
            break;
        }
        send_msg(MSG_OUTPUT, (uint32_t)i, buf, len, NULL, 0);
        free(buf);
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
    _exit(child_write_failed ? 3 : 0);
}

/* ---- parent -------------------------------------------------------------- */

/* Read up to n bytes; returns how many (less only at end of stream). */
static size_t read_full(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, c + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

typedef struct reader {
    rm_step *s;
    int *run_rc;
    int got_result;
    int truncated;
    int nomem;
    char why[400]; /* first protocol error, "" when none */
} reader;

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

static void handle(reader *r, const msg_head *h, char *p)
{
    rm_step *s = r->s;
    switch (h->type) {
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
    case MSG_OUTPUT: {
        if (h->arg >= s->desc->n_outputs || s->outputs[h->arg])
            return bad(r, "an output it did not declare, or one twice");
        rm_layer *l = NULL;
        int rc = rm_layer_deserialize(&l, (const uint8_t *)p, (size_t)h->len);
        if (rc == RM_ENOMEM) {
            r->nomem = 1;
            return;
        }
        const char *name = s->desc->outputs[h->arg].name;
        if (rc || rm_layer_set_name(l, name) || rm_layer_set_crs(l, s->crs)) {
            rm_layer_destroy(l);
            if (rc)
                return bad(r, "an output that cannot be decoded");
            r->nomem = 1;
            return;
        }
        s->outputs[h->arg] = l;
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
    }
    bad(r, "a message of unknown type");
}

/* Read messages until the end of the stream or a protocol error. */
static void read_all(reader *r, int fd)
{
    for (;;) {
        msg_head h;
        size_t got = read_full(fd, &h, sizeof h);
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
        if (h.len > SIZE_MAX - 1)
            return bad(r, "an oversized output");
        char *p = malloc(h.len ? (size_t)h.len : 1);
        if (!p) {
            r->nomem = 1;
            return;
        }
        if (read_full(fd, p, (size_t)h.len) < h.len) {
            free(p);
            r->truncated = 1;
            return;
        }
        handle(r, &h, p);
        free(p);
        if (r->why[0] || r->nomem)
            return;
    }
}

static int wait_child(pid_t pid, int *status)
{
    for (;;) {
        if (waitpid(pid, status, 0) == pid)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int rm__step_fork_run(rm_step *s, int *out_rc)
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
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return rm__error(s->ctx, RM_EINTERNAL, NULL,
                         "%s: cannot start the plugin process: %s; free "
                         "memory or run plugins in process", who,
                         strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(s, fds[1]);
    }
    close(fds[1]);
    reader r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.run_rc = out_rc;
    read_all(&r, fds[0]);
    int killed = 0;
    if (r.why[0] || r.nomem) {
        kill(pid, SIGKILL);
        killed = 1;
    }
    close(fds[0]);
    int status = 0;
    if (wait_child(pid, &status))
        return rm__error(s->ctx, RM_EINTERNAL, NULL,
                         "%s: lost the plugin process: %s", who,
                         strerror(errno));
    if (WIFSIGNALED(status) && !killed) {
        int sig = WTERMSIG(status);
        return rm__error(s->ctx, RM_EPLUGIN_CRASH, NULL,
                         "%s crashed with signal %d (%s); its outputs were "
                         "discarded — this is a bug in the plugin; report "
                         "it to its author with the briefing that "
                         "triggered it", who, sig, strsignal(sig));
    }
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
