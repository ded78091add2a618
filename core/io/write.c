/*
 * Vector writers: columnar layers out to GeoPackage, GeoJSON, CSV and GPX
 * through OGR. Every write goes to a temporary file that is renamed over
 * the target only after the dataset closed cleanly, and the input layers
 * are never modified (reprojection works on a copy of the coordinates).
 *
 * Feature ids: GeoPackage and GeoJSON keep each feature's source id as the
 * feature id (GPKG primary key, GeoJSON "id") when the ids of the layer are
 * unique and not negative; otherwise, and always for CSV and GPX (formats
 * without feature ids), the source id goes into an integer field
 * "source_fid" (unless the layer already has a field of that name).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io/io_internal.h"
#include "routemap/crs.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "util/atomic.h"
#include "util/util.h"

typedef enum out_format { FMT_GPKG, FMT_GEOJSON, FMT_CSV, FMT_GPX } out_format;

typedef struct format_info {
    const char *names[3]; /* accepted spellings, case-insensitive */
    const char *driver;
    const char *ext; /* extension the temporary file must keep, or NULL */
    int single_layer;
    int force_wgs84;
} format_info;

static const format_info formats[] = {
    [FMT_GPKG] = {{"GPKG", "GeoPackage", NULL}, "GPKG", NULL, 0, 0},
    [FMT_GEOJSON] = {{"GeoJSON", "JSON", NULL}, "GeoJSON", NULL, 1, 1},
    [FMT_CSV] = {{"CSV", NULL, NULL}, "CSV", ".csv", 1, 0},
    [FMT_GPX] = {{"GPX", NULL, NULL}, "GPX", NULL, 1, 1},
};

#define SOURCE_FID_FIELD "source_fid"

typedef struct writer {
    rm_context *ctx;
    const char *path; /* the target, for messages */
    out_format fmt;
    int wgs84;
    GDALDatasetH ds;
    rm__gdal_capture cap;
} writer;

/* Everything needed to write one layer; freed by layer_job_free. */
typedef struct layer_job {
    const rm_layer *l;
    const char *name;
    double *xy_copy;  /* reprojected coordinates, or NULL */
    const double *xy; /* coordinates to write */
    OGRSpatialReferenceH srs;
    int multi;        /* write Multi* geometries */
    int keep_fid;     /* set the source id as feature id */
    int *ogr_field;   /* OGR field index per layer field */
    int fid_field;    /* OGR index of "source_fid", or -1 */
    int x_field, y_field; /* CSV point columns, or -1 */
    int times_field;  /* GPX track points: "time" */
    int iso_dates;    /* DATETIME as ISO 8601 text (CSV, GPX) */
    int wkt_field;    /* CSV: geometry as WKT text, or -1 */
} layer_job;

/* ---- small helpers ----------------------------------------------------- */

static int name_eq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

static int layer_has_field_ci(const rm_layer *l, const char *name)
{
    int n = rm_layer_field_count(l);
    for (int i = 0; i < n; i++)
        if (name_eq(rm_layer_field_name(l, i), name))
            return 1;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* 1 when the fids are all >= 0 and pairwise distinct. */
static int fids_usable(const rm_layer *l)
{
    size_t n = rm_layer_feature_count(l);
    const int64_t *fids = rm_layer_fids(l);
    if (n == 0)
        return 1;
    int64_t *s = rm_mallocarray(n, sizeof *s);
    if (!s)
        return 0;
    memcpy(s, fids, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_i64);
    int ok = s[0] >= 0;
    for (size_t i = 1; ok && i < n; i++)
        ok = s[i] != s[i - 1];
    free(s);
    return ok;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* Milliseconds since the epoch into an OGR UTC date-time field. */
static void set_datetime_ms(OGRFeatureH f, int field, int64_t ms)
{
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    int hh = (int)(rem / 3600000);
    int mi = (int)(rem / 60000 % 60);
    float sec = (float)(rem % 60000) / 1000.0f;
    OGR_F_SetFieldDateTimeEx(f, field, y, mo, d, hh, mi, sec, 100);
}

/* ISO 8601 UTC text, milliseconds only when not zero. */
static void format_iso_ms(char buf[40], int64_t ms)
{
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    int frac = (int)(rem % 1000);
    int64_t s = rem / 1000;
    int n = snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d,
                     (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    if (n > 0 && n < 40)
        snprintf(buf + n, (size_t)(40 - n), frac ? ".%03dZ" : "Z", frac);
}

static void set_datetime_s(OGRFeatureH f, int field, double s)
{
    set_datetime_ms(f, field, (int64_t)llround(s * 1000.0));
}

/* Features: does any have more than one point / line / polygon? */
static int layer_needs_multi(const rm_layer *l)
{
    size_t nf = rm_layer_feature_count(l);
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    rm_geom_type t = rm_layer_geom_type(l);
    for (size_t i = 0; i < nf; i++) {
        int64_t p0 = fo[i], p1 = fo[i + 1];
        if (t == RM_GEOM_POINT && p1 > p0 && po[p1] - po[p0] > 1)
            return 1;
        if (t == RM_GEOM_LINE && p1 - p0 > 1)
            return 1;
        if (t == RM_GEOM_POLYGON) {
            int n_outer = 0;
            for (int64_t p = p0; p < p1; p++)
                n_outer += (p == p0 || outer[p]);
            if (n_outer > 1)
                return 1;
        }
    }
    return 0;
}

static OGRwkbGeometryType ogr_geom_type(rm_geom_type t, int multi)
{
    switch (t) {
    case RM_GEOM_POINT:
        return multi ? wkbMultiPoint : wkbPoint;
    case RM_GEOM_LINE:
        return multi ? wkbMultiLineString : wkbLineString;
    case RM_GEOM_POLYGON:
        return multi ? wkbMultiPolygon : wkbPolygon;
    default:
        return wkbNone;
    }
}

static OGRGeometryH make_line(OGRwkbGeometryType type, const double *xy,
                              int64_t c0, int64_t c1)
{
    OGRGeometryH g = OGR_G_CreateGeometry(type);
    if (!g)
        return NULL;
    int n = (int)(c1 - c0);
    if (n > 0)
        OGR_G_SetPoints(g, n, xy + 2 * c0, 2 * sizeof(double),
                        xy + 2 * c0 + 1, 2 * sizeof(double), NULL, 0);
    return g;
}

/*
 * The OGR geometry of feature `i`, or NULL for a feature without parts.
 * Polygons: an exterior ring starts a polygon, holes join the polygon
 * before them (a leading hole is taken as exterior); rings are closed.
 */
static OGRGeometryH build_geometry(const layer_job *job, size_t i,
                                   int *out_oom)
{
    const rm_layer *l = job->l;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const uint8_t *outer = rm_layer_part_outer(l);
    const double *xy = job->xy;
    int64_t p0 = fo[i], p1 = fo[i + 1];
    *out_oom = 0;
    if (p1 <= p0 || po[p1] <= po[p0])
        return NULL;
    OGRGeometryH g = NULL;
    switch (rm_layer_geom_type(l)) {
    case RM_GEOM_POINT:
        if (!job->multi) {
            g = OGR_G_CreateGeometry(wkbPoint);
            if (g)
                OGR_G_SetPoint_2D(g, 0, xy[2 * po[p0]], xy[2 * po[p0] + 1]);
            break;
        }
        g = OGR_G_CreateGeometry(wkbMultiPoint);
        for (int64_t c = po[p0]; g && c < po[p1]; c++) {
            OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
            if (!pt) {
                OGR_G_DestroyGeometry(g);
                g = NULL;
                break;
            }
            OGR_G_SetPoint_2D(pt, 0, xy[2 * c], xy[2 * c + 1]);
            OGR_G_AddGeometryDirectly(g, pt);
        }
        break;
    case RM_GEOM_LINE:
        if (!job->multi) {
            g = make_line(wkbLineString, xy, po[p0], po[p0 + 1]);
            break;
        }
        g = OGR_G_CreateGeometry(wkbMultiLineString);
        for (int64_t p = p0; g && p < p1; p++) {
            OGRGeometryH ls = make_line(wkbLineString, xy, po[p], po[p + 1]);
            if (!ls) {
                OGR_G_DestroyGeometry(g);
                g = NULL;
                break;
            }
            OGR_G_AddGeometryDirectly(g, ls);
        }
        break;
    case RM_GEOM_POLYGON: {
        OGRGeometryH coll =
            job->multi ? OGR_G_CreateGeometry(wkbMultiPolygon) : NULL;
        OGRGeometryH poly = NULL;
        int ok = !job->multi || coll;
        for (int64_t p = p0; ok && p <= p1; p++) {
            int starts = p == p1 || p == p0 || outer[p];
            if (starts && poly) {
                OGR_G_CloseRings(poly);
                if (coll) {
                    OGR_G_AddGeometryDirectly(coll, poly);
                    poly = NULL;
                } else
                    break; /* single polygon: one exterior ring only */
            }
            if (p == p1)
                break;
            if (starts) {
                poly = OGR_G_CreateGeometry(wkbPolygon);
                if (!poly) {
                    ok = 0;
                    break;
                }
            }
            OGRGeometryH ring =
                make_line(wkbLinearRing, xy, po[p], po[p + 1]);
            if (!ring) {
                ok = 0;
                break;
            }
            OGR_G_AddGeometryDirectly(poly, ring);
        }
        if (!ok) {
            if (poly)
                OGR_G_DestroyGeometry(poly);
            if (coll)
                OGR_G_DestroyGeometry(coll);
            g = NULL;
        } else
            g = coll ? coll : poly;
        break;
    }
    default:
        return NULL;
    }
    if (!g)
        *out_oom = 1;
    return g;
}

/* ---- layer setup ------------------------------------------------------- */

static void layer_job_free(layer_job *job)
{
    free(job->xy_copy);
    free(job->ogr_field);
    if (job->srs)
        OSRRelease(job->srs);
    memset(job, 0, sizeof *job);
}

/* Coordinates to write: the layer's, or a reprojected copy. */
static int prepare_coords(writer *w, layer_job *job)
{
    const rm_layer *l = job->l;
    size_t nc = rm_layer_coord_count(l);
    job->xy = rm_layer_xy(l);
    const char *crs = rm_layer_crs(l);
    rm_location loc = rm__loc_data(w->path, job->name, -1);
    if (!w->wgs84 || nc == 0)
        return RM_OK;
    if (!crs || !*crs) {
        /* No CRS: acceptable only when the values already look like
         * longitude/latitude. */
        rm_bbox e = rm_layer_extent(l);
        if (e.minx < -180 || e.maxx > 180 || e.miny < -90 || e.maxy > 90)
            return rm__error(w->ctx, RM_ECRS, &loc,
                             "the layer has no CRS and its coordinates are "
                             "not longitude/latitude, so it cannot be "
                             "written in WGS 84; set the layer's CRS");
        return RM_OK;
    }
    job->xy_copy = rm_mallocarray(nc, 2 * sizeof(double));
    if (!job->xy_copy)
        return rm__error(w->ctx, RM_ENOMEM, &loc, "out of memory");
    memcpy(job->xy_copy, job->xy, nc * 2 * sizeof(double));
    rm_transform *tr = NULL;
    int rc = rm_transform_create(w->ctx, &tr, crs, "EPSG:4326");
    if (rc)
        return rc;
    size_t n_failed = 0;
    rc = rm_transform_apply(tr, job->xy_copy, nc, &n_failed);
    rm_transform_destroy(tr);
    if (rc)
        return rc;
    job->xy = job->xy_copy;
    if (n_failed > 0) {
        /* Name the first feature that cannot be represented. */
        const int64_t *fo = rm_layer_feature_offsets(l);
        const int64_t *po = rm_layer_part_offsets(l);
        size_t nf = rm_layer_feature_count(l);
        for (size_t i = 0; i < nf; i++)
            for (int64_t c = po[fo[i]]; c < po[fo[i + 1]]; c++)
                if (!isfinite(job->xy[2 * c]) ||
                    !isfinite(job->xy[2 * c + 1])) {
                    rm_location floc = rm__loc_data(w->path, job->name,
                                                    rm_layer_fids(l)[i]);
                    return rm__error(w->ctx, RM_ECRS, &floc,
                                     "%zu coordinate(s) cannot be "
                                     "transformed from %s to WGS 84; "
                                     "check the layer's CRS",
                                     n_failed, crs);
                }
    }
    return RM_OK;
}

static int prepare_srs(writer *w, layer_job *job)
{
    const char *crs = w->wgs84 ? "EPSG:4326" : rm_layer_crs(job->l);
    if (!crs || !*crs || rm_layer_geom_type(job->l) == RM_GEOM_NONE)
        return RM_OK;
    job->srs = OSRNewSpatialReference(NULL);
    if (!job->srs)
        return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
    OSRSetAxisMappingStrategy(job->srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRSetFromUserInput(job->srs, crs) != OGRERR_NONE) {
        rm_location loc = rm__loc_data(w->path, job->name, -1);
        return rm__error(w->ctx, RM_ECRS, &loc,
                         "GDAL does not understand the layer's CRS '%s' "
                         "(%s); set a CRS such as EPSG:32631",
                         crs, rm__gdal_reason(&w->cap));
    }
    return RM_OK;
}

static OGRFieldType ogr_field_type(rm_field_type t)
{
    switch (t) {
    case RM_FIELD_INT:
        return OFTInteger64;
    case RM_FIELD_REAL:
        return OFTReal;
    case RM_FIELD_DATETIME:
        return OFTDateTime;
    case RM_FIELD_BOOL:
        return OFTInteger;
    default:
        return OFTString;
    }
}

/* A failure of the file as a whole (create, commit, close). */
static int write_error(writer *w, const char *layer, int64_t fid,
                       const char *what)
{
    rm_location loc = rm__loc_data(w->path, layer, fid);
    return rm__error(w->ctx, RM_EIO_WRITE, &loc,
                     "%s: %s; check that the folder exists and is writable "
                     "and the disk is not full",
                     what, rm__gdal_reason(&w->cap));
}

/* A failure GDAL ties to the layer's content (field names, values). */
static int data_error(writer *w, const char *layer, int64_t fid,
                      const char *what)
{
    rm_location loc = rm__loc_data(w->path, layer, fid);
    return rm__error(w->ctx, RM_EIO_WRITE, &loc,
                     "%s: %s; fix what GDAL names (e.g. rename a field) or "
                     "choose another format; if it is about the file, "
                     "check that the folder is writable and the disk is "
                     "not full",
                     what, rm__gdal_reason(&w->cap));
}

/* Create one OGR field; return its index in the layer definition. */
static int add_field(writer *w, OGRLayerH ol, const char *layer,
                     const char *name, OGRFieldType type,
                     OGRFieldSubType sub, int *out_index)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (!fd)
        return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
    OGR_Fld_SetSubType(fd, sub);
    OGRErr e = OGR_L_CreateField(ol, fd, TRUE);
    OGR_Fld_Destroy(fd);
    char what[400];
    snprintf(what, sizeof what, "cannot create field '%s'", name);
    if (e != OGRERR_NONE)
        return data_error(w, layer, -1, what);
    int idx = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(ol), name);
    if (idx < 0)
        return data_error(w, layer, -1, what);
    *out_index = idx;
    return RM_OK;
}

/* The first of `candidates` no layer field uses (case-insensitive). */
static const char *free_name(const rm_layer *l, const char *const *cand)
{
    for (; *cand; cand++)
        if (!layer_has_field_ci(l, *cand))
            return *cand;
    return NULL;
}

static int create_fields(writer *w, OGRLayerH ol, layer_job *job)
{
    const rm_layer *l = job->l;
    int nfield = rm_layer_field_count(l);
    job->ogr_field = rm_mallocarray(nfield > 0 ? (size_t)nfield : 1,
                                    sizeof *job->ogr_field);
    if (!job->ogr_field)
        return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
    for (int i = 0; i < nfield; i++) {
        rm_field_type t = rm_layer_field_type(l, i);
        OGRFieldType ot = ogr_field_type(t);
        /* ISO 8601 text rather than OGR's "YYYY/MM/DD" form. */
        if (job->iso_dates && t == RM_FIELD_DATETIME)
            ot = OFTString;
        OGRFieldSubType sub = t == RM_FIELD_BOOL ? OFSTBoolean : OFSTNone;
        int rc = add_field(w, ol, job->name, rm_layer_field_name(l, i), ot,
                           sub, &job->ogr_field[i]);
        if (rc)
            return rc;
    }
    if (!job->keep_fid && !layer_has_field_ci(l, SOURCE_FID_FIELD)) {
        int rc = add_field(w, ol, job->name, SOURCE_FID_FIELD, OFTInteger64,
                           OFSTNone, &job->fid_field);
        if (rc)
            return rc;
    }
    if (w->fmt == FMT_CSV && rm_layer_geom_type(l) == RM_GEOM_POINT) {
        const char *xn = w->wgs84 ? "lon" : "x";
        const char *yn = w->wgs84 ? "lat" : "y";
        if (!layer_has_field_ci(l, xn) && !layer_has_field_ci(l, yn)) {
            int rc = add_field(w, ol, job->name, xn, OFTReal, OFSTNone,
                               &job->x_field);
            if (!rc)
                rc = add_field(w, ol, job->name, yn, OFTReal, OFSTNone,
                               &job->y_field);
            if (rc)
                return rc;
        }
    }
    return RM_OK;
}

/* Attribute values of row `i` into `f` (NULLs explicit). */
static void set_attributes(const layer_job *job, OGRFeatureH f, size_t i)
{
    const rm_layer *l = job->l;
    int nfield = rm_layer_field_count(l);
    for (int k = 0; k < nfield; k++) {
        int of = job->ogr_field[k];
        if (rm_layer_field_is_null(l, k, i)) {
            OGR_F_SetFieldNull(f, of);
            continue;
        }
        switch (rm_layer_field_type(l, k)) {
        case RM_FIELD_INT:
            OGR_F_SetFieldInteger64(f, of, rm_layer_field_ints(l, k)[i]);
            break;
        case RM_FIELD_REAL:
            OGR_F_SetFieldDouble(f, of, rm_layer_field_reals(l, k)[i]);
            break;
        case RM_FIELD_DATETIME:
            if (job->iso_dates) {
                char buf[40];
                format_iso_ms(buf, rm_layer_field_ints(l, k)[i]);
                OGR_F_SetFieldString(f, of, buf);
            } else
                set_datetime_ms(f, of, rm_layer_field_ints(l, k)[i]);
            break;
        case RM_FIELD_BOOL:
            OGR_F_SetFieldInteger(f, of, rm_layer_field_bools(l, k)[i] != 0);
            break;
        default: {
            const char *s = rm_layer_field_string(l, k, i);
            if (s)
                OGR_F_SetFieldString(f, of, s);
            else
                OGR_F_SetFieldNull(f, of);
        }
        }
    }
    if (job->fid_field >= 0)
        OGR_F_SetFieldInteger64(f, job->fid_field, rm_layer_fids(l)[i]);
}

static int create_feature(writer *w, OGRLayerH ol, const layer_job *job,
                          OGRFeatureH f, size_t i)
{
    if (OGR_L_CreateFeature(ol, f) == OGRERR_NONE)
        return RM_OK;
    return data_error(w, job->name, rm_layer_fids(job->l)[i],
                      "cannot write feature");
}

/* ---- GPX --------------------------------------------------------------- */

/*
 * GPX has a fixed schema: points become waypoints (each point of a
 * multi-point its own waypoint), lines become tracks (one track per
 * feature, one segment per part). Lines with per-vertex times go through
 * OGR's "track_points" layer so that each <trkpt> gets its <time>; the
 * feature's "name" becomes the track name and its other attributes are
 * repeated on each track point. Standard GPX field names (name, desc,
 * time, ...) fill the standard elements, others go to <extensions>.
 */
static int write_gpx_points(writer *w, OGRLayerH ol, const layer_job *job)
{
    const rm_layer *l = job->l;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(ol);
    size_t nf = rm_layer_feature_count(l);
    for (size_t i = 0; i < nf; i++) {
        for (int64_t c = po[fo[i]]; c < po[fo[i + 1]]; c++) {
            OGRFeatureH f = OGR_F_Create(defn);
            OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
            if (!f || !g) {
                if (f)
                    OGR_F_Destroy(f);
                if (g)
                    OGR_G_DestroyGeometry(g);
                return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
            }
            OGR_G_SetPoint_2D(g, 0, job->xy[2 * c], job->xy[2 * c + 1]);
            OGR_F_SetGeometryDirectly(f, g);
            set_attributes(job, f, i);
            int rc = create_feature(w, ol, job, f, i);
            OGR_F_Destroy(f);
            if (rc)
                return rc;
        }
    }
    return RM_OK;
}

static int write_gpx_track_points(writer *w, OGRLayerH ol,
                                  const layer_job *job)
{
    const rm_layer *l = job->l;
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *vt = rm_layer_vertex_times(l);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(ol);
    int i_trk = OGR_FD_GetFieldIndex(defn, "track_fid");
    int i_seg = OGR_FD_GetFieldIndex(defn, "track_seg_id");
    int i_pt = OGR_FD_GetFieldIndex(defn, "track_seg_point_id");
    int i_tname = OGR_FD_GetFieldIndex(defn, "track_name");
    int name_col = rm_layer_field_index(l, "name");
    if (i_trk < 0 || i_seg < 0 || job->times_field < 0)
        return rm__error(w->ctx, RM_EINTERNAL, NULL,
                         "GDAL's GPX track_points layer lacks its standard "
                         "fields; please report");
    size_t nf = rm_layer_feature_count(l);
    for (size_t i = 0; i < nf; i++) {
        for (int64_t p = fo[i]; p < fo[i + 1]; p++) {
            for (int64_t c = po[p]; c < po[p + 1]; c++) {
                OGRFeatureH f = OGR_F_Create(defn);
                OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
                if (!f || !g) {
                    if (f)
                        OGR_F_Destroy(f);
                    if (g)
                        OGR_G_DestroyGeometry(g);
                    return rm__error(w->ctx, RM_ENOMEM, NULL,
                                     "out of memory");
                }
                OGR_G_SetPoint_2D(g, 0, job->xy[2 * c], job->xy[2 * c + 1]);
                OGR_F_SetGeometryDirectly(f, g);
                set_attributes(job, f, i);
                OGR_F_SetFieldInteger(f, i_trk, (int)i);
                OGR_F_SetFieldInteger(f, i_seg, (int)(p - fo[i]));
                if (i_pt >= 0)
                    OGR_F_SetFieldInteger(f, i_pt, (int)(c - po[p]));
                if (i_tname >= 0 && name_col >= 0 &&
                    !rm_layer_field_is_null(l, name_col, i)) {
                    char buf[64];
                    const char *nm = NULL;
                    if (rm_layer_field_type(l, name_col) == RM_FIELD_STRING)
                        nm = rm_layer_field_string(l, name_col, i);
                    else {
                        snprintf(buf, sizeof buf, "%.17g",
                                 rm_layer_field_as_real(l, name_col, i));
                        nm = buf;
                    }
                    if (nm)
                        OGR_F_SetFieldString(f, i_tname, nm);
                }
                /* The per-point "name" would repeat the track's. */
                if (name_col >= 0)
                    OGR_F_SetFieldNull(f, job->ogr_field[name_col]);
                if (isfinite(vt[c]))
                    set_datetime_s(f, job->times_field, vt[c]);
                else
                    OGR_F_SetFieldNull(f, job->times_field);
                int rc = create_feature(w, ol, job, f, i);
                OGR_F_Destroy(f);
                if (rc)
                    return rc;
            }
        }
    }
    return RM_OK;
}

/* ---- one layer --------------------------------------------------------- */

static int write_features(writer *w, OGRLayerH ol, const layer_job *job)
{
    const rm_layer *l = job->l;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(ol);
    const int64_t *fids = rm_layer_fids(l);
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    size_t nf = rm_layer_feature_count(l);
    for (size_t i = 0; i < nf; i++) {
        OGRFeatureH f = OGR_F_Create(defn);
        if (!f)
            return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
        if (job->keep_fid)
            OGR_F_SetFID(f, fids[i]);
        int oom = 0;
        OGRGeometryH g = build_geometry(job, i, &oom);
        if (oom) {
            OGR_F_Destroy(f);
            return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
        }
        set_attributes(job, f, i);
        if (g && job->wkt_field >= 0) {
            char *wkt = NULL;
            if (OGR_G_ExportToWkt(g, &wkt) != OGRERR_NONE || !wkt) {
                CPLFree(wkt);
                OGR_G_DestroyGeometry(g);
                OGR_F_Destroy(f);
                return rm__error(w->ctx, RM_ENOMEM, NULL, "out of memory");
            }
            OGR_F_SetFieldString(f, job->wkt_field, wkt);
            CPLFree(wkt);
            OGR_G_DestroyGeometry(g);
        } else if (g)
            OGR_F_SetGeometryDirectly(f, g);
        if (job->x_field >= 0 && fo[i + 1] > fo[i] &&
            po[fo[i + 1]] - po[fo[i]] == 1) {
            int64_t c = po[fo[i]];
            OGR_F_SetFieldDouble(f, job->x_field, job->xy[2 * c]);
            OGR_F_SetFieldDouble(f, job->y_field, job->xy[2 * c + 1]);
        }
        int rc = create_feature(w, ol, job, f, i);
        OGR_F_Destroy(f);
        if (rc)
            return rc;
    }
    return RM_OK;
}

static int write_layer(writer *w, const rm_layer *l)
{
    layer_job job;
    memset(&job, 0, sizeof job);
    job.l = l;
    job.name = rm_layer_name(l);
    job.fid_field = job.x_field = job.y_field = job.times_field = -1;
    job.wkt_field = -1;
    rm_geom_type gt = rm_layer_geom_type(l);
    rm_location loc = rm__loc_data(w->path, job.name, -1);

    int with_times = 0;
    const char *ogr_name = job.name;
    if (w->fmt == FMT_GPX) {
        if (gt != RM_GEOM_POINT && gt != RM_GEOM_LINE)
            return rm__error(w->ctx, RM_EINVAL, &loc,
                             "GPX holds only points and lines; write this "
                             "layer as GeoPackage or GeoJSON instead");
        with_times = gt == RM_GEOM_LINE && rm_layer_vertex_times(l);
        ogr_name = gt == RM_GEOM_POINT ? "waypoints"
                   : with_times        ? "track_points"
                                       : "tracks";
    }
    job.iso_dates = w->fmt == FMT_CSV || w->fmt == FMT_GPX;
    job.keep_fid =
        (w->fmt == FMT_GPKG || w->fmt == FMT_GEOJSON) && fids_usable(l);
    job.multi = layer_needs_multi(l);

    int rc = prepare_coords(w, &job);
    if (!rc)
        rc = prepare_srs(w, &job);
    if (rc) {
        layer_job_free(&job);
        return rc;
    }

    OGRwkbGeometryType ot = ogr_geom_type(gt, job.multi);
    char **lco = NULL;
    if (w->fmt == FMT_GPKG) {
        static const char *const fid_names[] = {"fid", "ogc_fid", "rm_fid",
                                                NULL};
        const char *fid_col = free_name(l, fid_names);
        lco = CSLSetNameValue(lco, "FID", fid_col ? fid_col : "rm_fid_");
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "YES");
    } else if (w->fmt == FMT_GEOJSON) {
        lco = CSLSetNameValue(lco, "RFC7946", "YES");
    } else if (w->fmt == FMT_CSV) {
        /* The geometry goes into a text column written here ("wkt"): the
         * driver's own WKT column cannot be named without side files. */
        ot = wkbNone;
        lco = CSLSetNameValue(lco, "STRING_QUOTING", "IF_NEEDED");
    } else if (w->fmt == FMT_GPX) {
        ot = gt == RM_GEOM_POINT || with_times ? wkbPoint
                                               : wkbMultiLineString;
    }
    OGRLayerH ol = GDALDatasetCreateLayer(w->ds, ogr_name, job.srs, ot, lco);
    CSLDestroy(lco);
    if (!ol) {
        rc = data_error(w, job.name, -1, "cannot create the layer");
        layer_job_free(&job);
        return rc;
    }
    if (w->fmt == FMT_CSV && gt != RM_GEOM_NONE) {
        static const char *const wkt_names[] = {"wkt", "geom_wkt", "rm_wkt",
                                                NULL};
        const char *wkt = free_name(l, wkt_names);
        rc = add_field(w, ol, job.name, wkt ? wkt : "rm_wkt_", OFTString,
                       OFSTNone, &job.wkt_field);
    }
    if (!rc)
        rc = create_fields(w, ol, &job);
    if (!rc && with_times)
        rc = add_field(w, ol, job.name, "time", OFTDateTime, OFSTNone,
                       &job.times_field);
    int in_tx = 0;
    if (!rc && w->fmt == FMT_GPKG) {
        if (GDALDatasetStartTransaction(w->ds, FALSE) != OGRERR_NONE)
            rc = write_error(w, job.name, -1, "cannot start a transaction");
        else
            in_tx = 1;
    }
    if (!rc) {
        if (w->fmt == FMT_GPX && gt == RM_GEOM_POINT)
            rc = write_gpx_points(w, ol, &job);
        else if (with_times)
            rc = write_gpx_track_points(w, ol, &job);
        else
            rc = write_features(w, ol, &job);
    }
    if (in_tx) {
        if (rc)
            GDALDatasetRollbackTransaction(w->ds);
        else if (GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE)
            rc = write_error(w, job.name, -1, "cannot commit the layer");
    }
    layer_job_free(&job);
    return rc;
}

/* ---- entry ------------------------------------------------------------- */

static int parse_format(rm_context *ctx, const char *name, out_format *out)
{
    if (!name || !*name) {
        *out = FMT_GPKG;
        return RM_OK;
    }
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
        for (int k = 0; k < 3 && formats[f].names[k]; k++)
            if (name_eq(name, formats[f].names[k])) {
                *out = (out_format)f;
                return RM_OK;
            }
    return rm__error(ctx, RM_EINVAL, NULL,
                     "unknown output format '%s'; use GPKG, GeoJSON, CSV "
                     "or GPX",
                     name);
}

static int check_layers(rm_context *ctx, const char *path,
                        rm_layer *const *layers, size_t n,
                        const format_info *fi)
{
    rm_location loc = rm__loc_file(path, 0, 0);
    if (n == 0 || !layers)
        return rm__error(ctx, RM_EINVAL, &loc,
                         "no layer to write; give at least one");
    if (fi->single_layer && n != 1)
        return rm__error(ctx, RM_EINVAL, &loc,
                         "%s holds one layer but %zu were given; write "
                         "each to its own file or use GeoPackage",
                         fi->driver, n);
    for (size_t i = 0; i < n; i++) {
        if (!layers[i])
            return rm__error(ctx, RM_EINVAL, &loc, "layer %zu is NULL", i);
        if (rm_layer_geom_type(layers[i]) == RM_GEOM_RASTER)
            return rm__error(ctx, RM_EINVAL, &loc,
                             "layer '%s' is a raster; write it as GeoTIFF "
                             "(rm_io_write_raster)",
                             rm_layer_name(layers[i]));
        for (size_t j = 0; j < i; j++)
            if (name_eq(rm_layer_name(layers[i]), rm_layer_name(layers[j])))
                return rm__error(ctx, RM_EINVAL, &loc,
                                 "two layers are named '%s'; rename one "
                                 "(GeoPackage table names ignore case)",
                                 rm_layer_name(layers[i]));
    }
    return RM_OK;
}

int rm_io_write(rm_context *ctx, const char *path, rm_layer *const *layers,
                size_t n, const rm_write_options *opt)
{
    rm_write_options defaults = RM_WRITE_OPTIONS_INIT;
    if (!opt)
        opt = &defaults;
    if (!path || !*path)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no output path given; name the file to write");
    writer w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.path = path;
    int rc = parse_format(ctx, opt->format, &w.fmt);
    if (rc)
        return rc;
    const format_info *fi = &formats[w.fmt];
    w.wgs84 = opt->wgs84 || fi->force_wgs84;
    rc = check_layers(ctx, path, layers, n, fi);
    if (rc)
        return rc;

    rm__gdal_register();
    GDALDriverH drv = GDALGetDriverByName(fi->driver);
    if (!drv)
        return rm__error(ctx, RM_EIO_WRITE, NULL,
                         "this GDAL has no %s driver; install a GDAL with "
                         "it or choose another format",
                         fi->driver);

    rm__atomic a;
    rc = rm__atomic_begin_ext(ctx, &a, path, fi->ext);
    if (rc)
        return rc;

    rm__gdal_capture_begin(&w.cap);
    /* GDAL stamps a GeoPackage's tables with this time, else the clock. */
    const char *stamp = opt->version >= 2 ? opt->timestamp : NULL;
    const char *prev = CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    char *saved = prev ? CPLStrdup(prev) : NULL;
    if (stamp)
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", stamp);
    char **dsco = NULL;
    if (w.fmt == FMT_GPX)
        dsco = CSLSetNameValue(dsco, "GPX_USE_EXTENSIONS", "YES");
    w.ds = GDALCreate(drv, a.tmp, 0, 0, 0, GDT_Unknown, dsco);
    CSLDestroy(dsco);
    if (!w.ds)
        rc = write_error(&w, NULL, -1, "cannot create the file");
    for (size_t i = 0; !rc && i < n; i++)
        rc = write_layer(&w, layers[i]);
    if (w.ds) {
        /* Closing flushes: a failure here means an incomplete file. */
        int before = w.cap.n_failures;
        GDALClose(w.ds);
        w.ds = NULL;
        if (!rc && w.cap.n_failures > before)
            rc = write_error(&w, NULL, -1, "cannot finish the file");
    }
    if (stamp)
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", saved);
    CPLFree(saved);
    rm__gdal_capture_end(&w.cap);
    if (rc) {
        rm__atomic_abort(&a);
        return rc;
    }
    return rm__atomic_commit(ctx, &a);
}
