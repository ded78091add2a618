/*
 * `inspect`: a summary of any GDAL/OGR source in the manner of
 * `ogrinfo -so` (per vector layer its geometry type, feature count,
 * fields, CRS and extent; for a raster its size, bands, data type, CRS and
 * extent), as aligned text or as a JSON array. Read-only: the source is
 * opened read-only and nothing is cached.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io/io_internal.h"
#include "routemap/io.h"
#include "util/util.h"

#define MAX_FIELDS_SHOWN 100000

/* One described layer (vector or raster), filled before formatting. */
typedef struct summary {
    char name[512];
    char geom[64];      /* "Point", "MultiPolygon", ..., "raster" */
    long long features; /* -1 for rasters */
    int n_fields;
    char **field_names; /* CPL-free'd by summary_free */
    char **field_types;
    char crs[64];        /* "EPSG:32631", or "" */
    char crs_name[256];  /* "WGS 84 / UTM zone 31N", or "" */
    int has_extent;
    double extent[4];    /* minx, miny, maxx, maxy in CRS units */
    int width, height, bands;
    char data_type[32];
} summary;

static void summary_free(summary *s)
{
    for (int i = 0; i < s->n_fields; i++) {
        free(s->field_names[i]);
        free(s->field_types[i]);
    }
    free(s->field_names);
    free(s->field_types);
    s->field_names = s->field_types = NULL;
    s->n_fields = 0;
}

static const char *flat_type_name(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbNone:
        return "None";
    case wkbPoint:
        return "Point";
    case wkbLineString:
        return "LineString";
    case wkbPolygon:
        return "Polygon";
    case wkbMultiPoint:
        return "MultiPoint";
    case wkbMultiLineString:
        return "MultiLineString";
    case wkbMultiPolygon:
        return "MultiPolygon";
    case wkbGeometryCollection:
        return "GeometryCollection";
    case wkbCircularString:
        return "CircularString";
    case wkbCompoundCurve:
        return "CompoundCurve";
    case wkbCurvePolygon:
        return "CurvePolygon";
    case wkbMultiCurve:
        return "MultiCurve";
    case wkbMultiSurface:
        return "MultiSurface";
    default:
        return "Unknown";
    }
}

static void geom_name(OGRwkbGeometryType t, char out[64])
{
    const char *dims = OGR_GT_HasZ(t) && OGR_GT_HasM(t) ? " ZM"
                       : OGR_GT_HasZ(t)                 ? " Z"
                       : OGR_GT_HasM(t)                 ? " M"
                                                        : "";
    snprintf(out, 64, "%s%s", flat_type_name(t), dims);
}

/* CRS identifiers of `srs` (may be NULL) into the summary. */
static void describe_crs(OGRSpatialReferenceH srs, summary *s)
{
    s->crs[0] = s->crs_name[0] = '\0';
    if (!srs)
        return;
    const char *name = OSRGetName(srs);
    snprintf(s->crs_name, sizeof s->crs_name, "%s", name ? name : "");
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) {
        snprintf(s->crs, sizeof s->crs, "%s:%s", auth, code);
        return;
    }
    OGRSpatialReferenceH c = OSRClone(srs);
    if (c && OSRAutoIdentifyEPSG(c) == OGRERR_NONE) {
        auth = OSRGetAuthorityName(c, NULL);
        code = OSRGetAuthorityCode(c, NULL);
        if (auth && code)
            snprintf(s->crs, sizeof s->crs, "%s:%s", auth, code);
    }
    if (c)
        OSRRelease(c);
}

static int describe_vector(rm_context *ctx, OGRLayerH l, summary *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", OGR_L_GetName(l));
    geom_name(OGR_L_GetGeomType(l), s->geom);
    s->features = (long long)OGR_L_GetFeatureCount(l, TRUE);
    describe_crs(OGR_L_GetSpatialRef(l), s);
    OGREnvelope env;
    if (OGR_L_GetGeomType(l) != wkbNone &&
        OGR_L_GetExtent(l, &env, TRUE) == OGRERR_NONE) {
        s->has_extent = 1;
        s->extent[0] = env.MinX;
        s->extent[1] = env.MinY;
        s->extent[2] = env.MaxX;
        s->extent[3] = env.MaxY;
    }
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    int n = OGR_FD_GetFieldCount(d);
    if (n > MAX_FIELDS_SHOWN)
        n = MAX_FIELDS_SHOWN;
    if (n > 0) {
        s->field_names = rm_callocarray((size_t)n, sizeof(char *));
        s->field_types = rm_callocarray((size_t)n, sizeof(char *));
        if (!s->field_names || !s->field_types)
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(d, i);
        OGRFieldSubType sub = OGR_Fld_GetSubType(fd);
        s->field_names[i] = rm__strdup(OGR_Fld_GetNameRef(fd));
        s->field_types[i] =
            sub == OFSTNone
                ? rm__strdup(OGR_GetFieldTypeName(OGR_Fld_GetType(fd)))
                : rm__asprintf("%s(%s)",
                               OGR_GetFieldTypeName(OGR_Fld_GetType(fd)),
                               OGR_GetFieldSubTypeName(sub));
        s->n_fields = i + 1;
        if (!s->field_names[i] || !s->field_types[i])
            return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    }
    return RM_OK;
}

static void describe_raster(GDALDatasetH ds, const char *source, summary *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", CPLGetFilename(source));
    snprintf(s->geom, sizeof s->geom, "raster");
    s->features = -1;
    s->width = GDALGetRasterXSize(ds);
    s->height = GDALGetRasterYSize(ds);
    s->bands = GDALGetRasterCount(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    snprintf(s->data_type, sizeof s->data_type, "%s",
             b ? GDALGetDataTypeName(GDALGetRasterDataType(b)) : "");
    describe_crs(GDALGetSpatialRef(ds), s);
    double gt[6];
    if (GDALGetGeoTransform(ds, gt) == CE_None) {
        /* The four corners, so rotated rasters are enclosed too. */
        double cx[4] = {0, s->width, 0, s->width};
        double cy[4] = {0, 0, s->height, s->height};
        s->extent[0] = s->extent[1] = INFINITY;
        s->extent[2] = s->extent[3] = -INFINITY;
        for (int i = 0; i < 4; i++) {
            double x = gt[0] + cx[i] * gt[1] + cy[i] * gt[2];
            double y = gt[3] + cx[i] * gt[4] + cy[i] * gt[5];
            s->extent[0] = fmin(s->extent[0], x);
            s->extent[1] = fmin(s->extent[1], y);
            s->extent[2] = fmax(s->extent[2], x);
            s->extent[3] = fmax(s->extent[3], y);
        }
        s->has_extent = 1;
    }
}

/* ---- formatting -------------------------------------------------------- */

static void json_number(rm_strbuf *sb, double v)
{
    if (isfinite(v))
        rm_strbuf_printf(sb, "%.17g", v);
    else
        rm_strbuf_append(sb, "null");
}

static void json_summary(rm_strbuf *sb, const summary *s)
{
    rm_strbuf_append(sb, "  {\"name\": ");
    rm_strbuf_json_string(sb, s->name);
    rm_strbuf_append(sb, ", \"geometry_type\": ");
    rm_strbuf_json_string(sb, s->geom);
    if (s->features >= 0)
        rm_strbuf_printf(sb, ", \"feature_count\": %lld", s->features);
    else
        rm_strbuf_append(sb, ", \"feature_count\": null");
    rm_strbuf_append(sb, ",\n   \"fields\": [");
    for (int i = 0; i < s->n_fields; i++) {
        rm_strbuf_append(sb, i ? ", {\"name\": " : "{\"name\": ");
        rm_strbuf_json_string(sb, s->field_names[i]);
        rm_strbuf_append(sb, ", \"type\": ");
        rm_strbuf_json_string(sb, s->field_types[i]);
        rm_strbuf_append(sb, "}");
    }
    rm_strbuf_append(sb, "],\n   \"crs\": ");
    if (s->crs[0])
        rm_strbuf_json_string(sb, s->crs);
    else if (s->crs_name[0])
        rm_strbuf_json_string(sb, s->crs_name);
    else
        rm_strbuf_append(sb, "null");
    rm_strbuf_append(sb, ", \"crs_name\": ");
    if (s->crs_name[0])
        rm_strbuf_json_string(sb, s->crs_name);
    else
        rm_strbuf_append(sb, "null");
    rm_strbuf_append(sb, ", \"extent\": ");
    if (s->has_extent) {
        rm_strbuf_append(sb, "[");
        for (int i = 0; i < 4; i++) {
            if (i)
                rm_strbuf_append(sb, ", ");
            json_number(sb, s->extent[i]);
        }
        rm_strbuf_append(sb, "]");
    } else
        rm_strbuf_append(sb, "null");
    if (s->features < 0) {
        rm_strbuf_printf(sb, ",\n   \"width\": %d, \"height\": %d, "
                             "\"bands\": %d, \"data_type\": ",
                         s->width, s->height, s->bands);
        rm_strbuf_json_string(sb, s->data_type);
    }
    rm_strbuf_append(sb, "}");
}

static void text_crs_extent(rm_strbuf *sb, const summary *s)
{
    if (s->crs_name[0] && s->crs[0])
        rm_strbuf_printf(sb, "  CRS:        %s (%s)\n", s->crs_name, s->crs);
    else if (s->crs_name[0] || s->crs[0])
        rm_strbuf_printf(sb, "  CRS:        %s\n",
                         s->crs_name[0] ? s->crs_name : s->crs);
    else
        rm_strbuf_append(sb, "  CRS:        none\n");
    if (s->has_extent)
        rm_strbuf_printf(sb, "  Extent:     (%.15g, %.15g) - (%.15g, %.15g)\n",
                         s->extent[0], s->extent[1], s->extent[2],
                         s->extent[3]);
    else
        rm_strbuf_append(sb, "  Extent:     none\n");
}

static void text_summary(rm_strbuf *sb, const summary *s)
{
    if (s->features < 0) {
        rm_strbuf_printf(sb, "Raster '%s'\n", s->name);
        rm_strbuf_printf(sb, "  Size:       %d x %d pixels, %d band%s, %s\n",
                         s->width, s->height, s->bands,
                         s->bands == 1 ? "" : "s", s->data_type);
        text_crs_extent(sb, s);
        return;
    }
    rm_strbuf_printf(sb, "Layer '%s'\n", s->name);
    rm_strbuf_printf(sb, "  Geometry:   %s\n", s->geom);
    rm_strbuf_printf(sb, "  Features:   %lld\n", s->features);
    text_crs_extent(sb, s);
    if (s->n_fields == 0) {
        rm_strbuf_append(sb, "  Fields:     none\n");
        return;
    }
    int width = 0;
    for (int i = 0; i < s->n_fields; i++) {
        int n = (int)strlen(s->field_names[i]);
        width = n > width ? n : width;
    }
    rm_strbuf_printf(sb, "  Fields:     %d\n", s->n_fields);
    for (int i = 0; i < s->n_fields; i++)
        rm_strbuf_printf(sb, "    %-*s  %s\n", width, s->field_names[i],
                         s->field_types[i]);
}

/* ---- entry ------------------------------------------------------------- */

int rm_io_inspect(rm_context *ctx, const char *source, int json, char **out)
{
    if (out)
        *out = NULL;
    if (!source || !*source || !out)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "inspect needs a data source (file path or "
                         "connection string)");
    rm_location loc = rm__loc_data(source, NULL, -1);
    rm__gdal_register();
    rm__gdal_capture cap;
    rm__gdal_capture_begin(&cap);
    GDALDatasetH ds = rm__gdal_open_source(source, NULL);
    if (!ds) {
        int rc = rm__error(ctx, RM_EIO_OPEN, &loc,
                           "cannot open: %s; check the path and that it "
                           "is a format GDAL reads",
                           rm__gdal_reason(&cap));
        rm__gdal_capture_end(&cap);
        return rc;
    }
    rm_strbuf sb = RM_STRBUF_INIT;
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    const char *dname = drv ? GDALGetDriverShortName(drv) : "unknown";
    if (json)
        rm_strbuf_append(&sb, "[\n");
    else
        rm_strbuf_printf(&sb, "Source '%s' (%s)\n", source, dname);
    int rc = RM_OK, count = 0;
    int nl = GDALDatasetGetLayerCount(ds);
    for (int i = 0; !rc && i <= nl; i++) {
        summary s;
        if (i < nl) {
            OGRLayerH l = GDALDatasetGetLayer(ds, i);
            if (!l)
                continue;
            rc = describe_vector(ctx, l, &s);
        } else if (GDALGetRasterCount(ds) > 0)
            describe_raster(ds, source, &s);
        else
            break;
        if (!rc) {
            if (json) {
                if (count)
                    rm_strbuf_append(&sb, ",\n");
                json_summary(&sb, &s);
            } else {
                rm_strbuf_append(&sb, "\n");
                text_summary(&sb, &s);
            }
            count++;
        }
        summary_free(&s);
    }
    if (json)
        rm_strbuf_append(&sb, count ? "\n]\n" : "]\n");
    else if (count == 0)
        rm_strbuf_append(&sb, "\nno layers\n");
    GDALClose(ds);
    rm__gdal_capture_end(&cap);
    if (!rc && sb.failed)
        rc = rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    if (rc) {
        rm_strbuf_free(&sb);
        return rc;
    }
    *out = rm_strbuf_take(&sb);
    if (!*out)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    return RM_OK;
}
