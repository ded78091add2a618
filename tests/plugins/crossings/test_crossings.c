/*
 * Hand-built cases for every rule of the crossings plugin, run through a
 * stand-in host table (fake_host.c) over real layers. Every expected value
 * is worked out by hand in the comment beside it: coordinates are small
 * numbers in metres; the line (0,0)-(10,0) runs east, so its left side is
 * y > 0 ("N") and its right side y < 0 ("S").
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "routemap/errors.h"
#include "routemap/layer.h"
#include "routemap/plugin.h"

#include "crossings_internal.h"

int rm_plugin_crossings_init_static(const rm_host_api *api,
                                    rm_plugin_desc *out);

static rm_plugin_desc DESC;

/* ---- building inputs ---------------------------------------------------- */

static rm_layer *layer(const char *name, rm_geom_type type)
{
    rm_layer *l;
    assert_int_equal(rm_layer_create(&l, name, type), RM_OK);
    return l;
}

/* Add a feature with one part of n vertices given as x, y, x, y, ... */
static void feature(rm_layer *l, int64_t fid, const double *times, int n,
                    ...)
{
    double xy[64];
    va_list ap;
    assert_true(n <= 32);
    va_start(ap, n);
    for (int i = 0; i < 2 * n; i++)
        xy[i] = va_arg(ap, double);
    va_end(ap);
    assert_true(rm_layer_begin_feature(l, fid) >= 0);
    assert_int_equal(rm_layer_add_part(l, xy, (size_t)n, times, 1), RM_OK);
}

/* Add another part to the last feature. */
static void part(rm_layer *l, int outer, int n, ...)
{
    double xy[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < 2 * n; i++)
        xy[i] = va_arg(ap, double);
    va_end(ap);
    assert_int_equal(rm_layer_add_part(l, xy, (size_t)n, NULL, outer),
                     RM_OK);
}

static rm_layer *line_east(void)
{
    rm_layer *l = layer("line", RM_GEOM_LINE);
    feature(l, 7, NULL, 2, 0.0, 0.0, 10.0, 0.0);
    return l;
}

/* A single track with optional times. */
static rm_layer *one_track(const double *times, int n, ...)
{
    double xy[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < 2 * n; i++)
        xy[i] = va_arg(ap, double);
    va_end(ap);
    rm_layer *l = layer("tracks", RM_GEOM_LINE);
    assert_true(rm_layer_begin_feature(l, 1) >= 0);
    assert_int_equal(rm_layer_add_part(l, xy, (size_t)n, times, 1), RM_OK);
    return l;
}

/* ---- running ------------------------------------------------------------ */

typedef struct outcome {
    fh_step *step;
    int rc;
    rm_layer *points, *segments, *tracks, *approaches;
} outcome;

/* Run with name/value text pairs, NULL-terminated. */
static outcome run(const rm_layer *tracks, const rm_layer *lines, ...)
{
    outcome o;
    o.step = fh_step_create(&DESC);
    assert_non_null(o.step);
    fh_set_layer(o.step, "tracks", tracks);
    fh_set_layer(o.step, "lines", lines);
    va_list ap;
    va_start(ap, lines);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        fh_set(o.step, k, va_arg(ap, const char *));
    }
    va_end(ap);
    o.rc = fh_run(o.step);
    o.points = fh_output(o.step, "points");
    o.segments = fh_output(o.step, "segments");
    o.tracks = fh_output(o.step, "tracks");
    o.approaches = fh_output(o.step, "approaches");
    return o;
}

static void done(outcome *o, rm_layer *a, rm_layer *b)
{
    fh_step_destroy(o->step);
    rm_layer_destroy(a);
    rm_layer_destroy(b);
}

static int field(const rm_layer *l, const char *name)
{
    int f = rm_layer_field_index(l, name);
    assert_true(f >= 0);
    return f;
}

static double real_at(const rm_layer *l, const char *name, size_t row)
{
    return rm_layer_field_reals(l, field(l, name))[row];
}

static int64_t int_at(const rm_layer *l, const char *name, size_t row)
{
    return rm_layer_field_ints(l, field(l, name))[row];
}

static const char *str_at(const rm_layer *l, const char *name, size_t row)
{
    return rm_layer_field_string(l, field(l, name), row);
}

static int null_at(const rm_layer *l, const char *name, size_t row)
{
    return rm_layer_field_is_null(l, field(l, name), row);
}

/* First coordinate of feature `row`. */
static const double *xy_at(const rm_layer *l, size_t row)
{
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    return rm_layer_xy(l) + 2 * po[fo[row]];
}

static size_t crossings_of(const rm_layer *tracks, const rm_layer *lines)
{
    outcome o = run(tracks, lines, NULL);
    assert_int_equal(o.rc, RM_OK);
    size_t n = rm_layer_feature_count(o.points);
    assert_int_equal(rm_layer_feature_count(o.tracks),
                     rm_layer_feature_count(tracks));
    int64_t sum = 0;
    for (size_t r = 0; r < rm_layer_feature_count(o.tracks); r++)
        sum += int_at(o.tracks, "crossings", r);
    assert_int_equal(sum, (int64_t)n);
    fh_step_destroy(o.step);
    return n;
}

/* Crossing count of one track given inline, against `lines` (kept). */
static size_t count1(const rm_layer *lines, int n, ...)
{
    double xy[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < 2 * n; i++)
        xy[i] = va_arg(ap, double);
    va_end(ap);
    rm_layer *t = layer("tracks", RM_GEOM_LINE);
    assert_true(rm_layer_begin_feature(t, 1) >= 0);
    assert_int_equal(rm_layer_add_part(t, xy, (size_t)n, NULL, 1), RM_OK);
    size_t c = crossings_of(t, lines);
    rm_layer_destroy(t);
    return c;
}

/* ---- descriptor ---------------------------------------------------------- */

static void test_descriptor(void **state)
{
    (void)state;
    assert_string_equal(DESC.name, "crossings");
    assert_int_equal(DESC.abi_major, RM_PLUGIN_ABI_MAJOR);
    assert_int_equal(DESC.size, sizeof(rm_plugin_desc));
    assert_non_null(DESC.help);
    /* The help documents each rule of the issue. */
    const char *must[] = {"touches the line and returns", "runs along",
                          "counts once", "twice at the same point",
                          "end point", "starts or ends on the line",
                          "Shewchuk", "inside", "gap_max_min", "leaves"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        assert_non_null(strstr(DESC.help, must[i]));
    /* Parameter names, types and units as the issue gives them. */
    struct {
        const char *name;
        int type;
        const char *unit, *def;
    } want[] = {
        {"tracks", RM_PARAM_LAYER, NULL, NULL},
        {"lines", RM_PARAM_LAYER, NULL, NULL},
        {"segment_km", RM_PARAM_DISTANCE, "km", "5"},
        {"gap_max_min", RM_PARAM_DURATION, "min", "60"},
        {"gap_max_km", RM_PARAM_DISTANCE, "km", "20"},
        {"approach_m", RM_PARAM_DISTANCE, "m", "0"},
        {"side_names", RM_PARAM_STRING | RM_PARAM_LIST, NULL, "left,right"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const rm_param_desc *p = NULL;
        for (size_t k = 0; k < DESC.n_params; k++)
            if (strcmp(DESC.params[k].name, want[i].name) == 0)
                p = &DESC.params[k];
        assert_non_null(p);
        assert_int_equal(p->type, want[i].type);
        if (want[i].unit)
            assert_string_equal(p->unit, want[i].unit);
        if (want[i].def)
            assert_string_equal(p->default_value, want[i].def);
    }
    const char *outs[] = {"points", "segments", "tracks", "approaches"};
    assert_int_equal(DESC.n_outputs, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(DESC.outputs[i].name, outs[i]);
}

/* ---- the semantic rules ------------------------------------------------ */

/* A plain crossing: (5,5) -> (5,-5) at times 1000 s and 2000 s meets the
 * line at (5,0): from N to S, 5 m along it, at right angles, halfway in
 * time (1500 s). */
static void test_simple_crossing(void **state)
{
    (void)state;
    static const double t[] = {1000.0, 2000.0};
    rm_layer *tr = one_track(t, 2, 5.0, 5.0, 5.0, -5.0);
    rm_layer *li = line_east();
    outcome o = run(tr, li, "side_names", "N,S", NULL);
    assert_int_equal(o.rc, RM_OK);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_float_equal(xy_at(o.points, 0)[0], 5.0, 1e-12);
    assert_float_equal(xy_at(o.points, 0)[1], 0.0, 1e-12);
    assert_int_equal(int_at(o.points, "track_id", 0), 1);
    assert_int_equal(int_at(o.points, "line_id", 0), 7);
    assert_string_equal(str_at(o.points, "from_side", 0), "N");
    assert_string_equal(str_at(o.points, "to_side", 0), "S");
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.005, 1e-15);
    assert_float_equal(real_at(o.points, "angle_deg", 0), 90.0, 1e-9);
    assert_int_equal(int_at(o.points, "time", 0), 1500000);
    assert_int_equal(int_at(o.points, "seq", 0), 1);
    /* tracks row */
    assert_int_equal(rm_layer_feature_count(o.tracks), 1);
    assert_int_equal(int_at(o.tracks, "crossings", 0), 1);
    assert_int_equal(int_at(o.tracks, "first_time", 0), 1500000);
    assert_int_equal(int_at(o.tracks, "last_time", 0), 1500000);
    /* Default names are left/right; going back is S -> N. */
    done(&o, tr, NULL);
    tr = one_track(NULL, 2, 5.0, -5.0, 5.0, 5.0);
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_string_equal(str_at(o.points, "from_side", 0), "right");
    assert_string_equal(str_at(o.points, "to_side", 0), "left");
    assert_true(null_at(o.points, "time", 0));
    assert_true(null_at(o.tracks, "first_time", 0));
    done(&o, tr, li);
}

/* Touch and return: to a point inside a segment, to a line vertex, and
 * through a line vertex inside a track segment. */
static void test_touch_and_return(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    assert_int_equal(count1(li, 3, 2.0, 5.0, 3.0, 0.0, 4.0, 5.0), 0);
    assert_int_equal(count1(li, 3, 2.0, -5.0, 3.0, 0.0, 4.0, -5.0), 0);
    rm_layer_destroy(li);

    /* Line with a vertex at (5,0). */
    li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 3, 0.0, 0.0, 5.0, 0.0, 10.0, 0.0);
    assert_int_equal(count1(li, 3, 4.0, 5.0, 5.0, 0.0, 6.0, 5.0), 0);
    rm_layer_destroy(li);

    /* Line bending left at (5,0) towards (10,5): its left side there is
     * the sector from direction 45 deg to 180 deg. The track segment
     * (2,-1) -> (8,1) passes through (5,0) (t = 0.5) with both ends in
     * the right sector (198 deg and 18 deg): a touch from below. */
    li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 3, 0.0, 0.0, 5.0, 0.0, 10.0, 5.0);
    assert_int_equal(count1(li, 2, 2.0, -1.0, 8.0, 1.0), 0);
    /* ... while (5,5) -> (5,-5) through the same vertex goes from 90 deg
     * (left) to 270 deg (right): one crossing. */
    assert_int_equal(count1(li, 2, 5.0, 5.0, 5.0, -5.0), 1);
    rm_layer_destroy(li);
}

/* Crossings at vertices count once: track vertex on a segment, track
 * segment through a line vertex, vertex on vertex. */
static void test_vertex_hits_once(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    static const double t[] = {0.0, 60.0, 120.0};
    rm_layer *tr = one_track(t, 3, 3.0, 5.0, 3.0, 0.0, 3.0, -5.0);
    outcome o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.003, 1e-15);
    /* At the vertex itself: its time, 60 s. */
    assert_int_equal(int_at(o.points, "time", 0), 60000);
    done(&o, tr, li);

    li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 3, 0.0, 0.0, 5.0, 0.0, 10.0, 0.0);
    assert_int_equal(count1(li, 2, 5.0, 5.0, 5.0, -5.0), 1);
    assert_int_equal(count1(li, 3, 5.0, 5.0, 5.0, 0.0, 5.0, -5.0), 1);
    assert_int_equal(count1(li, 2, 3.0, 2.0, 7.0, -2.0), 1);
    rm_layer_destroy(li);

    /* Through the vertex of a bend: line (0,0),(5,0),(10,5); the track
     * (5,5) -> (5,-5) crosses at the vertex, 5 m along. The angle is
     * between the track (0,-10) and the chord (0,0)->(10,5):
     * atan2(|0*5 - (-10)*10|, |0*10 + (-10)*5|) = atan2(100, 50). */
    li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 3, 0.0, 0.0, 5.0, 0.0, 10.0, 5.0);
    tr = one_track(NULL, 2, 5.0, 5.0, 5.0, -5.0);
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.005, 1e-15);
    assert_float_equal(real_at(o.points, "angle_deg", 0),
                       atan2(100.0, 50.0) * 180.0 / M_PI, 1e-9);
    assert_string_equal(str_at(o.points, "from_side", 0), "left");
    done(&o, tr, li);
}

/* Runs along the line: leaving on the other side is one crossing, placed
 * where the track leaves; returning is none. */
static void test_run_along(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    static const double t[] = {0.0, 10.0, 20.0, 30.0};
    rm_layer *tr =
        one_track(t, 4, 2.0, 5.0, 2.0, 0.0, 6.0, 0.0, 6.0, -5.0);
    outcome o = run(tr, li, "side_names", "N,S", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_float_equal(xy_at(o.points, 0)[0], 6.0, 0);
    assert_float_equal(xy_at(o.points, 0)[1], 0.0, 0);
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.006, 1e-15);
    assert_string_equal(str_at(o.points, "from_side", 0), "N");
    assert_string_equal(str_at(o.points, "to_side", 0), "S");
    assert_float_equal(real_at(o.points, "angle_deg", 0), 90.0, 1e-9);
    assert_int_equal(int_at(o.points, "time", 0), 20000);
    done(&o, tr, NULL);
    assert_int_equal(count1(li, 4, 2.0, 5.0, 2.0, 0.0, 6.0, 0.0, 6.0, 5.0),
                     0);
    /* Back and forth along the line, then off to the other side. */
    assert_int_equal(count1(li, 5, 2.0, 5.0, 2.0, 0.0, 8.0, 0.0, 4.0, 0.0,
                            4.0, -5.0),
                     1);
    rm_layer_destroy(li);

    /* A run over a line vertex inside one track segment: line vertices
     * at 0, 5, 10; the track runs (2,0) -> (8,0) in one segment. */
    li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 3, 0.0, 0.0, 5.0, 0.0, 10.0, 0.0);
    assert_int_equal(
        count1(li, 4, 1.0, 1.0, 2.0, 0.0, 8.0, 0.0, 9.0, -1.0), 1);
    assert_int_equal(count1(li, 4, 1.0, 1.0, 2.0, 0.0, 8.0, 0.0, 9.0, 1.0),
                     0);
    /* A track segment that covers a whole line segment and more. */
    assert_int_equal(count1(li, 4, -3.0, 1.0, -2.0, 0.0, 12.0, 0.0, 13.0,
                            -1.0),
                     0); /* leaves past the line's ends: no sides there */
    rm_layer_destroy(li);

    /* A run around a bend: line (0,0),(5,0),(10,5). The track comes from
     * below (right), runs (3,0)->(5,0)->(7,2) and leaves to (7,4), left
     * of the segment (5,0)->(10,5) (cross((5,5),(2,4)) = 10 > 0). One
     * crossing, right -> left, at (7,2), 5 + sqrt(8) m along. */
    li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 3, 0.0, 0.0, 5.0, 0.0, 10.0, 5.0);
    tr = one_track(NULL, 5, 3.0, -3.0, 3.0, 0.0, 5.0, 0.0, 7.0, 2.0, 7.0,
                   4.0);
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_float_equal(xy_at(o.points, 0)[0], 7.0, 0);
    assert_float_equal(xy_at(o.points, 0)[1], 2.0, 0);
    assert_float_equal(real_at(o.points, "chainage_km", 0),
                       (5.0 + sqrt(8.0)) / 1000.0, 1e-15);
    assert_string_equal(str_at(o.points, "from_side", 0), "right");
    assert_string_equal(str_at(o.points, "to_side", 0), "left");
    /* Leaving segment (0,2) against the line segment (5,5): 45 deg. */
    assert_float_equal(real_at(o.points, "angle_deg", 0), 45.0, 1e-9);
    done(&o, tr, li);
}

/* Contact only at a line's end point is no crossing. */
static void test_line_end(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    assert_int_equal(count1(li, 3, 10.0, 5.0, 10.0, 0.0, 10.0, -5.0), 0);
    assert_int_equal(count1(li, 2, 10.0, 5.0, 10.0, -5.0), 0);
    assert_int_equal(count1(li, 2, 0.0, 5.0, 0.0, -5.0), 0);
    /* (12,5)->(8,-5) meets y = 0 at x = 10, the end point: none;
     * (12,5)->(6,-5) meets it at x = 9: one. */
    assert_int_equal(count1(li, 2, 12.0, 5.0, 8.0, -5.0), 0);
    assert_int_equal(count1(li, 2, 12.0, 5.0, 6.0, -5.0), 1);
    /* Along the line past its end, then south: went round the end. */
    assert_int_equal(count1(li, 4, 5.0, 5.0, 5.0, 0.0, 15.0, 0.0, 15.0,
                            -5.0),
                     0);
    rm_layer_destroy(li);
}

/* A track that starts or ends on the line has not crossed it there. */
static void test_start_end_on_line(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    assert_int_equal(count1(li, 2, 5.0, 0.0, 5.0, -5.0), 0);
    assert_int_equal(count1(li, 2, 5.0, 5.0, 5.0, 0.0), 0);
    assert_int_equal(count1(li, 3, 5.0, 0.0, 8.0, 0.0, 8.0, -5.0), 0);
    assert_int_equal(count1(li, 3, 5.0, 5.0, 5.0, 0.0, 8.0, 0.0), 0);
    /* On the line at the start, then across and back across. */
    assert_int_equal(count1(li, 4, 5.0, 0.0, 5.0, 5.0, 6.0, -5.0, 6.5, 5.0),
                     2);
    rm_layer_destroy(li);
}

/* Many crossings, twice at the same point. */
static void test_many_and_same_point(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    /* (5,5)->(5,-5) crosses at (5,0); (6,-5)->(4,5) meets y = 0 at t = 0.5,
     * x = 5: the same point again, the other way. */
    rm_layer *tr =
        one_track(NULL, 4, 5.0, 5.0, 5.0, -5.0, 6.0, -5.0, 4.0, 5.0);
    outcome o = run(tr, li, "side_names", "N,S", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_float_equal(xy_at(o.points, i)[0], 5.0, 1e-12);
        assert_float_equal(real_at(o.points, "chainage_km", i), 0.005,
                           1e-15);
        assert_int_equal(int_at(o.points, "seq", i), (int64_t)i + 1);
    }
    assert_string_equal(str_at(o.points, "from_side", 0), "N");
    assert_string_equal(str_at(o.points, "from_side", 1), "S");
    assert_int_equal(int_at(o.tracks, "crossings", 0), 2);
    done(&o, tr, NULL);
    /* The same point visited twice as a track vertex. */
    assert_int_equal(count1(li, 6, 5.0, 5.0, 5.0, 0.0, 5.0, -5.0, 6.0, -5.0,
                            5.0, 0.0, 4.0, 5.0),
                     2);
    /* Zigzag: crossings at x = 1.5, 2.5, 3.5: N->S, S->N, N->S. */
    tr = one_track(NULL, 4, 1.0, 1.0, 2.0, -1.0, 3.0, 1.0, 4.0, -1.0);
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 3);
    assert_string_equal(str_at(o.points, "from_side", 0), "left");
    assert_string_equal(str_at(o.points, "from_side", 1), "right");
    assert_string_equal(str_at(o.points, "from_side", 2), "left");
    for (size_t i = 0; i < 3; i++)
        assert_float_equal(real_at(o.points, "chainage_km", i),
                           (1.5 + (double)i) / 1000.0, 1e-15);
    /* Direction (1,-2) against (1,0): atan2(2, 1) = 63.4 degrees. */
    assert_float_equal(real_at(o.points, "angle_deg", 0),
                       atan(2.0) * 180.0 / M_PI, 1e-9);
    done(&o, tr, li);
}

/* Closed lines: the first side name is the inside, whatever the ring's
 * orientation; a ring has no end points, its start vertex included. */
static void test_closed_rings(void **state)
{
    (void)state;
    for (int cw = 0; cw < 2; cw++) {
        rm_layer *li = layer("ring", RM_GEOM_LINE);
        if (!cw)
            feature(li, 1, NULL, 5, 0.0, 0.0, 10.0, 0.0, 10.0, 10.0, 0.0,
                    10.0, 0.0, 0.0);
        else
            feature(li, 1, NULL, 5, 0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0,
                    0.0, 0.0, 0.0);
        rm_layer *tr = one_track(NULL, 2, -5.0, 5.0, 15.0, 5.0);
        outcome o = run(tr, li, "side_names", "in,out", NULL);
        assert_int_equal(rm_layer_feature_count(o.points), 2);
        assert_string_equal(str_at(o.points, "from_side", 0), "out");
        assert_string_equal(str_at(o.points, "to_side", 0), "in");
        assert_string_equal(str_at(o.points, "from_side", 1), "in");
        assert_string_equal(str_at(o.points, "to_side", 1), "out");
        /* CCW: (0,5) is 5 m before the end of 40 m: 35 m; (10,5) 15 m.
         * CW: (0,5) is 5 m along; (10,5) is 10 + 10 + 5 = 25 m. */
        assert_float_equal(real_at(o.points, "chainage_km", 0),
                           cw ? 0.005 : 0.035, 1e-15);
        assert_float_equal(real_at(o.points, "chainage_km", 1),
                           cw ? 0.025 : 0.015, 1e-15);
        done(&o, tr, NULL);
        /* Through the ring's first vertex, into it. */
        tr = one_track(NULL, 2, -5.0, -5.0, 5.0, 5.0);
        o = run(tr, li, "side_names", "in,out", NULL);
        assert_int_equal(rm_layer_feature_count(o.points), 1);
        assert_string_equal(str_at(o.points, "to_side", 0), "in");
        assert_float_equal(real_at(o.points, "chainage_km", 0), 0.0, 0);
        /* Through the diagonal corner (0,0): 45 degrees to the chord
         * (0,10)->(10,0) or (10,0)->(0,10): 90 degrees. */
        assert_float_equal(real_at(o.points, "angle_deg", 0), 90.0, 1e-9);
        done(&o, tr, NULL);
        /* Touching a corner from outside, and the start vertex too. */
        assert_int_equal(count1(li, 3, -5.0, 5.0, 0.0, 10.0, -5.0, 15.0), 0);
        assert_int_equal(count1(li, 3, -5.0, 1.0, 0.0, 0.0, 1.0, -5.0), 0);
        /* Inside to inside through the start vertex region: no contact. */
        assert_int_equal(count1(li, 2, 1.0, 1.0, 9.0, 9.0), 0);
        rm_layer_destroy(li);
    }
}

/* Polygon layers: every ring is its own closed line, holes too. */
static void test_polygon_rings(void **state)
{
    (void)state;
    rm_layer *li = layer("zones", RM_GEOM_POLYGON);
    feature(li, 3, NULL, 5, 0.0, 0.0, 10.0, 0.0, 10.0, 10.0, 0.0, 10.0, 0.0,
            0.0);
    part(li, 0, 5, 4.0, 4.0, 4.0, 6.0, 6.0, 6.0, 6.0, 4.0, 4.0, 4.0);
    /* Left open in the source: closed by the plugin. */
    feature(li, 4, NULL, 3, 20.0, 0.0, 30.0, 0.0, 25.0, 5.0);
    rm_layer *tr = one_track(NULL, 2, -1.0, 5.0, 31.0, 2.0);
    /* y = 5 - 3(x+1)/32: crosses x = 0, 4, 6, 10 in the square and its
     * hole, and the triangle's two sloping sides at y ~ 2.9 and 2.6
     * (its base is at y = 0, below the track). */
    outcome o = run(tr, li, "side_names", "in,out", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 6);
    const char *from[] = {"out", "out", "in", "in", "out", "in"};
    int64_t id[] = {3, 3, 3, 3, 4, 4};
    int64_t part_no[] = {0, 1, 1, 0, 0, 0};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(str_at(o.points, "from_side", i), from[i]);
        assert_int_equal(int_at(o.points, "line_id", i), id[i]);
        assert_int_equal(int_at(o.points, "line_part", i), part_no[i]);
    }
    /* The hole starts where the square ends: chainage 40 m + along. At
     * x = 4 the track is at y = 5 - 15/32, on the hole's first side
     * (4,4)->(4,6): 40 + 1 - 15/32 m. */
    assert_float_equal(real_at(o.points, "chainage_km", 1),
                       (41.0 - 15.0 / 32.0) / 1000.0, 1e-12);
    done(&o, tr, li);
}

/* Multi-lines: each part is a line; parts meeting end to start join. */
static void test_multi_lines(void **state)
{
    (void)state;
    rm_layer *li = layer("lines", RM_GEOM_LINE);
    feature(li, 5, NULL, 2, 0.0, 0.0, 10.0, 0.0);
    part(li, 1, 2, 0.0, 20.0, 10.0, 20.0);
    rm_layer *tr = one_track(NULL, 2, 5.0, -5.0, 5.0, 25.0);
    outcome o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 2);
    assert_int_equal(int_at(o.points, "line_part", 0), 0);
    assert_int_equal(int_at(o.points, "line_part", 1), 1);
    /* Chainage runs on over the parts: 5 m, then 10 + 5 m. */
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.005, 1e-15);
    assert_float_equal(real_at(o.points, "chainage_km", 1), 0.015, 1e-15);
    assert_int_equal(int_at(o.points, "line_id", 1), 5);
    /* Both parts go east: right to left twice. */
    assert_string_equal(str_at(o.points, "from_side", 1), "right");
    done(&o, tr, li);

    /* A line stored in two pieces that meet at (5,0): crossed at the
     * joint. As two features the joint is two line ends: no crossing. */
    li = layer("lines", RM_GEOM_LINE);
    feature(li, 1, NULL, 2, 0.0, 0.0, 5.0, 0.0);
    part(li, 1, 2, 5.0, 0.0, 10.0, 0.0);
    tr = one_track(NULL, 2, 5.0, 5.0, 5.0, -5.0);
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_int_equal(int_at(o.points, "line_part", 0), 0);
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.005, 1e-15);
    fh_step_destroy(o.step);
    rm_layer_destroy(li);
    li = layer("lines", RM_GEOM_LINE);
    feature(li, 1, NULL, 2, 0.0, 0.0, 5.0, 0.0);
    feature(li, 2, NULL, 2, 5.0, 0.0, 10.0, 0.0);
    assert_int_equal(crossings_of(tr, li), 0);
    rm_layer_destroy(li);
    /* Two lines crossing at (5,0): a track through that point crosses
     * both. */
    li = layer("lines", RM_GEOM_LINE);
    feature(li, 1, NULL, 2, 0.0, 0.0, 10.0, 0.0);
    feature(li, 2, NULL, 2, 0.0, -5.0, 10.0, 5.0);
    assert_int_equal(crossings_of(tr, li), 2);
    rm_layer_destroy(li);
    rm_layer_destroy(tr);
}

/* A multi-line track: its parts are pieces of one track, never joined. */
static void test_multi_part_track(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    rm_layer *tr = layer("tracks", RM_GEOM_LINE);
    /* Part 1 stays far north; part 2 crosses at x = 4.5 and x = 5.5. */
    feature(tr, 1, NULL, 2, 0.0, 50.0, 10.0, 50.0);
    part(tr, 1, 3, 4.0, 5.0, 5.0, -5.0, 6.0, 5.0);
    /* Part 1 ends north of the line and part 2 starts south of it: the
     * jump between them is no path, so no crossing; part 2 crosses once
     * more at x = 3. */
    feature(tr, 2, NULL, 2, 1.0, 9.0, 2.0, 5.0);
    part(tr, 1, 2, 3.0, -5.0, 3.0, 5.0);
    outcome o = run(tr, li, NULL);
    assert_int_equal(int_at(o.tracks, "crossings", 0), 2);
    assert_int_equal(int_at(o.tracks, "crossings", 1), 1);
    assert_float_equal(real_at(o.points, "chainage_km", 0), 0.0045,
                       1e-15);
    assert_float_equal(real_at(o.points, "chainage_km", 2), 0.003, 1e-15);
    done(&o, tr, li);
}

/* ---- point tracks and gaps ---------------------------------------------- */

#define T0 1751328000000LL /* 2025-07-01T00:00:00Z in ms */
#define MIN 60000LL

static void fix(rm_layer *l, int64_t fid, const char *tid, int64_t ms,
                double x, double y)
{
    double xy[2] = {x, y};
    assert_true(rm_layer_begin_feature(l, fid) >= 0);
    assert_int_equal(rm_layer_add_part(l, xy, 1, NULL, 1), RM_OK);
    assert_int_equal(rm_layer_set_string(l, 0, tid), RM_OK);
    assert_int_equal(rm_layer_set_datetime(l, 1, ms), RM_OK);
}

static rm_layer *gps_fixes(void)
{
    rm_layer *l = layer("gps", RM_GEOM_POINT);
    assert_int_equal(rm_layer_add_field(l, "tid", RM_FIELD_STRING), 0);
    assert_int_equal(rm_layer_add_field(l, "ts", RM_FIELD_DATETIME), 1);
    /* Out of order on purpose. */
    fix(l, 1, "a", T0 + 20 * MIN, 6.0, 5.0);
    fix(l, 2, "b", T0, 2.0, 5.0);
    fix(l, 3, "a", T0, 5.0, 5.0);
    fix(l, 4, "c", T0 + 5 * MIN, 7.0, -30000.0);
    fix(l, 5, "a", T0 + 10 * MIN, 5.0, -5.0);
    fix(l, 6, "b", T0 + 90 * MIN, 2.0, -5.0); /* 90 min after: a gap */
    fix(l, 7, "c", T0, 7.0, 5.0);            /* 30 km away: a gap */
    fix(l, 8, "d", T0, 8.0, 5.0);
    fix(l, 9, "d", T0 + MIN, 8.0, -5.0);
    return l;
}

static void test_point_tracks(void **state)
{
    (void)state;
    rm_layer *pts = gps_fixes();
    assert_int_equal(rm_layer_set_role(pts, RM_ROLE_ID, 0), RM_OK);
    assert_int_equal(rm_layer_set_role(pts, RM_ROLE_TIME, 1), RM_OK);
    rm_layer *li = line_east();
    outcome o = run(pts, li, "side_names", "N,S", NULL);
    assert_int_equal(o.rc, RM_OK);
    /* Tracks a, b, c, d in id order. a: (5,5)@0 -> (5,-5)@10 min ->
     * (6,5)@20 min crosses at (5,0) at 5 min and at (5.5,0) at 15 min.
     * b: 90 min apart, c: 30 km apart, not joined. d: 1 crossing. */
    assert_int_equal(rm_layer_feature_count(o.tracks), 4);
    const char *ids[] = {"a", "b", "c", "d"};
    int64_t want[] = {2, 0, 0, 1};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(str_at(o.tracks, "track_id", i), ids[i]);
        assert_int_equal(int_at(o.tracks, "crossings", i), want[i]);
    }
    assert_int_equal(int_at(o.tracks, "first_time", 0), T0 + 5 * MIN);
    assert_int_equal(int_at(o.tracks, "last_time", 0), T0 + 15 * MIN);
    assert_true(null_at(o.tracks, "first_time", 1));
    assert_int_equal(rm_layer_feature_count(o.points), 3);
    assert_string_equal(str_at(o.points, "track_id", 0), "a");
    assert_int_equal(int_at(o.points, "time", 0), T0 + 5 * MIN);
    assert_float_equal(xy_at(o.points, 1)[0], 5.5, 1e-12);
    assert_int_equal(int_at(o.points, "time", 1), T0 + 15 * MIN);
    assert_string_equal(str_at(o.points, "from_side", 1), "S");
    assert_int_equal(int_at(o.points, "time", 2), T0 + MIN / 2);
    fh_step_destroy(o.step);

    /* Wider gap limits join b and c; 0 turns the rules off. */
    o = run(pts, li, "gap_max_min", "120", "gap_max_km", "40", NULL);
    assert_int_equal(int_at(o.tracks, "crossings", 1), 1);
    assert_int_equal(int_at(o.tracks, "crossings", 2), 1);
    fh_step_destroy(o.step);
    o = run(pts, li, "gap_max_min", "0", "gap_max_km", "0", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 5);
    fh_step_destroy(o.step);

    /* track_field instead of the id role; a missing id is an error. */
    assert_int_equal(rm_layer_set_role(pts, RM_ROLE_ID, -1), RM_OK);
    o = run(pts, li, NULL);
    assert_int_equal(o.rc, RM_EDATA_FIELD);
    assert_non_null(strstr(fh_failure(o.step), "track id"));
    fh_step_destroy(o.step);
    o = run(pts, li, "track_field", "tid", NULL);
    assert_int_equal(o.rc, RM_OK);
    assert_int_equal(rm_layer_feature_count(o.points), 3);
    fh_step_destroy(o.step);
    o = run(pts, li, "track_field", "nope", NULL);
    assert_int_equal(o.rc, RM_EDATA_FIELD);
    assert_non_null(strstr(fh_failure(o.step), "nope"));
    fh_step_destroy(o.step);

    /* time_field instead of the time role; without any time the points
     * are joined in source order: a is (6,5), (5,5), (5,-5): one
     * crossing at (5,0), with no time; and a warning. */
    assert_int_equal(rm_layer_set_role(pts, RM_ROLE_TIME, -1), RM_OK);
    o = run(pts, li, "track_field", "tid", "time_field", "ts", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 3);
    assert_int_equal(int_at(o.points, "time", 0), T0 + 5 * MIN);
    fh_step_destroy(o.step);
    o = run(pts, li, "track_field", "tid", "gap_max_km", "0", NULL);
    assert_non_null(strstr(fh_log(o.step), "no time role"));
    assert_int_equal(int_at(o.tracks, "crossings", 0), 1);
    assert_true(null_at(o.points, "time", 0));
    fh_step_destroy(o.step);
    o = run(pts, li, "track_field", "tid", "time_field", "when", NULL);
    assert_int_equal(o.rc, RM_EDATA_FIELD);
    assert_non_null(strstr(fh_failure(o.step), "time_field"));
    done(&o, pts, li);
}

/* ISO 8601 text times, and integer track ids. */
static void test_point_tracks_text_times(void **state)
{
    (void)state;
    rm_layer *l = layer("gps", RM_GEOM_POINT);
    assert_int_equal(rm_layer_add_field(l, "unit", RM_FIELD_INT), 0);
    assert_int_equal(rm_layer_add_field(l, "when", RM_FIELD_STRING), 1);
    const char *when[] = {"2025-07-01T00:30:00+01:00", "2025-07-01 00:00:00Z",
                          "2025-07-01T00:10:00.5Z"};
    double y[] = {-5.0, 5.0, 7.0};
    for (int i = 0; i < 3; i++) {
        double xy[2] = {5.0, y[i]};
        assert_true(rm_layer_begin_feature(l, i + 1) >= 0);
        assert_int_equal(rm_layer_add_part(l, xy, 1, NULL, 1), RM_OK);
        assert_int_equal(rm_layer_set_int(l, 0, 42), RM_OK);
        assert_int_equal(rm_layer_set_string(l, 1, when[i]), RM_OK);
    }
    assert_int_equal(rm_layer_set_role(l, RM_ROLE_ID, 0), RM_OK);
    assert_int_equal(rm_layer_set_role(l, RM_ROLE_TIME, 1), RM_OK);
    rm_layer *li = line_east();
    outcome o = run(l, li, NULL);
    /* 00:30+01:00 is 2025-06-30T23:30Z, so the order is (5,-5) at
     * 23:30Z, (5,5) at 00:00Z, (5,7) at 00:10:00.5Z: one crossing, S to
     * N, halfway between the first two, at 23:45Z. */
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_int_equal(int_at(o.points, "track_id", 0), 42);
    assert_int_equal(int_at(o.points, "time", 0),
                     T0 - 15 * MIN);
    assert_string_equal(str_at(o.points, "from_side", 0), "right");
    done(&o, l, li);
    /* The parser itself. */
    assert_float_equal(crossings_parse_time("1970-01-02"), 86400.0, 0);
    assert_float_equal(crossings_parse_time("2000-03-01T00:00:00Z"),
                       951868800.0, 0);
    assert_true(isnan(crossings_parse_time("2000-13-01")));
    assert_true(isnan(crossings_parse_time("yesterday")));
    assert_true(isnan(crossings_parse_time("2000-01-01T10:00junk")));
}

/* Line tracks with vertex times split at gaps when the times are known. */
static void test_line_track_gaps(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    static const double t[] = {0.0, 7200.0};
    rm_layer *tr = one_track(t, 2, 5.0, 5.0, 5.0, -5.0);
    assert_int_equal(crossings_of(tr, li), 0); /* 120 min > 60 min */
    outcome o = run(tr, li, "gap_max_min", "0", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    fh_step_destroy(o.step);
    rm_layer_destroy(tr);
    /* 50 km between two vertices without times: a drawn line, joined;
     * with times 10 minutes apart: more than 20 km, split. */
    tr = one_track(NULL, 2, 5.0, 25000.0, 5.0, -25000.0);
    assert_int_equal(crossings_of(tr, li), 1);
    rm_layer_destroy(tr);
    static const double t2[] = {0.0, 600.0};
    tr = one_track(t2, 2, 5.0, 25000.0, 5.0, -25000.0);
    assert_int_equal(crossings_of(tr, li), 0);
    rm_layer_destroy(tr);
    /* Pieces that end and start on the line at a gap have not crossed;
     * joined, the track runs along the line and leaves south: one. */
    static const double t3[] = {0.0, 60.0, 9000.0, 9060.0};
    tr = one_track(t3, 4, 5.0, 5.0, 5.0, 0.0, 6.0, 0.0, 6.0, -5.0);
    assert_int_equal(crossings_of(tr, li), 0);
    o = run(tr, li, "gap_max_min", "180", NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    fh_step_destroy(o.step);
    rm_layer_destroy(tr);
    /* Waiting on one spot (repeated vertices) is not a gap: the time
     * gap is measured from the last repeat, 9000 s, to 9060 s. */
    static const double t4[] = {0.0, 60.0, 9000.0, 9060.0};
    tr = one_track(t4, 4, 5.0, 5.0, 5.0, 0.0, 5.0, 0.0, 5.0, -5.0);
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    /* At the vertex: the time it arrived. */
    assert_int_equal(int_at(o.points, "time", 0), 60000);
    fh_step_destroy(o.step);
    rm_layer_destroy(tr);
    rm_layer_destroy(li);
}

/* ---- outputs ----------------------------------------------------------- */

/* segments: a 12 km line in 5 km pieces [0,5) [5,10) [10,12]. Crossings
 * at x = 1 km (N->S), 5 km exactly (N->S, belongs to [5,10)), 6 km
 * (S->N), 7 km (N->S), 7.5 km (N->S), 11 km (S->N). */
static void test_segments(void **state)
{
    (void)state;
    rm_layer *li = layer("line", RM_GEOM_LINE);
    feature(li, 9, NULL, 3, 0.0, 0.0, 4000.0, 0.0, 12000.0, 0.0);
    rm_layer *tr = layer("tracks", RM_GEOM_LINE);
    double xs[] = {1000, 5000, 6000, 7000, 7500, 11000};
    int down[] = {1, 1, 0, 1, 1, 0};
    for (int i = 0; i < 6; i++)
        feature(tr, i + 1, NULL, 2, xs[i], down[i] ? 50.0 : -50.0, xs[i],
                down[i] ? -50.0 : 50.0);
    outcome o = run(tr, li, NULL);
    assert_int_equal(o.rc, RM_OK);
    rm_layer *s = o.segments;
    assert_int_equal(rm_layer_feature_count(s), 3);
    double from[] = {0, 5, 10}, to[] = {5, 10, 12};
    int64_t ab[] = {1, 3, 0}, ba[] = {0, 1, 1}, rank[] = {2, 1, 3};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(int_at(s, "line_id", i), 9);
        assert_float_equal(real_at(s, "from_km", i), from[i], 1e-12);
        assert_float_equal(real_at(s, "to_km", i), to[i], 1e-12);
        assert_int_equal(int_at(s, "n_ab", i), ab[i]);
        assert_int_equal(int_at(s, "n_ba", i), ba[i]);
        assert_int_equal(int_at(s, "n_total", i), ab[i] + ba[i]);
        assert_int_equal(int_at(s, "rank", i), rank[i]);
    }
    /* Geometry: the first piece keeps the vertex at 4 km. */
    const int64_t *po = rm_layer_part_offsets(s);
    const double *xy = rm_layer_xy(s);
    assert_int_equal(po[1] - po[0], 3);
    assert_float_equal(xy[2], 4000.0, 0);
    assert_float_equal(xy[4], 5000.0, 0);
    assert_int_equal(po[2] - po[1], 2);
    assert_float_equal(xy[2 * po[2]], 10000.0, 1e-9);
    assert_float_equal(xy[2 * po[2] + 2], 12000.0, 0);
    done(&o, tr, li);
}

/* approaches: the line (0,0)-(10 km,0); approach_m = 50. */
static void test_approaches(void **state)
{
    (void)state;
    rm_layer *li = layer("line", RM_GEOM_LINE);
    feature(li, 2, NULL, 2, 0.0, 0.0, 10000.0, 0.0);
    rm_layer *tr = layer("tracks", RM_GEOM_LINE);
    static const double t[] = {100.0, 200.0};
    /* 1: closest at its start, 30 m from the line at 1 km. */
    feature(tr, 1, t, 2, 1000.0, 30.0, 2000.0, 40.0);
    /* 2: crosses: no approach. */
    feature(tr, 2, NULL, 2, 3000.0, 30.0, 3000.0, -30.0);
    /* 3: 80 m away: too far. */
    feature(tr, 3, NULL, 2, 4000.0, 80.0, 5000.0, 80.0);
    /* 4: touches at (6 km, 0) and returns: distance 0. */
    feature(tr, 4, NULL, 3, 5900.0, 20.0, 6000.0, 0.0, 6100.0, 20.0);
    /* 5: passes the end (10 km, 0) 20 m beyond it, at (10020, y). */
    feature(tr, 5, t, 2, 10020.0, -100.0, 10020.0, 100.0);
    outcome o = run(tr, li, "approach_m", "50", NULL);
    assert_int_equal(o.rc, RM_OK);
    rm_layer *a = o.approaches;
    assert_int_equal(rm_layer_feature_count(a), 3);
    assert_int_equal(int_at(a, "track_id", 0), 1);
    assert_int_equal(int_at(a, "line_id", 0), 2);
    assert_float_equal(real_at(a, "distance_m", 0), 30.0, 1e-9);
    assert_float_equal(real_at(a, "chainage_km", 0), 1.0, 1e-12);
    assert_float_equal(xy_at(a, 0)[0], 1000.0, 1e-9);
    assert_int_equal(int_at(a, "time", 0), 100000);
    assert_int_equal(int_at(a, "track_id", 1), 4);
    assert_float_equal(real_at(a, "distance_m", 1), 0.0, 0);
    assert_float_equal(real_at(a, "chainage_km", 1), 6.0, 1e-12);
    assert_int_equal(int_at(a, "track_id", 2), 5);
    assert_float_equal(real_at(a, "distance_m", 2), 20.0, 1e-9);
    assert_float_equal(real_at(a, "chainage_km", 2), 10.0, 1e-12);
    /* Closest at y = 0, halfway: 150 s. */
    assert_int_equal(int_at(a, "time", 2), 150000);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    fh_step_destroy(o.step);
    /* Off by default. */
    o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.approaches), 0);
    done(&o, tr, li);
}

/* Ids: the id role when mapped (text here), else the source fid. */
static void test_ids(void **state)
{
    (void)state;
    rm_layer *li = layer("line", RM_GEOM_LINE);
    assert_int_equal(rm_layer_add_field(li, "name", RM_FIELD_STRING), 0);
    feature(li, 11, NULL, 2, 0.0, 0.0, 10.0, 0.0);
    assert_int_equal(rm_layer_set_string(li, 0, "CFL-1"), RM_OK);
    assert_int_equal(rm_layer_set_role(li, RM_ROLE_ID, 0), RM_OK);
    rm_layer *tr = layer("tracks", RM_GEOM_LINE);
    assert_int_equal(rm_layer_add_field(tr, "patrol", RM_FIELD_STRING), 0);
    feature(tr, 21, NULL, 2, 5.0, 5.0, 5.0, -5.0);
    assert_int_equal(rm_layer_set_string(tr, 0, "P-7"), RM_OK);
    feature(tr, 22, NULL, 2, 6.0, 5.0, 6.0, -5.0); /* NULL id: the fid */
    assert_int_equal(rm_layer_set_role(tr, RM_ROLE_ID, 0), RM_OK);
    outcome o = run(tr, li, NULL);
    assert_int_equal(rm_layer_feature_count(o.points), 2);
    assert_string_equal(str_at(o.points, "line_id", 0), "CFL-1");
    assert_string_equal(str_at(o.points, "track_id", 0), "P-7");
    assert_string_equal(str_at(o.points, "track_id", 1), "22");
    assert_string_equal(str_at(o.segments, "line_id", 0), "CFL-1");
    fh_step_destroy(o.step);
    /* Without roles: fids as integers. */
    assert_int_equal(rm_layer_set_role(tr, RM_ROLE_ID, -1), RM_OK);
    assert_int_equal(rm_layer_set_role(li, RM_ROLE_ID, -1), RM_OK);
    o = run(tr, li, NULL);
    assert_int_equal(int_at(o.points, "track_id", 0), 21);
    assert_int_equal(int_at(o.points, "line_id", 0), 11);
    done(&o, tr, li);
}

/* Bad input fails with a message that says what to do; never crashes. */
static void test_errors(void **state)
{
    (void)state;
    rm_layer *li = line_east();
    rm_layer *tr = one_track(NULL, 2, 5.0, 5.0, 5.0, -5.0);
    outcome o = run(tr, li, "side_names", "a,b,c", NULL);
    assert_int_equal(o.rc, RM_EPLUGIN_PARAM);
    assert_non_null(strstr(fh_failure(o.step), "exactly two"));
    fh_step_destroy(o.step);
    o = run(tr, li, "segment_km", "0", NULL);
    assert_int_equal(o.rc, RM_EPLUGIN_PARAM);
    assert_non_null(strstr(fh_failure(o.step), "segment_km"));
    fh_step_destroy(o.step);
    /* 10 m in pieces of 0.1 micrometre: 1e8 segments, refused. */
    o = run(tr, li, "segment_km", "1e-10", NULL);
    assert_int_equal(o.rc, RM_EPLUGIN_PARAM);
    assert_non_null(strstr(fh_failure(o.step), "larger segment_km"));
    fh_step_destroy(o.step);
    /* Tracks as lines, lines as tracks: a polygon track is refused. */
    rm_layer *poly = layer("zones", RM_GEOM_POLYGON);
    feature(poly, 1, NULL, 4, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    o = run(poly, li, NULL);
    assert_int_equal(o.rc, RM_EDATA_TYPE);
    assert_non_null(strstr(fh_failure(o.step), "zones"));
    fh_step_destroy(o.step);
    rm_layer *pts = layer("pts", RM_GEOM_POINT);
    o = run(tr, pts, NULL);
    assert_int_equal(o.rc, RM_EDATA_TYPE);
    fh_step_destroy(o.step);
    /* Degenerate and NaN geometry: no crash, sensible answers. */
    rm_layer *odd = layer("odd", RM_GEOM_LINE);
    feature(odd, 1, NULL, 3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0); /* one point */
    feature(odd, 2, NULL, 4, 0.0, 0.0, NAN, 0.0, 4.0, 0.0, 10.0, 0.0);
    o = run(tr, odd, NULL);
    assert_int_equal(o.rc, RM_OK);
    assert_int_equal(rm_layer_feature_count(o.points), 1);
    assert_non_null(strstr(fh_log(o.step), "fewer than two"));
    fh_step_destroy(o.step);
    rm_layer *empty = layer("none", RM_GEOM_LINE);
    o = run(tr, empty, NULL);
    assert_int_equal(o.rc, RM_OK);
    assert_int_equal(rm_layer_feature_count(o.tracks), 1);
    assert_int_equal(int_at(o.tracks, "crossings", 0), 0);
    fh_step_destroy(o.step);
    rm_layer *nan_track = one_track(NULL, 4, 5.0, 5.0, NAN, NAN, 5.0, -5.0,
                                    6.0, 5.0);
    /* The NaN vertex splits the track: only (5,-5)->(6,5) remains. */
    assert_int_equal(crossings_of(nan_track, li), 1);
    rm_layer_destroy(nan_track);
    rm_layer_destroy(empty);
    rm_layer_destroy(odd);
    rm_layer_destroy(pts);
    rm_layer_destroy(poly);

    /* Cancellation, before the pass and at its first progress report. */
    for (int n = 0; n < 2; n++) {
        fh_step *s = fh_step_create(&DESC);
        fh_set_layer(s, "tracks", tr);
        fh_set_layer(s, "lines", li);
        fh_cancel_after(s, n);
        assert_int_equal(fh_run(s), RM_ECANCELLED);
        assert_non_null(strstr(fh_failure(s), "cancelled"));
        fh_step_destroy(s);
    }
    rm_layer_destroy(tr);
    rm_layer_destroy(li);
}

/* ---- exactness ---------------------------------------------------------- */

/*
 * A, B and P lie exactly on y = 3x (each y is 3x in binary, checked
 * below), P between A and B. The plain floating-point determinant puts P
 * strictly to the right of A->B (it rounds to -7.3e-12), so a naive test
 * would count two crossings for a track that only touches the line at P.
 */
static const double EA[2] = {0x1.0879b88470118p-3, 0x1.8cb694c6a81a4p-2};
static const double EB[2] = {0x1.8b7025edf8488p+11, 0x1.28941c727a366p+13};
static const double EP[2] = {0x1.711e260828a60p+2, 0x1.14d69c861e7c8p+4};

static void test_exact_touch(void **state)
{
    (void)state;
    assert_true(EA[1] == 3.0 * EA[0] && EB[1] == 3.0 * EB[0] &&
                EP[1] == 3.0 * EP[0]);
    assert_true(crossings_orient2d_naive(EA, EB, EP) < 0.0);
    assert_int_equal(crossings_orient_sign(EA, EB, EP), 0);

    rm_layer *li = layer("line", RM_GEOM_LINE);
    feature(li, 1, NULL, 2, EA[0], EA[1], EB[0], EB[1]);
    /* (0,30) and (2,40) are left of A->B (well above y = 3x). */
    assert_int_equal(count1(li, 3, 0.0, 30.0, EP[0], EP[1], 2.0, 40.0), 0);
    /* Through P to the right (40,0): one crossing. */
    assert_int_equal(count1(li, 3, 0.0, 30.0, EP[0], EP[1], 40.0, 0.0), 1);
    rm_layer_destroy(li);
}

static int setup(void **state)
{
    (void)state;
    return rm_plugin_crossings_init_static(fh_api(), &DESC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_simple_crossing),
        cmocka_unit_test(test_touch_and_return),
        cmocka_unit_test(test_vertex_hits_once),
        cmocka_unit_test(test_run_along),
        cmocka_unit_test(test_line_end),
        cmocka_unit_test(test_start_end_on_line),
        cmocka_unit_test(test_many_and_same_point),
        cmocka_unit_test(test_closed_rings),
        cmocka_unit_test(test_polygon_rings),
        cmocka_unit_test(test_multi_lines),
        cmocka_unit_test(test_multi_part_track),
        cmocka_unit_test(test_point_tracks),
        cmocka_unit_test(test_point_tracks_text_times),
        cmocka_unit_test(test_line_track_gaps),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_approaches),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_exact_touch),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
