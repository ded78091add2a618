/*
 * The buffer plugin: the zone within `distance` of every feature of a
 * layer, as polygons carrying the source fid and attributes, or dissolved
 * into one feature. It proves the plugin ABI end to end: only plugin.h,
 * plus GEOS through its own reentrant handle.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer_geos.h"
#include "routemap/errors.h"
#include "routemap/plugin.h"

#define PROGRESS_EVERY 1024

static const rm_param_desc PARAMS[] = {
    {"input", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL,
     RM_ACCEPT_VECTOR,
     "The layer to buffer: points, lines or polygons."},
    {"distance", RM_PARAM_DISTANCE, "m", "1000", 0, 0, NAN, NULL, 0,
     "How far the zone reaches from each feature; '500 m', '2.5 km' or a "
     "plain number of metres."},
    {"segments", RM_PARAM_INT, NULL, "8", 0, 1, 64, NULL, 0,
     "Line segments per quarter circle on rounded corners; more is "
     "smoother and slower."},
    {"dissolve", RM_PARAM_BOOL, NULL, "false", 0, NAN, NAN, NULL, 0,
     "Merge all zones into one feature (overlaps become one area)."},
};

static const rm_output_desc OUTPUTS[] = {
    {"buffers", RM_GEOM_POLYGON,
     "One zone per input feature with its fid and attributes, or one "
     "dissolved zone with the field 'sources' (number of input "
     "features)."},
};

static const char HELP[] =
    "Units: the buffer is computed in the run's analysis CRS, which is "
    "metric, so `distance` is a ground distance in metres (write '2 km' "
    "for kilometres). Rounded corners are approximated by `segments` "
    "straight segments per quarter circle, with vertices on the true "
    "circle: the zone around a point has 4 * segments sides and an area "
    "about 0.6% below pi * distance^2 at 8 segments, 0.01% below at 64. A "
    "distance of 0 keeps polygons as they are and yields nothing for "
    "points and lines, which have no area. Features without geometry are "
    "skipped.\n";

typedef struct geos_state {
    GEOSContextHandle_t h;
    char msg[512];
} geos_state;

static void geos_error(const char *msg, void *ud)
{
    geos_state *g = ud;
    snprintf(g->msg, sizeof g->msg, "%s", msg ? msg : "");
}

/* Copy the attribute columns of `in` to `out`; field i maps to i. */
static int copy_schema(const rm_host_api *api, const rm_layer *in,
                       rm_layer *out)
{
    int n = api->layer_field_count(in);
    for (int i = 0; i < n; i++)
        if (api->add_field(out, api->layer_field_name(in, i),
                           api->layer_field_type(in, i)) != i)
            return -1;
    return 0;
}

static int copy_row(const rm_host_api *api, const rm_layer *in, size_t row,
                    rm_layer *out)
{
    int n = api->layer_field_count(in);
    for (int i = 0; i < n; i++) {
        if (api->layer_field_is_null(in, i, row))
            continue;
        int rc = 0;
        switch (api->layer_field_type(in, i)) {
        case RM_FIELD_INT:
            rc = api->set_int(out, i, api->layer_field_ints(in, i)[row]);
            break;
        case RM_FIELD_DATETIME:
            rc = api->set_datetime(out, i,
                                   api->layer_field_ints(in, i)[row]);
            break;
        case RM_FIELD_REAL:
            rc = api->set_real(out, i, api->layer_field_reals(in, i)[row]);
            break;
        case RM_FIELD_BOOL:
            rc = api->set_bool(out, i, api->layer_field_bools(in, i)[row]);
            break;
        case RM_FIELD_STRING:
            rc = api->set_string(out, i,
                                 api->layer_field_string(in, i, row));
            break;
        }
        if (rc != RM_OK)
            return -1;
    }
    return 0;
}

typedef struct job {
    const rm_host_api *api;
    rm_step *step;
    geos_state *geos;
    const rm_layer *in;
    rm_layer *out;
    double distance; /* m */
    int segments;
    int dissolve;
} job;

static int geos_fail(job *j, const char *what, long long fid)
{
    return j->api->fail(j->step, RM_EPLUGIN_RUN,
                         "GEOS could not %s feature fid %lld: %s", what, fid,
                         j->geos->msg[0] ? j->geos->msg : "unknown error");
}

/* Buffer feature f; NULL with *rc set on error, NULL with RM_OK if none. */
static GEOSGeometry *buffered(job *j, size_t f, int *rc)
{
    GEOSContextHandle_t h = j->geos->h;
    long long fid = (long long)j->api->layer_fids(j->in)[f];
    int failed = 0;
    *rc = RM_OK;
    GEOSGeometry *g = buffer_feature_geom(j->api, h, j->in, f, &failed);
    if (!g) {
        if (failed)
            *rc = geos_fail(j, "read", fid);
        return NULL;
    }
    GEOSGeometry *b = GEOSBuffer_r(h, g, j->distance, j->segments);
    GEOSGeom_destroy_r(h, g);
    if (!b)
        *rc = geos_fail(j, "buffer", fid);
    return b;
}

static int progress(job *j, size_t f, size_t n)
{
    if (f % PROGRESS_EVERY != 0)
        return RM_OK;
    j->api->progress(j->step, n ? (double)f / (double)n : 1.0);
    if (j->api->cancelled(j->step))
        return j->api->fail(j->step, RM_ECANCELLED, "cancelled");
    return RM_OK;
}

static int each_feature(job *j)
{
    const rm_host_api *api = j->api;
    GEOSContextHandle_t h = j->geos->h;
    size_t n = api->layer_feature_count(j->in);
    const int64_t *fids = api->layer_fids(j->in);
    size_t empty = 0;
    if (copy_schema(api, j->in, j->out))
        return api->fail(j->step, RM_EPLUGIN_RUN,
                         "cannot copy the fields of '%s'",
                         api->layer_name(j->in));
    for (size_t f = 0; f < n; f++) {
        int rc = progress(j, f, n);
        GEOSGeometry *b = rc ? NULL : buffered(j, f, &rc);
        if (rc)
            return rc;
        if (!b || GEOSisEmpty_r(h, b)) {
            empty++;
            if (b)
                GEOSGeom_destroy_r(h, b);
            continue;
        }
        long w = -1;
        if (api->begin_feature(j->out, fids[f]) >= 0 &&
            copy_row(api, j->in, f, j->out) == 0)
            w = buffer_write_polygons(api, h, b, j->out);
        GEOSGeom_destroy_r(h, b);
        if (w < 0)
            return api->fail(j->step, RM_EPLUGIN_RUN,
                             "cannot write the buffer of feature fid %lld",
                             (long long)fids[f]);
    }
    if (empty > 0)
        api->log(j->step, RM_PLUGIN_LOG_INFO,
                 "%zu of %zu features have an empty buffer and were "
                 "skipped", empty, n);
    return RM_OK;
}

static int dissolved(job *j)
{
    const rm_host_api *api = j->api;
    GEOSContextHandle_t h = j->geos->h;
    size_t n = api->layer_feature_count(j->in);
    GEOSGeometry **all = calloc(n ? n : 1, sizeof *all);
    if (!all)
        return api->fail(j->step, RM_ENOMEM, "out of memory");
    size_t k = 0, sources = 0;
    int rc = RM_OK;
    for (size_t f = 0; f < n && rc == RM_OK; f++) {
        rc = progress(j, f, n);
        GEOSGeometry *b = rc ? NULL : buffered(j, f, &rc);
        if (b && !GEOSisEmpty_r(h, b))
            all[k++] = b, sources++;
        else if (b)
            GEOSGeom_destroy_r(h, b);
    }
    GEOSGeometry *u = NULL;
    if (rc == RM_OK && k > 0) {
        GEOSGeometry *coll = GEOSGeom_createCollection_r(
            h, GEOS_GEOMETRYCOLLECTION, all, (unsigned)k);
        if (!coll) {
            rc = geos_fail(j, "collect", -1);
        } else {
            k = 0; /* now owned by coll */
            u = GEOSUnaryUnion_r(h, coll);
            GEOSGeom_destroy_r(h, coll);
            if (!u)
                rc = geos_fail(j, "dissolve", -1);
        }
    }
    for (size_t i = 0; i < k; i++)
        GEOSGeom_destroy_r(h, all[i]);
    free(all);
    int field = rc == RM_OK
                    ? api->add_field(j->out, "sources", RM_FIELD_INT)
                    : -1;
    if (rc == RM_OK && field < 0)
        rc = api->fail(j->step, RM_EPLUGIN_RUN, "cannot add a field");
    if (rc == RM_OK && u && !GEOSisEmpty_r(h, u)) {
        if (api->begin_feature(j->out, 1) < 0 ||
            api->set_int(j->out, field, (int64_t)sources) != RM_OK ||
            buffer_write_polygons(api, h, u, j->out) < 0)
            rc = api->fail(j->step, RM_EPLUGIN_RUN,
                           "cannot write the dissolved buffer");
    }
    if (u)
        GEOSGeom_destroy_r(h, u);
    return rc;
}

static int run(const rm_host_api *api, rm_step *step)
{
    job j;
    memset(&j, 0, sizeof j);
    j.api = api;
    j.step = step;
    j.in = api->param_layer(step, "input");
    j.distance = api->param_real(step, "distance");
    j.segments = (int)api->param_int(step, "segments");
    j.dissolve = api->param_bool(step, "dissolve");
    if (!j.in)
        return api->fail(step, RM_EPLUGIN_RUN, "no input layer was given");
    rm_geom_type t = api->layer_geom_type(j.in);
    if (t != RM_GEOM_POINT && t != RM_GEOM_LINE && t != RM_GEOM_POLYGON)
        return api->fail(step, RM_EPLUGIN_RUN,
                         "layer '%s' has no vector geometry to buffer",
                         api->layer_name(j.in));
    if (!isfinite(j.distance) || j.distance < 0)
        return api->fail(step, RM_EPLUGIN_RUN, "distance must be >= 0 m");
    geos_state geos;
    memset(&geos, 0, sizeof geos);
    geos.h = GEOS_init_r();
    if (!geos.h)
        return api->fail(step, RM_ENOMEM, "cannot start GEOS");
    GEOSContext_setErrorMessageHandler_r(geos.h, geos_error, &geos);
    GEOSContext_setNoticeMessageHandler_r(geos.h, NULL, NULL);
    j.geos = &geos;
    j.out = api->output_vector(step, "buffers");
    int rc;
    if (!j.out)
        rc = api->fail(step, RM_EPLUGIN_RUN, "cannot create the output");
    else
        rc = j.dissolve ? dissolved(&j) : each_feature(&j);
    if (rc == RM_OK)
        api->progress(step, 1.0);
    GEOS_finish_r(geos.h);
    return rc;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "buffer";
    d.version = "1.0.0";
    d.summary = "Zones within a distance of features (optionally merged)";
    d.license = "Apache-2.0";
    d.params = PARAMS;
    d.n_params = sizeof PARAMS / sizeof PARAMS[0];
    d.outputs = OUTPUTS;
    d.n_outputs = sizeof OUTPUTS / sizeof OUTPUTS[0];
    d.run = run;
    d.help = HELP;
    *out = d;
    return 0;
}

RM_PLUGIN_DEFINE(buffer, fill)
