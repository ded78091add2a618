/* run() makes a 3 x 2 raster whose cells count 0.25, 1.25, ... 5.25 row
 * by row: a well-behaved raster output, for the way rasters cross from
 * the plugin's process to the host. */
#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"grid", RM_GEOM_RASTER, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    const double gt[6] = {500000.0, 1000.0, 0.0, 1600000.0, 0.0, -1000.0};
    rm_layer *l = api->output_raster(step, "grid", 3, 2, gt);
    double *cells = l ? api->raster_data(l) : NULL;
    if (!cells)
        return RM_ENOMEM;
    for (int i = 0; i < 6; i++)
        cells[i] = i + 0.25;
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "raster", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(raster, fill)
