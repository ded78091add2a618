/*
 * A well-behaved plugin with one big output (20,000 points, about 1 MB
 * serialized): feature i has fid 1000 + i, the point (i, 2i), "sq" = i * i
 * and "name" = "p<i>", NULL on every seventh. Big enough for the child to
 * leave it in its memory for the host to read.
 */
#include <stdio.h>

#include "fixture.h"

static const rm_output_desc OUTPUTS[] = {
    {"points", RM_GEOM_POINT, NULL},
};

static int run(const rm_host_api *api, rm_step *step)
{
    rm_layer *l = api->output_vector(step, "points");
    int fq = api->add_field(l, "sq", RM_FIELD_INT);
    int fn = api->add_field(l, "name", RM_FIELD_STRING);
    for (int i = 0; i < 20000; i++) {
        double xy[2] = {i, 2.0 * i};
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        api->begin_feature(l, 1000 + i);
        api->add_part(l, xy, 1, NULL, 1);
        api->set_int(l, fq, (int64_t)i * i);
        if (i % 7)
            api->set_string(l, fn, name);
    }
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "bulk", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 1;
    return RM_OK;
}

RM_PLUGIN_DEFINE(bulk, fill)
