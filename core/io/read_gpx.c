/*
 * Per-vertex times for GPX tracks. OGR gives a track as a multi-line
 * string without times; its points, with times, come in the separate
 * "track_points" layer (track_fid, track_seg_id, time). This file loads
 * those times once and hands each track part the times of the matching
 * segment (the k-th non-empty segment of the same track), or NaN where a
 * point has no time or the counts disagree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_internal.h"
#include "util/util.h"

typedef struct gpx_seg {
    int64_t track; /* track feature id */
    size_t start;  /* first point in times[] */
    size_t n;      /* points */
} gpx_seg;

struct rd_gpx {
    double *times; /* s since epoch, NaN unknown; document order */
    size_t n, cap;
    gpx_seg *segs;
    size_t nseg, segcap;
    size_t cursor; /* segment search starts here (tracks come in order) */
};

int rd_gpx_load(rd_reader *r)
{
    OGRLayerH pts = GDALDatasetGetLayerByName(r->ds, "track_points");
    if (!pts)
        return RM_OK;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(pts);
    int i_track = OGR_FD_GetFieldIndex(defn, "track_fid");
    int i_seg = OGR_FD_GetFieldIndex(defn, "track_seg_id");
    int i_time = OGR_FD_GetFieldIndex(defn, "time");
    if (i_track < 0 || i_seg < 0 || i_time < 0)
        return RM_OK;
    rd_gpx *gx = calloc(1, sizeof *gx);
    if (!gx)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    r->gpx = gx;
    OGR_L_ResetReading(pts);
    OGRFeatureH f;
    int64_t last_track = -1, last_seg = -1;
    while ((f = OGR_L_GetNextFeature(pts)) != NULL) {
        int64_t track = OGR_F_GetFieldAsInteger64(f, i_track);
        int64_t seg = OGR_F_GetFieldAsInteger64(f, i_seg);
        double t = NAN;
        if (OGR_F_IsFieldSetAndNotNull(f, i_time)) {
            int y, mo, d, h, mi, tz;
            float s;
            if (OGR_F_GetFieldAsDateTimeEx(f, i_time, &y, &mo, &d, &h, &mi,
                                           &s, &tz))
                t = (double)rm__ogr_datetime_ms(y, mo, d, h, mi, (double)s,
                                                tz) /
                    1000.0;
        }
        OGR_F_Destroy(f);
        if (rm__grow((void **)&gx->times, &gx->cap, gx->n + 1,
                     sizeof *gx->times))
            return rd_error(r, RM_ENOMEM, -1, "out of memory");
        if (track != last_track || seg != last_seg) {
            if (rm__grow((void **)&gx->segs, &gx->segcap, gx->nseg + 1,
                         sizeof *gx->segs))
                return rd_error(r, RM_ENOMEM, -1, "out of memory");
            gpx_seg *s = &gx->segs[gx->nseg++];
            s->track = track;
            s->start = gx->n;
            s->n = 0;
            last_track = track;
            last_seg = seg;
        }
        gx->times[gx->n++] = t;
        gx->segs[gx->nseg - 1].n++;
    }
    return RM_OK;
}

void rd_gpx_times(rd_reader *r, int64_t fid)
{
    rd_gpx *gx = r->gpx;
    rd_geom *g = &r->g;
    if (!gx || g->n == 0)
        return;
    if (g->n > g->tcap) {
        double *t = rm_reallocarray(g->t, g->n, sizeof *t);
        if (!t)
            return; /* times stay unknown */
        g->t = t;
        g->tcap = g->n;
    }
    for (size_t i = 0; i < g->n; i++)
        g->t[i] = NAN;
    g->has_t = 1;
    /* First segment of this track: usually right at the cursor. */
    size_t s = gx->cursor;
    if (s >= gx->nseg || gx->segs[s].track != fid)
        for (s = 0; s < gx->nseg && gx->segs[s].track != fid; s++)
            ;
    for (size_t p = 0; p < g->np && s < gx->nseg; p++, s++) {
        const gpx_seg *seg = &gx->segs[s];
        if (seg->track != fid)
            break;
        size_t b = p ? g->end[p - 1] : 0, e = g->end[p];
        if (seg->n == e - b)
            memcpy(g->t + b, gx->times + seg->start, seg->n * sizeof(double));
    }
    while (s < gx->nseg && gx->segs[s].track == fid)
        s++;
    gx->cursor = s;
}

void rd_gpx_free(rd_reader *r)
{
    rd_gpx *gx = r->gpx;
    if (!gx)
        return;
    free(gx->times);
    free(gx->segs);
    free(gx);
    r->gpx = NULL;
}
