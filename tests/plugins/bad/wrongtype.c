/* run() creates its declared polygon output as a raster. */
#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"zones", RM_GEOM_POLYGON, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    static const double gt[6] = {0, 10, 0, 100, 0, -10};
    double *cells = NULL;
    rm_layer *l = api->output_raster(step, "zones", 4, 4, gt);
    if (l)
        cells = api->raster_data(l);
    if (cells)
        cells[0] = 1;
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "wrongtype", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(wrongtype, fill)
