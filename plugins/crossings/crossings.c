/*
 * The crossings plugin: where movement tracks cross ceasefire and control
 * lines. This file holds the entry point, the descriptor (parameters,
 * outputs, the rules in the help text) and the run that ties the steps
 * together: prepare lines, index them, assemble tracks, reject far tracks
 * with the grid, detect crossings exactly, write the outputs.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crossings_internal.h"
#include "crossings_report.h"
#include "routemap/errors.h"

static const char HELP[] =
    "crossings finds where movement tracks cross ceasefire or control "
    "lines, in which direction, where along the line and when.\n"
    "\n"
    "INPUTS\n"
    "  tracks: line features (one track each; a multi-line's parts are "
    "pieces of one track), or point features (GPS fixes) joined into "
    "tracks: points with the same track id (track_field, else the layer's "
    "id role) are ordered by time (time_field, else the time role; ties "
    "and no time field at all: source order; points without an id, or "
    "without a time when there is a time field, are skipped and counted "
    "in the log). Times are DATETIME "
    "fields, ISO 8601 text, or numbers (seconds since 1970). Line tracks "
    "take their times from per-vertex times (GPX track points, M values).\n"
    "  lines: lines, multi-lines or polygons. Every part is its own line: "
    "each part of a multi-line, each ring of a polygon (holes too). "
    "Consecutive parts of one line feature where a part starts exactly at "
    "the end of the part before are joined into one line, so a line stored "
    "in pieces is crossed, not touched, at the joints. A line whose first "
    "and last vertices coincide is closed (a ring).\n"
    "\n"
    "GAPS\n"
    "  Consecutive track vertices more than gap_max_min minutes apart (when "
    "both times are known) or more than gap_max_km apart are not joined: "
    "a GPS gap is not a path. For point tracks both rules apply; for line "
    "tracks the distance rule applies only between vertices whose times "
    "are both known (a drawn line without times is never split). 0 turns "
    "a rule off. Vertices with unknown coordinates also split a track; "
    "repeated vertices are dropped.\n"
    "\n"
    "WHAT COUNTS AS A CROSSING\n"
    "  A crossing is a change of side. Every place where a track meets a "
    "line is one contact: a single point, or a stretch where the track "
    "runs along the line. The side the track comes from just before the "
    "contact and the side it leaves to just after are taken locally at the "
    "contact: at the inside of a line segment, that segment's side; at a "
    "line vertex, the wedge of the two segments that meet there (left is "
    "the sector from the outgoing segment counterclockwise to the incoming "
    "one). The contact is a crossing when the track comes from strictly one "
    "side and leaves to strictly the other. So: a track that touches the "
    "line and returns to its side does not cross; a track that runs along "
    "the line and leaves on the other side crosses once; a crossing exactly "
    "at a vertex of the track or of the line (or both) counts once; a "
    "track can cross many times, even twice at the same point (two "
    "visits); contact only at a line's end point is no crossing (a line "
    "end has no sides; this also holds for a run along the line that "
    "leaves past its end); a track, or a piece of a track split at a gap, "
    "that starts or ends on the line has not crossed it there. Each line "
    "is judged alone: where two lines meet, a track can cross both.\n"
    "  Side tests are exact: the orientation predicate of J. R. Shewchuk, "
    "'Adaptive Precision Floating-Point Arithmetic and Fast Robust "
    "Geometric Predicates' (Discrete & Computational Geometry 18, 1997): "
    "a floating-point filter with a proven error bound and an exact "
    "expansion-arithmetic fallback. Which contacts exist, which side a "
    "track is on and whether it crosses never depend on rounding; only "
    "the reported numbers (point, chainage, angle, time) are rounded.\n"
    "\n"
    "SIDES AND DIRECTION\n"
    "  side_names gives two names for all lines: the first for the left of "
    "the line's direction (its digitised order), the second for the right; "
    "for a closed line (ring) the first names the inside and the second the "
    "outside, whatever the ring's orientation. Default left,right; e.g. "
    "north,south for a line drawn west to east. A crossing from the first "
    "side to the second is A to B (n_ab), the other way B to A (n_ba).\n"
    "\n"
    "OUTPUTS\n"
    "  points: one point per crossing, placed where the track leaves the "
    "line (for a point contact, the contact point; for a run along the "
    "line, the point where it leaves, the first point at which it is on "
    "the new side). Fields: track_id; line_id; line_part (0-based line "
    "index within the line feature); chainage_km (distance along the line "
    "feature from its start to the point, in the analysis CRS; the parts "
    "of a multi-line follow each other, a ring starts at its first "
    "vertex); from_side and to_side (the side names); angle_deg (acute "
    "angle between track and line, 0..90: track direction from the vertex "
    "before the contact to the vertex after it, or the leaving segment "
    "for a run; line direction of the segment, or of the chord across a "
    "line vertex); time (interpolated linearly between the two track "
    "vertex times around the point, NULL when unknown); seq (1 = the "
    "track's first crossing).\n"
    "  segments: each line cut into segment_km pieces from its start (the "
    "last one shorter); fields line_id, line_part, from_km, to_km "
    "(chainage), n_ab, n_ba, n_total (crossings located in the piece; a "
    "crossing exactly at a boundary belongs to the piece that starts "
    "there) and rank (1 = most crossings over all lines; ties by from_km, "
    "then line order).\n"
    "  tracks: a table, one row per input track (line feature, or track id "
    "for points): track_id, crossings, first_time and "
    "last_time (times of its first and last crossing, NULL when none or "
    "unknown).\n"
    "  approaches: when approach_m > 0, for each track and line feature "
    "that the track comes within approach_m of without crossing it, the "
    "closest point of the track: track_id, line_id, distance_m, "
    "chainage_km (of the closest point on the line) and time. A touch "
    "without crossing has distance 0. Distances are planar, in metres of "
    "the analysis CRS.\n"
    "  track_id is the value of track_field (or the tracks layer's id "
    "role) when set, else the source feature id; line_id is the lines "
    "layer's id role when mapped, else the source feature id.\n"
    "\n"
    "SPEED\n"
    "  The line segments are put in a uniform grid once, with each cell's "
    "distance to the nearest cell that holds a segment. A track is checked "
    "against a safe box around its last anchor vertex (four vertices per "
    "test on CPUs with SSE2), and is examined exactly only from the first "
    "segment that comes into cells holding a line: there each of its "
    "segments meets the line "
    "segments listed for its cells, and only those whose boxes overlap its "
    "own get the exact tests. The step is built to be fast on one core. "
    "threads (0: one per core the process may use, at most 4) splits the "
    "tracks into chunks for several threads; that shortens the step only "
    "when cores are idle, and never changes the results.";

static const rm_param_desc PARAMS[] = {
    {"tracks", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL,
     RM_ACCEPT_POINT | RM_ACCEPT_LINE,
     "Movement tracks: lines, or points with a track id and time that are "
     "joined into tracks ordered by time."},
    {"lines", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL,
     RM_ACCEPT_LINE | RM_ACCEPT_POLYGON,
     "Ceasefire or control lines (lines, multi-lines; polygon boundaries "
     "are used as closed lines)."},
    {"segment_km", RM_PARAM_DISTANCE, "km", "5", 0, 0.001, NAN, NULL, 0,
     "Length of the pieces the lines are cut into for the segments "
     "output."},
    {"gap_max_min", RM_PARAM_DURATION, "min", "60", 0, 0.0, NAN, NULL, 0,
     "Do not join consecutive track vertices further apart in time than "
     "this (0: no limit)."},
    {"gap_max_km", RM_PARAM_DISTANCE, "km", "20", 0, 0.0, NAN, NULL, 0,
     "Do not join consecutive track points further apart than this; for "
     "line tracks only where vertex times are known (0: no limit)."},
    {"approach_m", RM_PARAM_DISTANCE, "m", "0", 0, 0.0, NAN, NULL, 0,
     "Report tracks that come within this distance of a line without "
     "crossing it (0: off)."},
    {"side_names", RM_PARAM_STRING | RM_PARAM_LIST, NULL, "left,right", 0,
     NAN, NAN, NULL, 0,
     "Two names for the sides of every line: left of its direction (inside "
     "of a ring) first, e.g. north,south."},
    {"track_field", RM_PARAM_STRING, NULL, NULL, 0, NAN, NAN, NULL, 0,
     "Field that identifies the track of each point (default: the id "
     "role); also names the track_id of line tracks."},
    {"time_field", RM_PARAM_STRING, NULL, NULL, 0, NAN, NAN, NULL, 0,
     "Field with the time of each point (default: the time role): a "
     "date-time, ISO 8601 text or seconds since 1970."},
    {"threads", RM_PARAM_INT, NULL, "0", 0, 0.0, 64.0, NULL, 0,
     "Threads for the pass over the tracks (0: one per core the process "
     "may use, at most 4); faster only when cores are idle, the results "
     "never depend on it."},
};

static const rm_output_desc OUTPUTS[] = {
    {"points", RM_GEOM_POINT,
     "One point per crossing: track_id, line_id, line_part, chainage_km, "
     "from_side, to_side, angle_deg, time, seq."},
    {"segments", RM_GEOM_LINE,
     "The lines cut into segment_km pieces: line_id, line_part, from_km, "
     "to_km, n_ab, n_ba, n_total, rank."},
    {"tracks", RM_GEOM_NONE,
     "One row per input track: track_id, crossings, first_time, "
     "last_time."},
    {"approaches", RM_GEOM_POINT,
     "Closest approach of tracks that come within approach_m of a line "
     "without crossing it: track_id, line_id, distance_m, chainage_km, "
     "time."},
};

/* The value a[k] would have if a[0..n) (no NaN) were sorted; a is
 * reordered (Hoare's selection: a tenth of the time of a sort here). */
static double select_kth(double *a, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;
    while (lo < hi) {
        double pivot = a[lo + (hi - lo) / 2];
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                double t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        /* Now a[lo..j] <= pivot <= a[i..hi], and a[j+1..i-1] == pivot. */
        if (want <= j)
            hi = j;
        else if (want >= i)
            lo = i;
        else
            break;
    }
    return a[want];
}

/* The median length of up to 4096 track segments spread over the layer. */
static double typical_step(const crossings_tracks *T)
{
    size_t total = 0;
    for (size_t r = 0; r < T->n_runs; r++) {
        size_t n = (size_t)(T->voff[r + 1] - T->voff[r]);
        total += n > 1 ? n - 1 : 0;
    }
    if (total == 0)
        return 0.0;
    size_t stride = total / 4096 + 1, next = 0, seen = 0, n = 0, m = 0;
    double sample[4096];
    const double *at[4096];
    /* First where the segments are, each fetched into the cache at once:
     * they lie all over the coordinates, a miss each. */
    for (size_t r = 0; r < T->n_runs && m < 4096; r++) {
        crossings_run run = crossings_tracks_run(T, r);
        size_t ns = run.n > 1 ? run.n - 1 : 0;
        while (next < seen + ns && m < 4096) {
            at[m] = run.xy + 2 * (next - seen);
#if defined(__GNUC__)
            __builtin_prefetch(at[m]);
#endif
            m++;
            next += stride;
        }
        seen += ns;
    }
    for (size_t k = 0; k < m; k++) {
        const double *p = at[k];
        double d = hypot(p[2] - p[0], p[3] - p[1]);
        if (isfinite(d) && d > 0.0)
            sample[n++] = d;
    }
    if (n == 0)
        return 0.0;
    return select_kth(sample, n, n / 2);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* CPU time of the whole process (all threads), ms. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Writing each track's results as the pass hands them over. */
typedef struct emit_state {
    const rm_host_api *api;
    rm_step *step;
    crossings_report *rep;
    size_t n_hits;
    int reported; /* the report failed, and called api->fail itself */
} emit_state;

static int emit(void *ud, size_t r, const crossings_hit *hits, size_t n_hits,
                const size_t *features, const crossings_near *near,
                size_t n_near)
{
    emit_state *es = ud;
    es->n_hits += n_hits;
    int rc = crossings_report_track(es->rep, r, hits, n_hits, features, near,
                                    n_near);
    es->reported = rc != RM_OK;
    return rc;
}

static int tick(void *ud, double fraction)
{
    emit_state *es = ud;
    es->api->progress(es->step, 0.95 * fraction);
    return es->api->cancelled(es->step);
}

static int run(const rm_host_api *api, rm_step *step)
{
    const rm_layer *tl = api->param_layer(step, "tracks");
    const rm_layer *ll = api->param_layer(step, "lines");
    double seg_km = api->param_real(step, "segment_km");
    double gap_min = api->param_real(step, "gap_max_min");
    double gap_km = api->param_real(step, "gap_max_km");
    double appr = api->param_real(step, "approach_m");
    const char *track_field = api->param_is_set(step, "track_field")
                                  ? api->param_string(step, "track_field")
                                  : NULL;
    const char *time_field = api->param_is_set(step, "time_field")
                                 ? api->param_string(step, "time_field")
                                 : NULL;
    size_t n_names = api->param_count(step, "side_names");
    crossings_lines L;
    crossings_tracks T;
    crossings_grid G;
    crossings_report *rep = NULL;
    int rc;
    double t_start = now_ms(), c_start = cpu_ms();

    memset(&L, 0, sizeof L);
    memset(&T, 0, sizeof T);
    memset(&G, 0, sizeof G);
    if (!tl || !ll)
        return api->fail(step, RM_EPLUGIN_PARAM,
                         "crossings: both `tracks` and `lines` must name a "
                         "layer");
    if (n_names != 2)
        return api->fail(step, RM_EPLUGIN_PARAM,
                         "crossings: side_names needs exactly two names "
                         "(left or inside first, e.g. [north, south]), got "
                         "%zu",
                         n_names);
    if (!(seg_km > 0.0) || !isfinite(seg_km) || !(gap_min >= 0.0) ||
        !(gap_km >= 0.0) || !(appr >= 0.0) || !isfinite(appr))
        return api->fail(step, RM_EPLUGIN_PARAM,
                         "crossings: segment_km must be > 0 and gap_max_min, "
                         "gap_max_km, approach_m >= 0 (got %g, %g, %g, %g)",
                         seg_km, gap_min, gap_km, appr);
    const char *name_a = api->param_list_string(step, "side_names", 0);
    const char *name_b = api->param_list_string(step, "side_names", 1);
    rm_geom_type lt = api->layer_geom_type(ll);
    if (lt != RM_GEOM_LINE && lt != RM_GEOM_POLYGON)
        return api->fail(step, RM_EDATA_TYPE,
                         "crossings: the lines layer '%s' must hold lines or "
                         "polygons; pass the ceasefire or control lines as "
                         "`lines`",
                         api->layer_name(ll));

    if (crossings_lines_build(&L, api, ll) != RM_OK)
        return api->fail(step, RM_ENOMEM,
                         "crossings: out of memory preparing the lines");
    if (L.n_verts >= UINT32_MAX) {
        crossings_lines_free(&L);
        return api->fail(step, RM_EDATA_TYPE,
                         "crossings: the lines layer '%s' has more than 4 "
                         "billion vertices; simplify it first",
                         api->layer_name(ll));
    }
    if (L.n_dropped)
        api->log(step, RM_PLUGIN_LOG_WARN,
                 "crossings: %zu part(s) of the lines layer '%s' have fewer "
                 "than two distinct points and were left out",
                 L.n_dropped, api->layer_name(ll));
    if (L.n_lines == 0)
        api->log(step, RM_PLUGIN_LOG_WARN,
                 "crossings: the lines layer '%s' has no usable line; "
                 "every track gets 0 crossings",
                 api->layer_name(ll));

    rc = crossings_tracks_build(&T, api, step, tl, track_field,
                                time_field);
    if (rc != RM_OK)
        goto out;
    if (T.n_skipped)
        api->log(step, RM_PLUGIN_LOG_WARN,
                 "crossings: %zu point(s) of '%s' have no track id or no "
                 "time and were left out",
                 T.n_skipped, api->layer_name(tl));

    if (L.n_lines > 0 &&
        crossings_grid_build(&G, &L, typical_step(&T), appr) != RM_OK) {
        rc = api->fail(step, RM_ENOMEM,
                       "crossings: out of memory indexing the lines");
        goto out;
    }
    rc = crossings_report_create(&rep, api, step, &L, ll, &T, seg_km, name_a,
                                 name_b);
    if (rc != RM_OK)
        goto out;

    double t_prepared = now_ms(), c_prepared = cpu_ms();
    if (api->cancelled(step)) {
        rc = api->fail(step, RM_ECANCELLED, "crossings: cancelled");
        goto out;
    }
    emit_state es = {api, step, rep, 0, 0};
    crossings_pass_stats stats = {0, 0, 0, 0};
    if (L.n_lines > 0) {
        rc = crossings_pass_run(&L, &G, &T, gap_min * 60.0, gap_km * 1000.0,
                                appr, (int)api->param_int(step, "threads"),
                                emit, tick, &es, &stats);
    } else {
        for (size_t r = 0; r < T.n_tracks && rc == RM_OK; r++)
            rc = emit(&es, r, NULL, 0, NULL, NULL, 0);
    }
    if (rc != RM_OK) {
        if (!es.reported && rc == RM_ECANCELLED)
            rc = api->fail(step, RM_ECANCELLED, "crossings: cancelled");
        else if (!es.reported)
            rc = api->fail(step, rc,
                           "crossings: out of memory detecting crossings");
        goto out;
    }
    size_t n_close = stats.examined, n_hits_total = es.n_hits;
    int threads = stats.threads;
    double t_scanned = now_ms(), c_scanned = cpu_ms();
    rc = crossings_report_finish(rep);
    if (rc != RM_OK)
        goto out;
    api->progress(step, 1.0);
    api->log(step, RM_PLUGIN_LOG_INFO,
             "crossings: %zu crossing(s) by %zu track(s) (%zu examined "
             "closely) over %zu line(s)",
             n_hits_total, T.n_tracks, n_close, L.n_lines);
    api->log(step, RM_PLUGIN_LOG_DEBUG,
             "crossings: wall (CPU) ms: prepare %.1f (%.1f), scan, detect "
             "and write %.1f (%.1f) on %d thread(s) (this one did %zu of "
             "%zu chunks), segments %.1f (%.1f); grid %d x %d cells of "
             "%.0f m",
             t_prepared - t_start, c_prepared - c_start,
             t_scanned - t_prepared, c_scanned - c_prepared, threads,
             stats.main_chunks, stats.chunks,
             now_ms() - t_scanned, cpu_ms() - c_scanned, G.w, G.h, G.cell);
    api->manifest_note(step, "crossings.sides",
                       "first side name = left of the line's direction, "
                       "inside for closed lines");
    api->manifest_note(step, "crossings.location",
                       "a crossing is placed where the track leaves the "
                       "line");
out:
    crossings_report_destroy(rep);
    crossings_grid_free(&G);
    crossings_tracks_free(&T);
    crossings_lines_free(&L);
    return rc;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "crossings";
    d.version = "1.0.0";
    d.summary = "Where tracks cross ceasefire and control lines: points "
                "with direction, chainage and time; counts per segment";
    d.license = "Apache-2.0";
    d.params = PARAMS;
    d.n_params = sizeof PARAMS / sizeof PARAMS[0];
    d.outputs = OUTPUTS;
    d.n_outputs = sizeof OUTPUTS / sizeof OUTPUTS[0];
    d.run = run;
    d.help = HELP;
    *out = d;
    return RM_OK;
}

RM_PLUGIN_DEFINE(crossings, fill)
