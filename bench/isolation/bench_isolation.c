/*
 * Isolation overhead: the crossings step on the crossings benchmark's
 * workload (100,000 random-walk tracks of 100 vertices against a 500 km
 * line of 1,000 vertices in UTM 31N, the same deterministic generator as
 * bench/crossings), run through the real host both in process and in a
 * forked child (fork, the plugin's run, outputs read by the host from the
 * child's memory, decoded and checked), alternately, and the overhead of
 * the child as a share of the in-process step time.
 *
 *   bench_isolation PLUGIN_DIR [tracks] [vertices] [reps]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin/params.h"
#include "plugin/step.h"
#include "routemap/errors.h"
#include "routemap/layer.h"
#include "routemap/registry.h"
#include "../crossings/workload.h"

#define MAX_REPS 64

/* ---- timing ------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of this process and its reaped children. */
static double cpu_s(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
                    kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
           1e-6 * (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
                           kids.ru_utime.tv_usec + kids.ru_stime.tv_usec);
}

/* Minor page faults of this process (self) and of its reaped children. */
static void faults(long *self_out, long *kids_out)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    *self_out = self.ru_minflt;
    *kids_out = kids.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static rm_layer *tracks_layer, *line_layer;

static const rm_layer *lookup(void *ud, const char *name)
{
    (void)ud;
    if (strcmp(name, "tracks") == 0)
        return tracks_layer;
    return strcmp(name, "lines") == 0 ? line_layer : NULL;
}

/* Make the two input layers. */
static int build_layers(size_t n_tracks, size_t n_verts)
{
    workload w;
    if (make_workload(&w, n_tracks, n_verts, 0))
        return -1;
    if (rm_layer_create(&tracks_layer, "tracks", RM_GEOM_LINE) ||
        rm_layer_create(&line_layer, "lines", RM_GEOM_LINE)) {
        free(w.xy);
        return -1;
    }
    const double *xy = w.xy;
    rm_layer_set_crs(tracks_layer, "EPSG:32631");
    rm_layer_set_crs(line_layer, "EPSG:32631");
    int rc = 0;
    for (size_t t = 0; t < n_tracks && !rc; t++) {
        rm_layer_begin_feature(tracks_layer, (int64_t)t + 1);
        rc = rm_layer_add_part(tracks_layer, xy + 2 * t * n_verts, n_verts,
                               NULL, 1);
    }
    rm_layer_begin_feature(line_layer, 1);
    rc |= rm_layer_add_part(line_layer, w.line, LINE_VERTS, NULL, 1);
    free(w.xy);
    return rc;
}

/* Total features of a step's outputs (the same both ways). */
static size_t feature_total(const rm__step_result *res)
{
    size_t n = 0;
    for (size_t i = 0; i < res->n; i++)
        if (res->layers[i])
            n += rm_layer_feature_count(res->layers[i]);
    return n;
}

/* One run of the step, measured: wall and CPU seconds (the child's CPU
 * included, once reaped), page faults of the host and of the child. */
typedef struct measure {
    double wall, cpu, host_pf, child_pf;
    size_t features;
} measure;

static rm_context *ctx;
static const rm_plugin_desc *plugin;
static rm__params *params;

/* Build the inputs and resolve the step's parameters. */
static int prepare(size_t n_tracks, size_t n_verts, double *load)
{
    double t0 = now_s();
    if (build_layers(n_tracks, n_verts)) {
        fprintf(stderr, "out of memory\n");
        return -1;
    }
    *load = now_s() - t0;
    const char *tv[] = {"tracks"}, *lv[] = {"lines"}, *seg[] = {"10"};
    rm__raw_param raw[3] = {
        {"tracks", tv, 1, 0, {NULL, 0, 0, NULL, NULL, -1}},
        {"lines", lv, 1, 0, {NULL, 0, 0, NULL, NULL, -1}},
        {"segment_km", seg, 1, 0, {NULL, 0, 0, NULL, NULL, -1}}};
    if (rm__params_resolve(ctx, plugin, "cross", raw, 3, lookup, NULL,
                           &params)) {
        fprintf(stderr, "%s\n", rm_errmsg(ctx));
        return -1;
    }
    return 0;
}

static int step_once(int in_child, measure *m)
{
    rm_bbox none = {NAN, NAN, NAN, NAN};
    rm__step_limits lim = rm__step_limits_default();
    rm__step_result res;
    long s0, k0, s1, k1;
    faults(&s0, &k0);
    double w0 = now_s(), c0 = cpu_s();
    int rc = rm__step_run_limited(ctx, plugin, "cross", params, "EPSG:32631",
                                  none, NULL, NULL, !in_child, &lim, &res);
    m->wall = now_s() - w0;
    rm__isolate_settle(); /* the child's CPU counts once it is reaped */
    m->cpu = cpu_s() - c0;
    faults(&s1, &k1);
    m->host_pf = (double)(s1 - s0);
    m->child_pf = (double)(k1 - k0);
    if (rc) {
        fprintf(stderr, "step failed: %s\n", rm_errmsg(ctx));
        return -1;
    }
    m->features = feature_total(&res);
    rm__step_result_free(&res);
    return 0;
}

/* The step run once in a fresh host (a fork of this process made before
 * any input exists, which builds them), as a briefing runs each step:
 * neither way finds memory warmed by a run before. */
static int fresh_host(int in_child, size_t n_tracks, size_t n_verts,
                      measure *m)
{
    int fd[2];
    if (pipe(fd))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        double load;
        measure got;
        int ok = prepare(n_tracks, n_verts, &load) == 0 &&
                 step_once(in_child, &got) == 0;
        if (ok)
            (void)!write(fd[1], &got, sizeof got);
        _exit(ok ? 0 : 1);
    }
    close(fd[1]);
    ssize_t n = pid > 0 ? read(fd[0], m, sizeof *m) : -1;
    close(fd[0]);
    int st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);
    return n == (ssize_t)sizeof *m && WIFEXITED(st) && !WEXITSTATUS(st)
               ? 0
               : -1;
}

/* Print the medians of each way and the overhead of the child; returns
 * that overhead in CPU time, per cent. */
static double report(const char *title, measure m[2][MAX_REPS], int reps)
{
    double v[6][MAX_REPS];
    for (int r = 0; r < reps; r++) {
        v[0][r] = m[0][r].wall;
        v[1][r] = m[0][r].cpu;
        v[2][r] = m[1][r].wall;
        v[3][r] = m[1][r].cpu;
        v[4][r] = m[1][r].child_pf;
        v[5][r] = m[1][r].host_pf;
    }
    double wi = median(v[0], reps), ci = median(v[1], reps);
    double wc = median(v[2], reps), cc = median(v[3], reps);
    printf("%s\n", title);
    printf("  in process:    median %.1f ms wall, %.1f ms CPU\n", 1e3 * wi,
           1e3 * ci);
    printf("  child process: median %.1f ms wall, %.1f ms CPU (fork, run, "
           "outputs to the host, decoded and checked)\n",
           1e3 * wc, 1e3 * cc);
    printf("  page faults of the child's run: %.0f in the child, %.0f in "
           "the host\n",
           median(v[4], reps), median(v[5], reps));
    printf("  isolation overhead: %+.1f ms wall (%+.1f %%), %+.1f ms CPU "
           "(%+.1f %%)\n",
           1e3 * (wc - wi), 100.0 * (wc - wi) / wi, 1e3 * (cc - ci),
           100.0 * (cc - ci) / ci);
    return 100.0 * (cc - ci) / ci;
}

/* `reps` runs each way, alternating which goes first so that drift hits
 * both: in fresh hosts when n_tracks > 0, else in this one. One way only
 * with BENCH_ONLY=child or =process (for profiling; the other's figures
 * are dummies). */
static int both_ways(measure m[2][MAX_REPS], int reps, size_t n_tracks,
                     size_t n_verts)
{
    const char *only = getenv("BENCH_ONLY");
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < 2; k++) {
            int mode = r % 2 ? 1 - k : k;
            if (only && strcmp(only, mode ? "child" : "process") != 0) {
                m[mode][r] = (measure){1, 1, 0, 0, 0};
                continue;
            }
            int rc = n_tracks ? fresh_host(mode, n_tracks, n_verts,
                                           &m[mode][r])
                              : step_once(mode, &m[mode][r]);
            if (rc) {
                fprintf(stderr, "a run of the step failed\n");
                return -1;
            }
        }
    return 0;
}

static int run(const char *plugin_dir, size_t n_tracks, size_t n_verts,
               int reps)
{
    rm_registry *reg = NULL;
    if (rm_context_create(&ctx) || rm_registry_create(ctx, &reg) ||
        rm_registry_add_path(reg, plugin_dir) || rm_registry_scan(reg))
        return 1;
    plugin = rm_registry_find(reg, "crossings");
    if (!plugin) {
        fprintf(stderr, "no crossings plugin in %s\n", plugin_dir);
        return 1;
    }
    static measure fresh[2][MAX_REPS], warm[2][MAX_REPS];
    if (both_ways(fresh, reps, n_tracks, n_verts))
        return 1;
    double load;
    if (prepare(n_tracks, n_verts, &load) || both_ways(warm, reps, 0, 0))
        return 1;
    /* Where the difference goes: fork and exit of an idle child of this
     * size, and encoding and decoding the outputs. */
    double fork_ms[MAX_REPS], enc_ms[MAX_REPS], dec_ms[MAX_REPS];
    size_t bytes = 0;
    rm__step_result res;
    rm_bbox none = {NAN, NAN, NAN, NAN};
    if (rm__step_run_limited(ctx, plugin, "cross", params, "EPSG:32631",
                             none, NULL, NULL, 1, NULL, &res))
        return 1;
    for (int r = 0; r < reps; r++) {
        double f0 = now_s();
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        int st;
        waitpid(pid, &st, 0);
        fork_ms[r] = 1e3 * (now_s() - f0);
        enc_ms[r] = dec_ms[r] = 0;
        bytes = 0;
        for (size_t i = 0; i < res.n; i++) {
            if (!res.layers[i])
                continue;
            uint8_t *buf;
            size_t len;
            double e0 = now_s();
            if (rm_layer_serialize(res.layers[i], &buf, &len))
                return 1;
            double e1 = now_s();
            rm_layer *back = NULL;
            if (rm_layer_deserialize(&back, buf, len))
                return 1;
            dec_ms[r] += 1e3 * (now_s() - e1);
            enc_ms[r] += 1e3 * (e1 - e0);
            bytes += len;
            rm_layer_destroy(back);
            free(buf);
        }
    }
    size_t feats = feature_total(&res);
    rm__step_result_free(&res);
    const char *only = getenv("BENCH_ONLY");
    for (int r = 0; r < reps; r++)
        for (int mode = 0; mode < 2; mode++)
            if ((!only || strcmp(only, mode ? "child" : "process") == 0) &&
                (fresh[mode][r].features != feats ||
                 warm[mode][r].features != feats)) {
                fprintf(stderr, "outputs differ: %zu features, not %zu\n",
                        fresh[mode][r].features, feats);
                return 1;
            }
    printf("crossings step, %zu tracks x %zu vertices (layers built in "
           "%.0f ms), %d runs each way, %zu output features\n",
           n_tracks, n_verts, 1e3 * load, reps, feats);
    double fresh_pct = report("first step of a fresh host, as in a "
                              "briefing run:", fresh, reps);
    double warm_pct = report("the step again and again in one warm host:",
                             warm, reps);
    printf("of which: fork + exit of an idle child %.1f ms; outputs "
           "(%.1f MB) encoded in %.1f ms, decoded in %.1f ms\n",
           median(fork_ms, reps), (double)bytes / 1048576.0,
           median(enc_ms, reps), median(dec_ms, reps));
    printf("RESULT fresh_cpu_overhead_pct=%.2f warm_cpu_overhead_pct=%.2f\n",
           fresh_pct, warm_pct);
    rm__params_destroy(params);
    rm_layer_destroy(tracks_layer);
    rm_layer_destroy(line_layer);
    rm_registry_destroy(reg);
    rm_context_destroy(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_isolation PLUGIN_DIR [tracks] "
                        "[vertices] [reps]\n");
        return 2;
    }
    size_t n_tracks = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t n_verts = argc > 3 ? strtoul(argv[3], NULL, 10) : 100;
    long reps = argc > 4 ? strtol(argv[4], NULL, 10) : 7;
    if (n_tracks == 0 || n_verts < 2 || reps < 1 || reps > MAX_REPS) {
        fprintf(stderr, "tracks >= 1, vertices >= 2, 1 <= reps <= %d\n",
                MAX_REPS);
        return 2;
    }
    return run(argv[1], n_tracks, n_verts, (int)reps);
}
