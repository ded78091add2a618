/*
 * Tests of a step's limits in its child process: a plugin that hangs is
 * stopped at timeout_s (with the process it started), one that allocates
 * without bound is stopped at memory_mb whether it crashes or reports the
 * failure, a well-behaved plugin passes under limits it fits in, and the
 * host carries on after each. Broken plugins are tests/plugins/bad's hang,
 * hog and hogcheck; they only ever run in a child.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugin/loader.h"
#include "plugin/params.h"
#include "plugin/step.h"
#include "routemap/errors.h"
#include "routemap/registry.h"
#include "test_support.h"

#define FIX RM_BAD_PLUGIN_DIR
#define CRS "EPSG:32631"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static rm_context *ctx;
static rm_registry *reg;
static char log_text[4096];

static void logger(void *ud, rm_log_level level, const char *msg)
{
    (void)ud;
    size_t len = strlen(log_text);
    snprintf(log_text + len, sizeof log_text - len, "%d|%s\n", (int)level,
             msg);
}

static int setup(void **state)
{
    (void)state;
    if (rm_context_create(&ctx) || rm_registry_create(ctx, &reg) ||
        rm_registry_add_path(reg, FIX) || rm_registry_scan(reg))
        return -1;
    rm_context_set_logger(ctx, logger, NULL);
    rm_context_set_log_level(ctx, RM_LOG_INFO);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_registry_destroy(reg);
    rm_context_destroy(ctx);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run fixture `name` in a child under `lim`; *secs gets the time taken. */
static int run_limited(const char *name, const rm__step_limits *lim,
                       rm__step_result *res, double *secs)
{
    const rm_plugin_desc *d = rm_registry_find(reg, name);
    assert_non_null(d);
    rm__params *p = NULL;
    assert_int_equal(rm__params_resolve(ctx, d, "cross", NULL, 0, NULL,
                                        NULL, &p), RM_OK);
    rm_bbox area = {100, 200, 300, 400};
    log_text[0] = '\0';
    memset(res, 0xab, sizeof *res);
    double t0 = now_s();
    int rc = rm__step_run_limited(ctx, d, "cross", p, CRS, area, NULL, NULL,
                                  0, lim, res);
    if (secs)
        *secs = now_s() - t0;
    rm__params_destroy(p);
    return rc;
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        print_error("'%s' lacks '%s'\n", text, part);
    assert_non_null(strstr(text, part));
}

/* A failed step hands back nothing. */
static void assert_empty(const rm__step_result *res)
{
    assert_null(res->layers);
    assert_int_equal(res->n, 0);
    assert_int_equal(res->n_notes, 0);
}

/* 1 when process `pid` is gone (or a zombie nobody reaps). */
static int gone(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' &&
           (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

static void test_defaults(void **state)
{
    (void)state;
    /* DOC: timeout_s defaults to 1800 s and memory_mb to 4096 MB. */
    rm__step_limits l = rm__step_limits_default();
    assert_true(l.timeout_s == 1800.0);
    assert_int_equal(l.memory_mb, 4096);
}

static void test_timeout(void **state)
{
    (void)state;
    rm__step_limits lim = {0.5, 0};
    rm__step_result res;
    double secs;
    int rc = run_limited("hang", &lim, &res, &secs);
    assert_int_equal(rc, RM_EPLUGIN_CRASH);
    assert_empty(&res);
    assert_string_equal(rm_errmsg(ctx),
                        "step 'cross' (plugin hang 0.0.1): no answer after "
                        "0.5 s (timeout_s); raise timeout_s or check the "
                        "plugin");
    /* Stopped at the deadline, not long after. */
    assert_true(secs >= 0.5);
    assert_true(secs < 5.0);
    /* The process the plugin started was killed too. */
    const char *h = strstr(log_text, "helper ");
    assert_non_null(h);
    long helper = strtol(h + 7, NULL, 10);
    assert_true(helper > 0);
    for (int i = 0; i < 200 && !gone(helper); i++)
        usleep(10000);
    assert_true(gone(helper));
    /* The host carries on. */
    rm__step_limits ok = {30, 256};
    assert_int_equal(run_limited("echo", &ok, &res, NULL), RM_OK);
    assert_int_equal(res.n, 3);
    assert_non_null(res.layers[0]);
    rm__step_result_free(&res);
}

/* The pid logged after `key` ("helper ", "self "). */
static long logged_pid(const char *key)
{
    const char *h = strstr(log_text, key);
    assert_non_null(h);
    long pid = strtol(h + strlen(key), NULL, 10);
    assert_true(pid > 0);
    return pid;
}

static void test_lingering_helper(void **state)
{
    (void)state;
    /* A helper left holding the pipe neither delays the step to its
     * timeout nor survives it; what the plugin printed without flushing
     * comes out, and its own process is reaped. */
    char dir[512], path[600];
    assert_int_equal(rmt_tmpdir(dir, sizeof dir, "linger"), 0);
    snprintf(path, sizeof path, "%s/stdout.txt", dir);
    fflush(stdout);
    int saved = dup(1);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    rm__step_limits lim = {20, 0};
    rm__step_result res;
    double secs;
    int rc = run_limited("linger", &lim, &res, &secs);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(rc, RM_OK);
    assert_true(secs < 5.0);
    rm__step_result_free(&res);
    long helper = logged_pid("helper "), self = logged_pid("self ");
    for (int i = 0; i < 200 && !gone(helper); i++)
        usleep(10000);
    assert_true(gone(helper));
    /* Reaped, not left a zombie, once the host has settled. */
    rm__isolate_settle();
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/%ld", self);
    assert_int_equal(access(proc, F_OK), -1);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char got[64] = "";
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    assert_string_equal(got, "linger printed this");
}

static void test_memory_crash(void **state)
{
    (void)state;
    if (UNDER_ASAN)
        skip(); /* ASan maps its heap up front: RLIMIT_AS cannot see it */
    rm__step_limits lim = {60, 64};
    rm__step_result res;
    int rc = run_limited("hog", &lim, &res, NULL);
    assert_int_equal(rc, RM_EPLUGIN_CRASH);
    assert_empty(&res);
    const char *msg = rm_errmsg(ctx);
    assert_contains(msg, "step 'cross' (plugin hog 0.0.1): exceeded "
                         "memory_mb (64 MB)");
    assert_contains(msg, "signal 11");
    assert_contains(msg, "raise memory_mb");
}

/* hogcheck under memory_mb: 64 must fail as a careful plugin does, on a
 * block before the 64th: 64 MiB of 1 MiB blocks (plus malloc's headers)
 * cannot all fit. */
static void expect_hogcheck_stopped(void)
{
    rm__step_limits lim = {60, 64};
    rm__step_result res;
    int rc = run_limited("hogcheck", &lim, &res, NULL);
    assert_int_equal(rc, RM_EPLUGIN_CRASH);
    assert_empty(&res);
    const char *msg = rm_errmsg(ctx);
    assert_contains(msg, "step 'cross' (plugin hogcheck 0.0.1): exceeded "
                         "memory_mb (64 MB): it ran out of memory: no "
                         "memory for block");
    const char *b = strstr(msg, "block ");
    assert_non_null(b);
    long block = strtol(b + 6, NULL, 10);
    assert_true(block < 64);
    assert_true(block > 0);
}

static void test_memory_reported(void **state)
{
    (void)state;
    if (UNDER_ASAN)
        skip();
    expect_hogcheck_stopped();
}

/* A thread of the host that has allocated, alive at the fork: it has a
 * malloc arena of its own (address space reserved, mostly not writable
 * yet), which the child inherits. */
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arena_done = PTHREAD_COND_INITIALIZER;
static int arena_stage; /* 1: allocated, 2: may end */
static void *volatile arena_block; /* kept, so the allocation happens */

static void *allocating_thread(void *arg)
{
    (void)arg;
    void *p = malloc(1000);
    arena_block = p;
    pthread_mutex_lock(&arena_lock);
    arena_stage = 1;
    pthread_cond_broadcast(&arena_done);
    while (arena_stage != 2)
        pthread_cond_wait(&arena_done, &arena_lock);
    pthread_mutex_unlock(&arena_lock);
    free(p);
    return NULL;
}

/* memory_mb holds when the host has such a thread at the fork: once the
 * heap reaches the limit, malloc turns to the inherited arena, whose
 * reserve must count like any other memory: 64 MiB of 1 MiB blocks
 * still do not fit under memory_mb: 64. */
static void test_memory_with_thread_arena(void **state)
{
    (void)state;
    if (UNDER_ASAN)
        skip();
    pthread_t t;
    arena_stage = 0;
    assert_int_equal(pthread_create(&t, NULL, allocating_thread, NULL), 0);
    pthread_mutex_lock(&arena_lock);
    while (arena_stage != 1)
        pthread_cond_wait(&arena_done, &arena_lock);
    pthread_mutex_unlock(&arena_lock);

    expect_hogcheck_stopped();

    pthread_mutex_lock(&arena_lock);
    arena_stage = 2;
    pthread_cond_broadcast(&arena_done);
    pthread_mutex_unlock(&arena_lock);
    pthread_join(t, NULL);
}

static void test_fits_within_limits(void **state)
{
    (void)state;
    /* 200 MB is plenty for echo's three small outputs. */
    rm__step_limits lim = {30, 200};
    rm__step_result res;
    assert_int_equal(run_limited("echo", &lim, &res, NULL), RM_OK);
    assert_int_equal(res.n, 3);
    rm__step_result_free(&res);
    /* No limits at all. */
    rm__step_limits none = {0, 0};
    assert_int_equal(run_limited("echo", &none, &res, NULL), RM_OK);
    assert_int_equal(res.n, 3);
    rm__step_result_free(&res);
}

static int no_run(const rm_host_api *api, rm_step *step)
{
    (void)api;
    (void)step;
    return RM_OK;
}

static void test_reserved_names(void **state)
{
    (void)state;
    /* A plugin cannot declare a parameter named like a step's own key. */
    static const char *const names[] = {"timeout_s", "memory_mb", "id",
                                        "plugin"};
    for (size_t i = 0; i < 4; i++) {
        rm_param_desc pd = {names[i], RM_PARAM_REAL, NULL, NULL, 0,
                            NAN, NAN, NULL, 0, "x"};
        rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
        d.name = "p";
        d.version = "1";
        d.summary = "s";
        d.params = &pd;
        d.n_params = 1;
        d.run = no_run;
        char *why = rm__plugin_desc_check(&d);
        assert_non_null(why);
        assert_non_null(strstr(why, "is reserved for the step itself"));
        assert_non_null(strstr(why, names[i]));
        free(why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_lingering_helper),
        cmocka_unit_test(test_memory_crash),
        cmocka_unit_test(test_memory_reported),
        cmocka_unit_test(test_memory_with_thread_arena),
        cmocka_unit_test(test_fits_within_limits),
        cmocka_unit_test(test_reserved_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
