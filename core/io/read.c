/*
 * rm_io_read: opens a source with GDAL, picks the layer, checks the
 * briefing's field names (roles, sensitive fields, CSV coordinates), hands
 * the where, area and period filters to OGR where a database can apply
 * them, then reads through the fastest path the driver offers and reports
 * what was filtered, repaired and dropped. Sensitive fields are never
 * read; GDAL's messages end up in the rm error, never on stderr.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cpl_string.h>
#include <ogr_srs_api.h>

#include "io/read_internal.h"
#include "layer/layer_internal.h"
#include "util/util.h"

int rd_error(rd_reader *r, int code, int64_t fid, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rm_location loc = rm__loc_data(r->source, r->layer, fid);
    if (r->opt && r->opt->label)
        return rm__error(r->ctx, code, &loc, "(briefing layer '%s') %s",
                         r->opt->label, msg);
    return rm__error(r->ctx, code, &loc, "%s", msg);
}

int rd_in_period(const rd_reader *r, int64_t ms)
{
    return ms >= r->opt->period_start_ms && ms <= r->opt->period_end_ms;
}

/* ---- helpers -------------------------------------------------------- */

/* "a, b, c" of the layer's field names (caller frees). */
static char *field_list(OGRFeatureDefnH defn)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        if (i)
            rm_strbuf_append(&sb, ", ");
        rm_strbuf_append(&sb, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    }
    if (n == 0)
        rm_strbuf_append(&sb, "(none)");
    return rm_strbuf_take(&sb);
}

static char *layer_list(GDALDatasetH ds)
{
    rm_strbuf sb = RM_STRBUF_INIT;
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++) {
        if (i)
            rm_strbuf_append(&sb, ", ");
        rm_strbuf_append(&sb, OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    }
    if (n == 0)
        rm_strbuf_append(&sb, "(none)");
    return rm_strbuf_take(&sb);
}

static int field_error(rd_reader *r, const char *what, const char *name)
{
    char *list = field_list(OGR_L_GetLayerDefn(r->lyr));
    int rc = rd_error(r, RM_EDATA_FIELD, -1,
                      "%s field '%s' does not exist; available fields: %s; "
                      "check the spelling in the briefing",
                      what, name, list ? list : "?");
    free(list);
    return rc;
}

static void format_day(int64_t ms, int day_shift, char out[16])
{
    time_t t = (time_t)(ms / 1000 + (int64_t)day_shift * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* ---- CSV ------------------------------------------------------------ */

/* How many columns are called `name` (case-insensitive). */
static int column_count(OGRFeatureDefnH defn, const char *name)
{
    int n = OGR_FD_GetFieldCount(defn), k = 0;
    for (int i = 0; name && i < n; i++)
        k += strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)),
                        name) == 0;
    return k;
}

/* Open options that make the CSV driver build point or WKT geometries. */
static int csv_options(rd_reader *r, char ***oo)
{
    GDALDatasetH ds = GDALOpenEx(r->source, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    if (!ds)
        return RM_OK; /* the real open reports the reason */
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        GDALClose(ds);
        return RM_OK;
    }
    r->lyr = lyr;
    r->layer = OGR_L_GetName(lyr);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    const rm_read_options *o = r->opt;
    int rc = RM_OK;
    const char *x = NULL, *y = NULL, *w = NULL;
    if (o->wkt_field) {
        if (OGR_FD_GetFieldIndex(defn, o->wkt_field) < 0)
            rc = field_error(r, "WKT", o->wkt_field);
        w = o->wkt_field;
    } else if (o->x_field || o->y_field) {
        if (!o->x_field || !o->y_field)
            rc = rd_error(r, RM_EDATA_GEOM, -1,
                          "give both the x and the y field of the CSV");
        else if (OGR_FD_GetFieldIndex(defn, o->x_field) < 0)
            rc = field_error(r, "x", o->x_field);
        else if (OGR_FD_GetFieldIndex(defn, o->y_field) < 0)
            rc = field_error(r, "y", o->y_field);
        x = o->x_field;
        y = o->y_field;
    } else {
        rm__csv_find_coords(defn, &x, &y, &w);
        if (!x && !w) {
            char *list = field_list(defn);
            rc = rd_error(r, RM_EDATA_GEOM, -1,
                          "the CSV has no coordinate columns (columns: %s); "
                          "set the x and y fields (longitude/latitude) or "
                          "the WKT field of this layer in the briefing",
                          list ? list : "?");
            free(list);
        }
    }
    /* GDAL's CSV driver loses track of a repeated geometry column (and
     * can crash reading it): refuse the ambiguity. */
    const char *twice = column_count(defn, x) > 1   ? x
                        : column_count(defn, y) > 1 ? y
                        : column_count(defn, w) > 1 ? w
                                                    : NULL;
    if (!rc && twice)
        rc = rd_error(r, RM_EDATA_GEOM, -1,
                      "the CSV has more than one column named '%s', so its "
                      "coordinates are ambiguous; rename the extra columns",
                      twice);
    if (!rc)
        *oo = rm__csv_open_options(*oo, x, y, w);
    r->lyr = NULL;
    r->layer = NULL;
    GDALClose(ds);
    return rc;
}

/* ---- fields, roles, sensitive fields ---------------------------------- */

static int is_sensitive(const rm_read_options *o, const char *name)
{
    for (size_t i = 0; i < o->n_sensitive; i++)
        if (o->sensitive[i] && strcasecmp(o->sensitive[i], name) == 0)
            return 1;
    return 0;
}

static int column_type(OGRFieldDefnH fd, rm_field_type *out)
{
    OGRFieldType t = OGR_Fld_GetType(fd);
    OGRFieldSubType st = OGR_Fld_GetSubType(fd);
    switch (t) {
    case OFTInteger:
    case OFTInteger64:
        *out = st == OFSTBoolean ? RM_FIELD_BOOL : RM_FIELD_INT;
        return 1;
    case OFTReal:
        *out = RM_FIELD_REAL;
        return 1;
    case OFTDate:
    case OFTDateTime:
        *out = RM_FIELD_DATETIME;
        return 1;
    case OFTBinary:
        return 0;
    default: /* strings, times of day, lists: as text */
        *out = RM_FIELD_STRING;
        return 1;
    }
}

static int setup_fields(rd_reader *r, int *arrow_ok)
{
    const rm_read_options *o = r->opt;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->lyr);
    int n = OGR_FD_GetFieldCount(defn);

    /* A sensitive name that matches nothing may hide a typo: refuse. */
    for (size_t i = 0; i < o->n_sensitive; i++) {
        const char *s = o->sensitive[i];
        if (!s || OGR_FD_GetFieldIndex(defn, s) < 0)
            return field_error(r, "sensitive", s ? s : "(null)");
    }
    for (int role = 0; role < RM_ROLE_COUNT; role++) {
        const char *name = o->role_fields[role];
        if (!name)
            continue;
        static const char *const role_names[RM_ROLE_COUNT] = {
            "id", "time", "kind", "weight"};
        if (OGR_FD_GetFieldIndex(defn, name) < 0) {
            char what[32];
            snprintf(what, sizeof what, "%s", role_names[role]);
            return field_error(r, what, name);
        }
        if (is_sensitive(o, name))
            return rd_error(r, RM_EDATA_FIELD, -1,
                            "field '%s' is marked sensitive but also used "
                            "as the %s; sensitive fields are never loaded, "
                            "so map the role to another field",
                            name, role_names[role]);
    }

    char **ignored = NULL;
    r->fields = rm_mallocarray(n ? (size_t)n : 1, sizeof *r->fields);
    if (!r->fields)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        const char *name = OGR_Fld_GetNameRef(fd);
        rm_field_type type;
        if (is_sensitive(o, name) || !column_type(fd, &type)) {
            ignored = CSLAddString(ignored, name);
            continue;
        }
        OGRFieldType ot = OGR_Fld_GetType(fd);
        if (ot != OFTInteger && ot != OFTInteger64 && ot != OFTReal &&
            ot != OFTString && ot != OFTDate && ot != OFTDateTime)
            *arrow_ok = 0;
        /* GDAL before 3.8.2 sets the wrong bits of Arrow booleans
         * (OSGeo/gdal#8998): read such layers feature by feature. */
        if (type == RM_FIELD_BOOL &&
            strtol(GDALVersionInfo("VERSION_NUM"), NULL, 10) < 3080200)
            *arrow_ok = 0;
        int col = rm_layer_add_field(r->out, name, type);
        if (col < 0) {
            CSLDestroy(ignored);
            return rd_error(r, col == RM_ENOMEM ? RM_ENOMEM : RM_EDATA_FIELD,
                            -1,
                            "field '%s' appears twice (names differ only "
                            "in case?); rename one in the source",
                            name);
        }
        rd_field *f = &r->fields[r->n_fields++];
        f->src = i;
        f->col = col;
        f->type = type;
        f->ogr_type = ot;
    }
    if (ignored) {
        OGR_L_SetIgnoredFields(r->lyr, (const char **)ignored);
        CSLDestroy(ignored);
    }
    for (int role = 0; role < RM_ROLE_COUNT; role++) {
        const char *name = o->role_fields[role];
        if (!name)
            continue;
        int src = OGR_FD_GetFieldIndex(defn, name);
        for (int k = 0; k < r->n_fields; k++)
            if (r->fields[k].src == src) {
                rm_layer_set_role(r->out, (rm_role)role, r->fields[k].col);
                if (role == RM_ROLE_TIME)
                    r->time_field = k;
            }
    }
    return RM_OK;
}

/* ---- CRS -------------------------------------------------------------- */

static int setup_crs(rd_reader *r)
{
    const rm_read_options *o = r->opt;
    char *def = NULL;
    OGRSpatialReferenceH srs = r->has_geom ? OGR_L_GetSpatialRef(r->lyr) : NULL;
    if (srs) {
        const char *auth = OSRGetAuthorityName(srs, NULL);
        const char *code = OSRGetAuthorityCode(srs, NULL);
        if (auth && code) {
            def = rm__asprintf("%s:%s", auth, code);
        } else {
            char *wkt = NULL;
            const char *wopt[] = {"FORMAT=WKT2_2019", NULL};
            if (OSRExportToWktEx(srs, &wkt, wopt) == OGRERR_NONE && wkt)
                def = rm__strdup(wkt);
            CPLFree(wkt);
        }
    } else {
        def = rm__strdup(o->source_crs ? o->source_crs : "EPSG:4326");
    }
    if (!def)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    rm_crs *crs = NULL;
    int rc = rm_crs_create(r->ctx, &crs, def);
    free(def);
    if (rc)
        return rd_error(r, RM_ECRS, -1,
                        "the source's CRS is not usable (%s); set the "
                        "source CRS in the briefing",
                        rm_errmsg(r->ctx));
    r->geographic = rm_crs_is_geographic(crs);
    r->src_crs = rm__strdup(rm_crs_definition(crs));
    rm_crs_destroy(crs);
    if (!r->src_crs)
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    if (o->target_crs) {
        rm_crs *t = NULL;
        rc = rm_crs_create(r->ctx, &t, o->target_crs);
        if (rc)
            return rc;
        r->dst_crs = rm__strdup(rm_crs_definition(t));
        rm_crs_destroy(t);
        if (!r->dst_crs)
            return rd_error(r, RM_ENOMEM, -1, "out of memory");
        if (r->has_geom && strcmp(r->dst_crs, r->src_crs) != 0) {
            rc = rm_transform_create(r->ctx, &r->tr, r->src_crs, r->dst_crs);
            if (rc)
                return rc;
        }
    } else {
        r->dst_crs = rm__strdup(r->src_crs);
        if (!r->dst_crs)
            return rd_error(r, RM_ENOMEM, -1, "out of memory");
    }
    return RM_OK;
}

/* ---- filters ---------------------------------------------------------- */

/* Read one feature on this thread so SQL errors surface here. */
static int probe(rd_reader *r, const char *what)
{
    int before = r->cap.n_failures;
    OGRFeatureH f = OGR_L_GetNextFeature(r->lyr);
    if (f)
        OGR_F_Destroy(f);
    OGR_L_ResetReading(r->lyr);
    if (r->cap.n_failures > before)
        return rd_error(r, RM_EDATA_FIELD, -1,
                        "invalid %s (%s); check the field names and the "
                        "OGR SQL syntax",
                        what, rm__gdal_reason(&r->cap));
    return RM_OK;
}

static int setup_filters(rd_reader *r)
{
    const rm_read_options *o = r->opt;
    /* Databases (and indexed files) apply area and period themselves;
     * the features they leave out are counted by a COUNT beforehand. */
    int pushdown = OGR_L_TestCapability(r->lyr, OLCFastSpatialFilter);
    if (o->where && *o->where) {
        if (OGR_L_SetAttributeFilter(r->lyr, o->where) != OGRERR_NONE)
            return rd_error(r, RM_EDATA_FIELD, -1,
                            "invalid where filter \"%s\" (%s); check the "
                            "field names and the OGR SQL syntax",
                            o->where, rm__gdal_reason(&r->cap));
        char what[600];
        snprintf(what, sizeof what, "where filter \"%.500s\"", o->where);
        int rc = probe(r, what);
        if (rc)
            return rc;
    }
    if (o->has_period) {
        if (o->period_start_ms > o->period_end_ms)
            return rd_error(r, RM_EINVAL, -1,
                            "the period ends before it starts; give "
                            "[start, end] in that order");
        if (r->time_field >= 0) {
            if (r->fields[r->time_field].type != RM_FIELD_DATETIME)
                return rd_error(r, RM_EDATA_TYPE, -1,
                                "the time field '%s' holds no dates, so the "
                                "period cannot apply; map time to a date "
                                "or date-time field",
                                o->role_fields[RM_ROLE_TIME]);
            r->period_on = 1;
        } else if (r->gpx) {
            r->period_vertex = 1;
        } else {
            return rd_error(r, RM_EDATA_FIELD, -1,
                            "a period filter needs the layer's time field; "
                            "set time: <field> for this layer");
        }
        /* GeoPackage and SQLite files scan the table for a period all
         * the same (no index on the time field), and GDAL's filtered
         * stream is slower than testing the times here (1 M rows: 0.30
         * against 0.14 s when most pass, alike when few do); databases
         * behind a server get the filter. */
        int local = r->driver && (strcmp(r->driver, "GPKG") == 0 ||
                                  strcmp(r->driver, "SQLite") == 0);
        if (r->period_on && pushdown && !local) {
            if (r->n_before_pushdown < 0)
                r->n_before_pushdown = OGR_L_GetFeatureCount(r->lyr, TRUE);
            /* A day of margin each side covers time zones; the exact
             * test runs in memory. */
            char a[16], b[16];
            format_day(o->period_start_ms, -1, a);
            format_day(o->period_end_ms, 2, b);
            char *name = CPLStrdup(o->role_fields[RM_ROLE_TIME]);
            char *sql;
            if (o->where && *o->where)
                sql = rm__asprintf("(%s) AND (\"%s\" >= '%s' AND \"%s\" < "
                                   "'%s')",
                                   o->where, name, a, name, b);
            else
                sql = rm__asprintf("\"%s\" >= '%s' AND \"%s\" < '%s'", name,
                                   a, name, b);
            CPLFree(name);
            if (!sql)
                return rd_error(r, RM_ENOMEM, -1, "out of memory");
            OGRErr err = OGR_L_SetAttributeFilter(r->lyr, sql);
            free(sql);
            int rc = err == OGRERR_NONE ? probe(r, "period filter") : 1;
            if (rc) { /* keep the in-memory test only */
                rm_error_clear(r->ctx);
                OGR_L_SetAttributeFilter(r->lyr, o->where && *o->where
                                                     ? o->where
                                                     : NULL);
            }
        }
    }
    if (o->has_area) {
        if (!r->has_geom)
            return rd_error(r, RM_EDATA_GEOM, -1,
                            "an area filter needs geometries, and this "
                            "layer has none; remove the area or pick a "
                            "layer with geometry");
        int rc = rd_area_setup(r);
        if (rc)
            return rc;
        /* A source wholly inside the area needs no spatial filter (its
         * extent, when known without a scan, says so); the exact test
         * runs in memory either way. */
        OGREnvelope env;
        if (pushdown && OGR_L_GetExtent(r->lyr, &env, FALSE) == OGRERR_NONE &&
            env.MinX >= r->area_src.minx && env.MaxX <= r->area_src.maxx &&
            env.MinY >= r->area_src.miny && env.MaxY <= r->area_src.maxy)
            pushdown = 0;
        if (pushdown && r->n_before_pushdown < 0)
            r->n_before_pushdown = OGR_L_GetFeatureCount(r->lyr, TRUE);
        if (pushdown)
            OGR_L_SetSpatialFilterRect(r->lyr, r->area_src.minx,
                                       r->area_src.miny, r->area_src.maxx,
                                       r->area_src.maxy);
    }
    return RM_OK;
}

static int dim_of(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbPoint:
    case wkbMultiPoint:
        return RD_DIM_POINT;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
        return RD_DIM_LINE;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
        return RD_DIM_POLY;
    default:
        return RD_DIM_ANY;
    }
}

/* ---- the whole read --------------------------------------------------- */

static void log_report(rd_reader *r)
{
    const rm_read_report *p = &r->rep;
    char ids[128];
    if (p->n_dropped) {
        size_t k = p->n_dropped < RM_READ_REPORT_IDS ? p->n_dropped
                                                     : RM_READ_REPORT_IDS;
        size_t len = 0;
        ids[0] = '\0';
        for (size_t i = 0; i < k && len < sizeof ids; i++)
            len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%lld",
                                    i ? ", " : "",
                                    (long long)p->dropped_fids[i]);
        rm_log(r->ctx, RM_LOG_WARN,
               "%s, layer '%s': dropped %zu features with empty, NaN, "
               "out-of-range or other-dimension geometry (ids %s%s)",
               r->source, r->layer, p->n_dropped, ids,
               p->n_dropped > k ? ", ..." : "");
    }
    if (p->n_repaired) {
        size_t k = p->n_repaired < RM_READ_REPORT_IDS ? p->n_repaired
                                                      : RM_READ_REPORT_IDS;
        size_t len = 0;
        ids[0] = '\0';
        for (size_t i = 0; i < k && len < sizeof ids; i++)
            len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%lld",
                                    i ? ", " : "",
                                    (long long)p->repaired_fids[i]);
        rm_log(r->ctx, RM_LOG_WARN,
               "%s, layer '%s': repaired %zu invalid geometries (ids %s%s)",
               r->source, r->layer, p->n_repaired, ids,
               p->n_repaired > k ? ", ..." : "");
    }
}

static int read_vector(rd_reader *r)
{
    const rm_read_options *o = r->opt;
    if (o->layer) {
        r->lyr = GDALDatasetGetLayerByName(r->ds, o->layer);
        if (!r->lyr) {
            char *list = layer_list(r->ds);
            int rc = rd_error(r, RM_EIO_LAYER, -1,
                              "no layer '%s'; available layers: %s; check "
                              "the layer name in the briefing",
                              o->layer, list ? list : "?");
            free(list);
            return rc;
        }
    } else {
        r->lyr = GDALDatasetGetLayer(r->ds, 0);
    }
    r->layer = OGR_L_GetName(r->lyr);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->lyr);
    r->has_geom = OGR_FD_GetGeomFieldCount(defn) > 0;
    if (!r->has_geom && r->driver && strcmp(r->driver, "CSV") == 0)
        return rd_error(r, RM_EDATA_GEOM, -1,
                        "the CSV has no coordinates; set the x and y fields "
                        "or the WKT field of this layer in the briefing");
    r->want_dim = r->has_geom ? dim_of(OGR_L_GetGeomType(r->lyr))
                              : RD_DIM_POINT;
    if (r->driver && strcmp(r->driver, "GPX") == 0 &&
        strcmp(r->layer, "tracks") == 0) {
        int rc = rd_gpx_load(r);
        if (rc)
            return rc;
    }

    int rc = rm_layer_create(&r->out, o->label ? o->label : r->layer,
                             RM_GEOM_POINT);
    if (rc)
        return rd_error(r, rc, -1, "cannot create the layer");
    int arrow_ok = 1;
    if ((rc = setup_fields(r, &arrow_ok)) || (rc = setup_crs(r)))
        return rc;
    GIntBig hint = OGR_L_GetFeatureCount(r->lyr, FALSE);
    if ((rc = setup_filters(r)))
        return rc;
    /* Size the arrays once when the count is known. A filter may keep
     * fewer rows: the pages of rows never filled are never touched (the
     * arrays are fresh mappings, faulted ahead only when every row will
     * be filled), and the capacity is fitted to the rows kept at the end. */
    int filtered = (o->where && *o->where) || o->has_area || o->has_period;
    if (hint > 0 && hint < ((GIntBig)1 << 31)) {
        size_t h = (size_t)hint;
        r->sized_exact = !filtered;
        rc = rd_layer_reserve(r, h, r->want_dim == RD_DIM_POINT ? h : 0,
                              r->want_dim == RD_DIM_POINT ? h : 0, 0);
        if (rc)
            return rc;
        rd_pages_plan(r);
    }

    rc = 1;
    if (arrow_ok && r->n_fields > 0 && !r->gpx &&
        OGR_L_TestCapability(r->lyr, OLCFastGetArrowStream))
        rc = rd_read_arrow(r);
    if (rc == 1)
        rc = rd_read_features(r);
    if (rc)
        return rc;
    if ((rc = rd_finish_geometry(r)))
        return rc;
    if (filtered && rd_layer_fit(r->out))
        return rd_error(r, RM_ENOMEM, -1, "out of memory");
    rc = rm_layer_set_crs(r->out, r->has_geom ? r->dst_crs : "");
    if (rc)
        return rd_error(r, rc, -1, "out of memory");
    if (r->n_before_pushdown > (int64_t)r->n_read)
        r->rep.n_filtered +=
            (size_t)(r->n_before_pushdown - (int64_t)r->n_read);
    r->rep.n_kept = r->out->n_features;
    log_report(r);
    if (r->out->n_features == 0) {
        const rm_read_report *p = &r->rep;
        return rd_error(r, RM_EDATA_EMPTY, -1,
                        "no features left to load (%zu read, %zu outside "
                        "the area or period, %zu dropped as unusable); "
                        "check the area, the period and the where filter "
                        "of this layer",
                        r->n_read, p->n_filtered, p->n_dropped);
    }
    return RM_OK;
}

static void reader_free(rd_reader *r)
{
    rd_proj_free(r);
    rd_gpx_free(r);
    rd_geom_cleanup(r);
    rm_transform_destroy(r->tr);
    free(r->fields);
    free(r->src_crs);
    free(r->dst_crs);
}

int rm_io_read(rm_context *ctx, rm_layer **out, const char *source,
               const rm_read_options *opt, rm_read_report *report)
{
    static const rm_read_options defaults = RM_READ_OPTIONS_INIT;
    *out = NULL;
    if (report)
        memset(report, 0, sizeof *report);
    if (!source || !*source)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no source given; set source: <path> for the "
                         "layer");
    if (!opt)
        opt = &defaults;
    rd_reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.opt = opt;
    r.source = source;
    r.time_field = -1;
    r.n_before_pushdown = -1;

    rm__gdal_register();
    rm__gdal_capture_begin(&r.cap);
    char **oo = NULL;
    int rc = RM_OK;
    GDALDriverH drv = GDALIdentifyDriverEx(source, GDAL_OF_VECTOR, NULL,
                                           NULL);
    if (drv && strcmp(GDALGetDriverShortName(drv), "CSV") == 0)
        rc = csv_options(&r, &oo);
    if (!rc) {
        r.ds = rm__gdal_open_source(source, oo);
        if (!r.ds) {
            rm_location loc = rm__loc_data(source, NULL, -1);
            rc = rm__error(ctx, RM_EIO_OPEN, &loc,
                           "cannot open '%s': %s; check the path (relative "
                           "to the briefing)",
                           source, rm__gdal_reason(&r.cap));
        }
    }
    CSLDestroy(oo);
    if (!rc) {
        GDALDriverH d = GDALGetDatasetDriver(r.ds);
        r.driver = d ? GDALGetDriverShortName(d) : "";
        if (GDALDatasetGetLayerCount(r.ds) > 0)
            rc = read_vector(&r);
        else if (GDALGetRasterCount(r.ds) > 0)
            rc = rd_read_raster(ctx, &r.out, source, r.ds, opt);
        else
            rc = rd_error(&r, RM_EIO_LAYER, -1,
                          "the source holds neither vector layers nor "
                          "raster bands; check the path");
    }
    if (report)
        *report = r.rep;
    rd_proj_free(&r); /* its thread stops before the arrays can go */
    if (rc) {
        rm_layer_destroy(r.out);
        r.out = NULL;
    }
    *out = r.out;
    reader_free(&r);
    if (r.ds)
        GDALClose(r.ds);
    rm__gdal_capture_end(&r.cap);
    return rc;
}
