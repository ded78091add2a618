/*
 * A well-behaved plugin with two big outputs, "points" and "again", alike
 * (40,000 points, about 2 MB serialized each): feature i has fid 1000 + i,
 * the point (i, 2i), "sq" = i * i and "name" = "p<i>", NULL on every
 * seventh. Big enough for the child to leave them in its memory for the
 * host to read, and for the host to decode one beside the other.
 */
#include <stdio.h>

#include "fixture.h"

#define BULK_POINTS 40000

static const rm_output_desc OUTPUTS[] = {
    {"points", RM_GEOM_POINT, NULL},
    {"again", RM_GEOM_POINT, NULL},
};

static void fill_points(const rm_host_api *api, rm_layer *l)
{
    int fq = api->add_field(l, "sq", RM_FIELD_INT);
    int fn = api->add_field(l, "name", RM_FIELD_STRING);
    for (int i = 0; i < BULK_POINTS; i++) {
        double xy[2] = {i, 2.0 * i};
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        api->begin_feature(l, 1000 + i);
        api->add_part(l, xy, 1, NULL, 1);
        api->set_int(l, fq, (int64_t)i * i);
        if (i % 7)
            api->set_string(l, fn, name);
    }
}

static int run(const rm_host_api *api, rm_step *step)
{
    fill_points(api, api->output_vector(step, "points"));
    fill_points(api, api->output_vector(step, "again"));
    return RM_OK;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    fixture_desc(out, "bulk", run);
    out->outputs = OUTPUTS;
    out->n_outputs = 2;
    return RM_OK;
}

RM_PLUGIN_DEFINE(bulk, fill)
