/*
 * Crossings benchmark: 100,000 random-walk tracks of 100 vertices against
 * a 500 km line of 1,000 vertices in UTM 31N, generated deterministically.
 * Times the crossings step itself (the plugin's run through its static
 * twin and a minimal host table; building the input layers is timed
 * apart as loading) and GEOS prepared-geometry intersection of each track
 * with the line, and prints each one's crossing count. For PostGIS it
 * writes the same data as COPY text (run.sh loads and queries it).
 *
 *   bench_crossings run|plugin|geos [tracks] [vertices]
 *   bench_crossings cases      (degenerate cases: crossings vs GEOS)
 *   (BENCH_WALK=patrol: persistent walks instead of plain random walks;
 *   BENCH_THREADS=n: the step's threads parameter; BENCH_REPEATS=n: runs
 *   of the step, 9 by default, at most 64)
 *   bench_crossings copy-tracks|copy-line [tracks] [vertices]
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <geos_c.h>

#include "routemap/errors.h"
#include "routemap/layer.h"
#include "routemap/plugin.h"
#include "workload.h"

int rm_plugin_crossings_init_static(const rm_host_api *api,
                                    rm_plugin_desc *out);

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this thread: what the work cost when other processes
 * share the cores. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- a minimal host --------------------------------------------------- */

struct rm_step {
    const rm_plugin_desc *desc;
    const rm_layer *tracks, *lines;
    rm_layer *out[4];
    char msg[1024];
};

static int verbose;

static void h_log(rm_step *s, int level, const char *fmt, ...)
{
    (void)s;
    if (!verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%d] ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void h_progress(rm_step *s, double f)
{
    (void)s;
    (void)f;
}

static int h_cancelled(rm_step *s)
{
    (void)s;
    return 0;
}

static int h_fail(rm_step *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    return code;
}

static const rm_param_desc *schema(rm_step *s, const char *name)
{
    for (size_t i = 0; i < s->desc->n_params; i++)
        if (strcmp(s->desc->params[i].name, name) == 0)
            return &s->desc->params[i];
    return NULL;
}

static int h_is_set(rm_step *s, const char *name)
{
    const rm_param_desc *p = schema(s, name);
    return p && (p->default_value || p->type == RM_PARAM_LAYER);
}

static int64_t h_int(rm_step *s, const char *name)
{
    const char *env = getenv("BENCH_THREADS");
    if (strcmp(name, "threads") == 0 && env)
        return strtoll(env, NULL, 10);
    const rm_param_desc *p = schema(s, name);
    return p && p->default_value ? strtoll(p->default_value, NULL, 10) : 0;
}

static double h_real(rm_step *s, const char *name)
{
    const rm_param_desc *p = schema(s, name);
    return p && p->default_value ? strtod(p->default_value, NULL) : NAN;
}

static int h_bool(rm_step *s, const char *name)
{
    (void)s;
    (void)name;
    return 0;
}

static const char *h_string(rm_step *s, const char *name)
{
    const rm_param_desc *p = schema(s, name);
    return p ? p->default_value : NULL;
}

static const rm_layer *h_layer(rm_step *s, const char *name)
{
    if (strcmp(name, "tracks") == 0)
        return s->tracks;
    if (strcmp(name, "lines") == 0)
        return s->lines;
    return NULL;
}

/* side_names: the default "left,right". */
static size_t h_count(rm_step *s, const char *name)
{
    (void)s;
    return strcmp(name, "side_names") == 0 ? 2 : 1;
}

static double h_list_real(rm_step *s, const char *name, size_t i)
{
    (void)i;
    return h_real(s, name);
}

static const char *h_list_string(rm_step *s, const char *name, size_t i)
{
    (void)s;
    if (strcmp(name, "side_names") == 0)
        return i == 0 ? "left" : "right";
    return NULL;
}

static const rm_layer *h_list_layer(rm_step *s, const char *name, size_t i)
{
    (void)i;
    return h_layer(s, name);
}

static const char *h_crs(rm_step *s)
{
    (void)s;
    return "EPSG:32631";
}

static rm_bbox h_area(rm_step *s)
{
    (void)s;
    rm_bbox b = {NAN, NAN, NAN, NAN};
    return b;
}

static rm_layer *h_output(rm_step *s, const char *name)
{
    for (size_t i = 0; i < s->desc->n_outputs && i < 4; i++) {
        if (strcmp(s->desc->outputs[i].name, name) != 0)
            continue;
        if (!s->out[i] &&
            rm_layer_create(&s->out[i], name, s->desc->outputs[i].type))
            return NULL;
        return s->out[i];
    }
    return NULL;
}

static rm_layer *h_raster(rm_step *s, const char *n, int w, int h,
                          const double gt[6])
{
    (void)s;
    (void)n;
    (void)w;
    (void)h;
    (void)gt;
    return NULL;
}

static int h_note(rm_step *s, const char *k, const char *v)
{
    (void)s;
    (void)k;
    (void)v;
    return 0;
}

static const rm_host_api API = {
    sizeof(rm_host_api), RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR,
    h_log, h_progress, h_cancelled, h_fail, h_is_set, h_int, h_real,
    h_bool, h_string, h_layer, h_count, h_list_real, h_list_string,
    h_list_layer, h_crs, h_area, rm_layer_name, rm_layer_geom_type,
    rm_layer_feature_count, rm_layer_part_count, rm_layer_coord_count,
    rm_layer_fids, rm_layer_feature_offsets, rm_layer_part_offsets,
    rm_layer_part_outer, rm_layer_xy, rm_layer_vertex_times,
    rm_layer_extent, rm_layer_field_count, rm_layer_field_name,
    rm_layer_field_type, rm_layer_field_index, rm_layer_role_field,
    rm_layer_field_ints, rm_layer_field_reals, rm_layer_field_bools,
    rm_layer_field_string, rm_layer_field_is_null, rm_layer_field_as_real,
    rm_layer_raster_width, rm_layer_raster_height,
    rm_layer_raster_geotransform, rm_layer_raster_cdata, h_output, h_raster,
    rm_layer_add_field, rm_layer_begin_feature, rm_layer_add_part,
    rm_layer_set_int, rm_layer_set_real, rm_layer_set_string,
    rm_layer_set_datetime, rm_layer_set_bool, rm_layer_raster_data, h_note,
};

/* ---- the three ways --------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_plugin(const workload *w, int repeats)
{
    double t0 = now_s();
    rm_layer *tracks, *lines;
    if (rm_layer_create(&tracks, "tracks", RM_GEOM_LINE) ||
        rm_layer_create(&lines, "lines", RM_GEOM_LINE))
        return 1;
    for (size_t t = 0; t < w->n_tracks; t++) {
        if (rm_layer_begin_feature(tracks, (int64_t)t + 1) < 0 ||
            rm_layer_add_part(tracks, w->xy + 2 * t * w->n_verts, w->n_verts,
                              NULL, 1))
            return 1;
    }
    if (rm_layer_begin_feature(lines, 1) < 0 ||
        rm_layer_add_part(lines, w->line, LINE_VERTS, NULL, 1))
        return 1;
    double load = now_s() - t0;

    rm_plugin_desc desc;
    if (rm_plugin_crossings_init_static(&API, &desc))
        return 1;
    double times[64], cpu[64];
    size_t crossings = 0, crossers = 0;
    if (repeats > 64)
        repeats = 64;
    for (int r = 0; r < repeats; r++) {
        rm_step step;
        memset(&step, 0, sizeof step);
        step.desc = &desc;
        step.tracks = tracks;
        step.lines = lines;
        double a = now_s(), c = cpu_s();
        int rc = desc.run(&API, &step);
        times[r] = now_s() - a;
        cpu[r] = cpu_s() - c;
        if (rc) {
            fprintf(stderr, "crossings failed: %s\n", step.msg);
            return 1;
        }
        crossings = rm_layer_feature_count(step.out[0]);
        const rm_layer *tr = step.out[2];
        int f = rm_layer_field_index(tr, "crossings");
        crossers = 0;
        for (size_t i = 0; i < rm_layer_feature_count(tr); i++)
            crossers += rm_layer_field_ints(tr, f)[i] > 0;
        for (int i = 0; i < 4; i++)
            rm_layer_destroy(step.out[i]);
    }
    qsort(times, (size_t)repeats, sizeof *times, cmp_double);
    qsort(cpu, (size_t)repeats, sizeof *cpu, cmp_double);
    printf("routemap crossings step: best %.1f ms, median %.1f ms of %d "
           "runs; CPU best %.1f ms, median %.1f ms (loading into layers "
           "%.1f ms, excluded)\n",
           times[0] * 1e3, times[repeats / 2] * 1e3, repeats, cpu[0] * 1e3,
           cpu[repeats / 2] * 1e3, load * 1e3);
    printf("  crossings: %zu, by %zu tracks\n", crossings, crossers);
    printf("RESULT plugin_ms=%.2f plugin_cpu_ms=%.2f plugin_crossings=%zu\n",
           times[0] * 1e3, cpu[0] * 1e3, crossings);
    rm_layer_destroy(tracks);
    rm_layer_destroy(lines);
    return 0;
}

static void geos_quiet(const char *fmt, ...)
{
    (void)fmt;
}

/* Points in an intersection result; lines (runs along) counted apart. */
static void count_parts(GEOSContextHandle_t h, const GEOSGeometry *g,
                        size_t *points, size_t *lines)
{
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POINT) {
        *points += !GEOSisEmpty_r(h, g);
    } else if (type == GEOS_LINESTRING) {
        *lines += !GEOSisEmpty_r(h, g);
    } else if (type == GEOS_MULTIPOINT || type == GEOS_MULTILINESTRING ||
               type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            count_parts(h, GEOSGetGeometryN_r(h, g, i), points, lines);
    }
}

static int run_geos(const workload *w, int repeats)
{
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setErrorHandler_r(h, geos_quiet);
    double t0 = now_s();
    GEOSGeometry **tracks = malloc(w->n_tracks * sizeof *tracks);
    if (!tracks)
        return 1;
    for (size_t t = 0; t < w->n_tracks; t++) {
        GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(
            h, w->xy + 2 * t * w->n_verts, (unsigned)w->n_verts, 0, 0);
        tracks[t] = GEOSGeom_createLineString_r(h, cs);
    }
    GEOSCoordSequence *cs =
        GEOSCoordSeq_copyFromBuffer_r(h, w->line, LINE_VERTS, 0, 0);
    GEOSGeometry *line = GEOSGeom_createLineString_r(h, cs);
    double load = now_s() - t0;

    if (repeats > 16)
        repeats = 16;
    /* clip = 0: intersection with the whole line, as asked; clip = 1:
     * with the line clipped to the track's box first (a stronger way to
     * use GEOS, shown for fairness). */
    for (int clip = 0; clip < 2; clip++) {
        double times[16], cpu[16];
        size_t points = 0, runs = 0, hit_tracks = 0;
        for (int r = 0; r < repeats; r++) {
            double a = now_s(), c = cpu_s();
            const GEOSPreparedGeometry *pl = GEOSPrepare_r(h, line);
            points = runs = hit_tracks = 0;
            for (size_t t = 0; t < w->n_tracks; t++) {
                if (GEOSPreparedIntersects_r(h, pl, tracks[t]) != 1)
                    continue;
                GEOSGeometry *part = NULL, *x;
                if (clip) {
                    double x0, y0, x1, y1;
                    GEOSGeom_getXMin_r(h, tracks[t], &x0);
                    GEOSGeom_getYMin_r(h, tracks[t], &y0);
                    GEOSGeom_getXMax_r(h, tracks[t], &x1);
                    GEOSGeom_getYMax_r(h, tracks[t], &y1);
                    part = GEOSClipByRect_r(h, line, x0 - 1, y0 - 1, x1 + 1,
                                            y1 + 1);
                    x = part ? GEOSIntersection_r(h, part, tracks[t]) : NULL;
                } else {
                    x = GEOSIntersection_r(h, line, tracks[t]);
                }
                if (part)
                    GEOSGeom_destroy_r(h, part);
                if (!x)
                    continue;
                size_t before = points + runs;
                count_parts(h, x, &points, &runs);
                hit_tracks += points + runs > before;
                GEOSGeom_destroy_r(h, x);
            }
            GEOSPreparedGeom_destroy_r(h, pl);
            times[r] = now_s() - a;
            cpu[r] = cpu_s() - c;
        }
        qsort(times, (size_t)repeats, sizeof *times, cmp_double);
        qsort(cpu, (size_t)repeats, sizeof *cpu, cmp_double);
        printf("GEOS %s prepared intersects + intersection%s: best %.1f ms, "
               "median %.1f ms of %d runs; CPU best %.1f ms (building "
               "geometries %.1f ms, excluded)\n",
               GEOSversion(), clip ? " with the line clipped to the track" : "",
               times[0] * 1e3, times[repeats / 2] * 1e3, repeats,
               cpu[0] * 1e3, load * 1e3);
        printf("  intersection points: %zu (plus %zu shared stretches), by "
               "%zu tracks\n",
               points, runs, hit_tracks);
        printf("RESULT geos%s_ms=%.2f geos%s_cpu_ms=%.2f geos%s_points=%zu\n",
               clip ? "_clip" : "", times[0] * 1e3, clip ? "_clip" : "",
               cpu[0] * 1e3, clip ? "_clip" : "", points);
    }
    for (size_t t = 0; t < w->n_tracks; t++)
        GEOSGeom_destroy_r(h, tracks[t]);
    free(tracks);
    GEOSGeom_destroy_r(h, line);
    GEOS_finish_r(h);
    return 0;
}

/*
 * Degenerate cases where counting intersection points and counting
 * changes of side differ: each track against the line (0,0)-(10,0).
 */
static int run_cases(void)
{
    static const struct {
        const char *what;
        int n;
        double xy[12];
    } cases[] = {
        {"plain crossing", 2, {5, 5, 5, -5}},
        {"touch and return", 3, {2, 5, 3, 0, 4, 5}},
        {"run along, leave on the other side", 4, {2, 5, 2, 0, 6, 0, 6, -5}},
        {"run along, return", 4, {2, 5, 2, 0, 6, 0, 6, 5}},
        {"twice through one point", 4, {5, 5, 5, -5, 6, -5, 4, 5}},
        {"through the line's end point", 2, {10, 5, 10, -5}},
        {"starts on the line", 2, {5, 0, 5, -5}},
    };
    rm_plugin_desc desc;
    if (rm_plugin_crossings_init_static(&API, &desc))
        return 1;
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setErrorHandler_r(h, geos_quiet);
    double lxy[4] = {0, 0, 10, 0};
    GEOSGeometry *line = GEOSGeom_createLineString_r(
        h, GEOSCoordSeq_copyFromBuffer_r(h, lxy, 2, 0, 0));
    rm_layer *lines;
    if (rm_layer_create(&lines, "lines", RM_GEOM_LINE) ||
        rm_layer_begin_feature(lines, 1) < 0 ||
        rm_layer_add_part(lines, lxy, 2, NULL, 1))
        return 1;
    printf("%-36s %9s %12s %12s\n", "case", "crossings",
           "GEOS points", "GEOS lines");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rm_layer *tracks;
        if (rm_layer_create(&tracks, "tracks", RM_GEOM_LINE) ||
            rm_layer_begin_feature(tracks, 1) < 0 ||
            rm_layer_add_part(tracks, cases[i].xy, (size_t)cases[i].n, NULL,
                              1))
            return 1;
        rm_step step;
        memset(&step, 0, sizeof step);
        step.desc = &desc;
        step.tracks = tracks;
        step.lines = lines;
        if (desc.run(&API, &step))
            return 1;
        size_t got = rm_layer_feature_count(step.out[0]);
        GEOSGeometry *t = GEOSGeom_createLineString_r(
            h, GEOSCoordSeq_copyFromBuffer_r(h, cases[i].xy,
                                             (unsigned)cases[i].n, 0, 0));
        GEOSGeometry *x = GEOSIntersection_r(h, line, t);
        size_t points = 0, runs = 0;
        if (x)
            count_parts(h, x, &points, &runs);
        printf("%-36s %9zu %12zu %12zu\n", cases[i].what, got, points,
               runs);
        GEOSGeom_destroy_r(h, x);
        GEOSGeom_destroy_r(h, t);
        for (int k = 0; k < 4; k++)
            rm_layer_destroy(step.out[k]);
        rm_layer_destroy(tracks);
    }
    rm_layer_destroy(lines);
    GEOSGeom_destroy_r(h, line);
    GEOS_finish_r(h);
    return 0;
}

/* COPY text: id, then EWKB hex (SRID 32631) of a line string. */
static void copy_line(int64_t id, const double *xy, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char head[13];
    uint32_t type = 2u | 0x20000000u, srid = 32631, count = (uint32_t)n;
    head[0] = 1; /* little endian */
    memcpy(head + 1, &type, 4);
    memcpy(head + 5, &srid, 4);
    memcpy(head + 9, &count, 4);
    printf("%" PRId64 "\t", id);
    for (int i = 0; i < 13; i++)
        putchar(hex[head[i] >> 4]), putchar(hex[head[i] & 15]);
    const unsigned char *b = (const unsigned char *)xy;
    for (size_t i = 0; i < n * 16; i++)
        putchar(hex[b[i] >> 4]), putchar(hex[b[i] & 15]);
    putchar('\n');
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "run";
    verbose = getenv("BENCH_VERBOSE") != NULL;
    if (strcmp(mode, "cases") == 0)
        return run_cases();
    size_t n_tracks = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t n_verts = argc > 3 ? strtoul(argv[3], NULL, 10) : 100;
    if (n_tracks == 0 || n_verts < 2) {
        fprintf(stderr, "usage: bench_crossings run|copy-tracks|copy-line "
                        "[tracks] [vertices]\n");
        return 2;
    }
    const char *rep = getenv("BENCH_REPEATS");
    int repeats = rep ? (int)strtol(rep, NULL, 10) : 9;
    if (repeats < 1)
        repeats = 1;
    workload w;
    const char *walk = getenv("BENCH_WALK");
    int patrol = walk && strcmp(walk, "patrol") == 0;
    if (make_workload(&w, n_tracks, n_verts, patrol)) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    int rc = 0;
    if (strcmp(mode, "copy-tracks") == 0) {
        for (size_t t = 0; t < n_tracks; t++)
            copy_line((int64_t)t + 1, w.xy + 2 * t * n_verts, n_verts);
    } else if (strcmp(mode, "copy-line") == 0) {
        copy_line(1, w.line, LINE_VERTS);
    } else {
        double len = 0.0;
        for (int i = 1; i < LINE_VERTS; i++)
            len += hypot(w.line[2 * i] - w.line[2 * i - 2],
                         w.line[2 * i + 1] - w.line[2 * i - 1]);
        printf("workload: %zu %s tracks x %zu vertices, a %.1f km line of "
               "%d vertices, UTM 31N\n",
               n_tracks, patrol ? "patrol (persistent walk)" : "random-walk",
               n_verts, len / 1000.0, LINE_VERTS);
        if (strcmp(mode, "geos") != 0)
            rc = run_plugin(&w, repeats);
        if (!rc && strcmp(mode, "plugin") != 0)
            rc = run_geos(&w, 3);
    }
    free(w.xy);
    return rc;
}
