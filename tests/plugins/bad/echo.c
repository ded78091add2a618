/*
 * A well-behaved plugin that exercises the whole table: every field type,
 * per-vertex times, a raster, notes, log lines and progress, so a run in
 * a child can be compared with a run in process.
 */
#include "fixture.h"

static const rm_param_desc PARAMS[] = {
    {"label", RM_PARAM_STRING, NULL, "none", 0, NAN, NAN, NULL, 0, NULL},
    {"weights", RM_PARAM_REAL | RM_PARAM_LIST, NULL, "1,2", 0, NAN, NAN,
     NULL, 0, NULL},
};

static const rm_output_desc OUTPUTS[] = {
    {"tracks", RM_GEOM_LINE, NULL},
    {"grid", RM_GEOM_RASTER, NULL},
    {"unused", RM_GEOM_POINT, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    static const double xy[] = {0, 0, 3, 4, 6, 8};
    static const double t[] = {100, 200, 300};
    static const double gt[6] = {500, 10, 0, 800, 0, -10};
    rm_layer *l = api->output_vector(step, "tracks");
    int fi = api->add_field(l, "n", RM_FIELD_INT);
    int fr = api->add_field(l, "w", RM_FIELD_REAL);
    int fs = api->add_field(l, "label", RM_FIELD_STRING);
    int fd = api->add_field(l, "when", RM_FIELD_DATETIME);
    int fb = api->add_field(l, "ok", RM_FIELD_BOOL);
    for (int k = 0; k < 2; k++) {
        api->begin_feature(l, 40 + k);
        api->add_part(l, xy, 3, t, 1);
        api->set_int(l, fi, k + 1);
        api->set_real(l, fr, api->param_list_real(step, "weights",
                                                  (size_t)k));
        api->set_string(l, fs, api->param_string(step, "label"));
        api->set_datetime(l, fd, 1751328000000LL + k);
        api->set_bool(l, fb, k);
        api->progress(step, 0.5 * (k + 1));
    }
    rm_layer *g = api->output_raster(step, "grid", 3, 2, gt);
    double *c = api->raster_data(g);
    for (int i = 0; i < 6; i++)
        c[i] = i == 4 ? NAN : i * 1.5;
    api->log(step, RM_PLUGIN_LOG_WARN, "echoed %d features", 2);
    api->manifest_note(step, "convention", "chainage from the west end");
    api->manifest_note(step, "crs", api->analysis_crs(step));
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "echo", run);
    out->params = PARAMS;
    out->n_params = 2;
    out->outputs = OUTPUTS;
    out->n_outputs = 3;
    return RM_OK;
}

RM_PLUGIN_DEFINE(echo, fill)
