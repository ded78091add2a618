/* run() makes a raster output, then leaves a helper process behind that
 * still maps its cells for writing and could change them after the host
 * has checked them: the host must refuse the output. */
#include <unistd.h>

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
        cells[i] = i;
    if (fork() == 0)
        for (;;) {
            cells[0] += 1.0; /* keeps writing what it handed over */
            sleep(1);
        }
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "rasterkeep", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(rasterkeep, fill)
