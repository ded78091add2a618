/*
 * A plugin built against the frozen v1 headers only (tests/abi/v1), loaded
 * by the current host in test_abi_v1_plugin. It calls nearly every v1
 * member of the host table and writes what each returned into its
 * outputs, so a moved or retyped slot shows as a wrong value or a crash.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "routemap/plugin.h"

static const rm_param_desc PARAMS[] = {
    {"input", RM_PARAM_LAYER, NULL, NULL, 1, NAN, NAN, NULL,
     RM_ACCEPT_POINT, "Points to copy."},
    {"shift", RM_PARAM_DISTANCE, "km", "1", 0, NAN, NAN, NULL, 0,
     "Eastward shift."},
    {"times", RM_PARAM_INT, NULL, "2", 0, 1, 10, NULL, 0, "An integer."},
    {"factor", RM_PARAM_REAL, NULL, "0.5", 0, NAN, NAN, NULL, 0,
     "Multiplies the field w."},
    {"flag", RM_PARAM_BOOL, NULL, "false", 0, NAN, NAN, NULL, 0, "A bool."},
    {"label", RM_PARAM_STRING, NULL, "v1", 0, NAN, NAN, NULL, 0, "Text."},
    {"mode", RM_PARAM_ENUM, NULL, "copy", 0, NAN, NAN, "copy|count", 0,
     "An enum."},
    {"list", RM_PARAM_REAL | RM_PARAM_LIST, NULL, "1,2,3", 0, NAN, NAN,
     NULL, 0, "Numbers to add up."},
    {"names", RM_PARAM_STRING | RM_PARAM_LIST, NULL, "a", 0, NAN, NAN,
     NULL, 0, "Words; the last one is kept."},
    {"span", RM_PARAM_DURATION, "h", "2", 0, NAN, NAN, NULL, 0,
     "A duration."},
    {"extra", RM_PARAM_LAYER | RM_PARAM_LIST, NULL, NULL, 0, NAN, NAN, NULL,
     0, "Layers whose feature counts are added up."},
};

static const rm_output_desc OUTPUTS[] = {
    {"moved", RM_GEOM_POINT, "Input points shifted, with what the host "
                             "answered."},
    {"grid", RM_GEOM_RASTER, "3 x 2 cells holding row * 10 + column."},
};

static int fields(const rm_host_api *api, rm_layer *out)
{
    static const struct {
        const char *name;
        rm_field_type type;
    } F[] = {
        {"fid_in", RM_FIELD_INT},  {"k", RM_FIELD_INT},
        {"f", RM_FIELD_REAL},      {"flag", RM_FIELD_BOOL},
        {"label", RM_FIELD_STRING}, {"mode", RM_FIELD_STRING},
        {"sum", RM_FIELD_REAL},    {"n_list", RM_FIELD_INT},
        {"span", RM_FIELD_REAL},   {"when", RM_FIELD_DATETIME},
        {"tag", RM_FIELD_STRING},  {"info", RM_FIELD_STRING},
        {"stats", RM_FIELD_STRING}, {"wsum", RM_FIELD_REAL},
        {"crs", RM_FIELD_STRING},  {"extra", RM_FIELD_INT},
    };
    for (int i = 0; i < (int)(sizeof F / sizeof F[0]); i++)
        if (api->add_field(out, F[i].name, F[i].type) != i)
            return -1;
    return 0;
}

static int run(const rm_host_api *api, rm_step *step)
{
    if (api->abi_major != RM_PLUGIN_ABI_MAJOR ||
        !RM_API_HAS(api, manifest_note))
        return api->fail(step, RM_EPLUGIN_ABI, "host table too small");
    const rm_layer *in = api->param_layer(step, "input");
    if (api->cancelled(step))
        return api->fail(step, RM_ECANCELLED, "cancelled");
    api->log(step, RM_PLUGIN_LOG_INFO, "v1 plugin reading %s",
             api->layer_name(in));
    double shift = api->param_real(step, "shift") * 1000.0; /* km -> m */
    int64_t times = api->param_int(step, "times");
    double factor = api->param_real(step, "factor");
    int flag = api->param_bool(step, "flag");
    const char *label = api->param_string(step, "label");
    const char *mode = api->param_string(step, "mode");
    double sum = 0;
    size_t n_list = api->param_count(step, "list");
    for (size_t i = 0; i < n_list; i++)
        sum += api->param_list_real(step, "list", i);
    size_t n_names = api->param_count(step, "names");
    const char *last_name =
        api->param_list_string(step, "names", n_names - 1);
    int64_t extra = 0;
    for (size_t i = 0; i < api->param_count(step, "extra"); i++)
        extra += (int64_t)api->layer_feature_count(
            api->param_list_layer(step, "extra", i));
    int w = api->layer_field_index(in, "w");
    int tag = api->layer_field_index(in, "tag");
    int ok = api->param_is_set(step, "label") &&
             api->layer_geom_type(in) == RM_GEOM_POINT && w >= 0 &&
             tag >= 0 && api->layer_field_type(in, w) == RM_FIELD_REAL &&
             strcmp(api->layer_field_name(in, tag), "tag") == 0 &&
             api->layer_field_count(in) == 2 &&
             api->layer_role_field(in, RM_ROLE_WEIGHT) == w &&
             api->layer_vertex_times(in) == NULL;
    if (!ok)
        return api->fail(step, RM_EPLUGIN_RUN, "unexpected input layer");
    rm_bbox ext = api->layer_extent(in);
    rm_bbox area = api->analysis_area(step);
    char info[160], stats[160];
    /* layer_part_count, layer_coord_count, extent and the area. */
    snprintf(info, sizeof info, "%zu %zu %g %g %g %g %s",
             api->layer_part_count(in), api->layer_coord_count(in),
             ext.minx, ext.miny, ext.maxx, ext.maxy,
             isnan(area.minx) ? "noarea" : "area");
    rm_layer *out = api->output_vector(step, "moved");
    if (!out || fields(api, out) != 0)
        return api->fail(step, RM_EPLUGIN_RUN, "cannot make 'moved'");
    size_t n = api->layer_feature_count(in);
    const int64_t *fids = api->layer_fids(in);
    const int64_t *fo = api->layer_feature_offsets(in);
    const int64_t *po = api->layer_part_offsets(in);
    const uint8_t *outer = api->layer_part_outer(in);
    const double *xy = api->layer_xy(in);
    const double *wv = api->layer_field_reals(in, w);
    double wsum = 0;
    for (size_t f = 0; f < n; f++) {
        const double *p = xy + 2 * po[fo[f]];
        double moved[2] = {p[0] + shift, p[1]};
        int nulls = api->layer_field_is_null(in, w, f);
        snprintf(stats, sizeof stats, "outer=%d null=%d",
                 outer ? outer[fo[f]] : -1, nulls);
        if (!nulls)
            wsum += wv[f];
        int rc = api->begin_feature(out, fids[f]) < 0;
        rc |= api->add_part(out, moved, 1, NULL, 1);
        rc |= api->set_int(out, 0, fids[f]);
        rc |= api->set_int(out, 1, times);
        if (!nulls)
            rc |= api->set_real(out, 2,
                                factor * api->layer_field_as_real(in, w, f));
        rc |= api->set_bool(out, 3, flag);
        rc |= api->set_string(out, 4, label);
        rc |= api->set_string(out, 5, mode);
        rc |= api->set_real(out, 6, sum);
        rc |= api->set_int(out, 7, (int64_t)n_list);
        rc |= api->set_real(out, 8, api->param_real(step, "span"));
        rc |= api->set_datetime(out, 9, 86400000 * times);
        rc |= api->set_string(out, 10, api->layer_field_string(in, tag, f));
        rc |= api->set_string(out, 11, f == 0 ? info : last_name);
        rc |= api->set_string(out, 12, stats);
        rc |= api->set_real(out, 13, wsum);
        rc |= api->set_string(out, 14, api->analysis_crs(step));
        rc |= api->set_int(out, 15, extra);
        if (rc != 0)
            return api->fail(step, RM_EPLUGIN_RUN, "cannot write");
        api->progress(step, (double)(f + 1) / (double)(n + 1));
    }
    double gt[6] = {0, 10, 0, 20, 0, -10};
    rm_layer *grid = api->output_raster(step, "grid", 3, 2, gt);
    double *cells = grid ? api->raster_data(grid) : NULL;
    if (!cells || api->raster_width(grid) != 3 ||
        api->raster_height(grid) != 2 ||
        api->raster_geotransform(grid)[5] != -10 ||
        api->raster_cdata(grid) != cells)
        return api->fail(step, RM_EPLUGIN_RUN, "cannot make 'grid'");
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            cells[r * 3 + c] = r * 10 + c;
    api->manifest_note(step, "built_against", "v1 frozen headers");
    api->progress(step, 1.0);
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "abiv1";
    d.version = "1.0.0";
    d.summary = "Built against the frozen ABI 1.0 headers";
    d.license = "Apache-2.0";
    d.params = PARAMS;
    d.n_params = sizeof PARAMS / sizeof PARAMS[0];
    d.outputs = OUTPUTS;
    d.n_outputs = sizeof OUTPUTS / sizeof OUTPUTS[0];
    d.run = run;
    d.help = "Test fixture.";
    *out = d;
    return 0;
}

RM_PLUGIN_DEFINE(abiv1, fill)
