/*
 * Writes the seed corpus of the layer decoder fuzz target: serialized
 * layers of every geometry type and field type, with roles, NULLs,
 * vertex times, holes, an empty layer and a raster. Run once by hand
 * (`gen_layer_seeds tests/fuzz/corpus/layer`); the files are committed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "routemap/errors.h"
#include "routemap/layer.h"

static int save(const char *dir, const char *name, const rm_layer *l)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (rm_layer_serialize(l, &buf, &len) != RM_OK)
        return 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int bad = !f || fwrite(buf, 1, len, f) != len;
    if (f && fclose(f) != 0)
        bad = 1;
    free(buf);
    return bad;
}

static rm_layer *points(void)
{
    rm_layer *l;
    if (rm_layer_create(&l, "points", RM_GEOM_POINT))
        return NULL;
    rm_layer_set_crs(l, "EPSG:32631");
    int fi = rm_layer_add_field(l, "n", RM_FIELD_INT);
    int fr = rm_layer_add_field(l, "w", RM_FIELD_REAL);
    int fs = rm_layer_add_field(l, "kind", RM_FIELD_STRING);
    int fd = rm_layer_add_field(l, "when", RM_FIELD_DATETIME);
    int fb = rm_layer_add_field(l, "ok", RM_FIELD_BOOL);
    rm_layer_set_role(l, RM_ROLE_KIND, fs);
    rm_layer_set_role(l, RM_ROLE_TIME, fd);
    for (int i = 0; i < 3; i++) {
        double xy[4] = {500000.0 + i, 1600000.0 - i, 500010.0, 1600010.0};
        rm_layer_begin_feature(l, 10 + i);
        rm_layer_add_part(l, xy, 1, NULL, 1);
        if (i == 2) /* a multi-point */
            rm_layer_add_part(l, xy + 2, 1, NULL, 1);
        rm_layer_set_int(l, fi, i * 1000);
        if (i != 1) {
            rm_layer_set_real(l, fr, 0.5 * i);
            rm_layer_set_string(l, fs, i ? "gold" : "fuel — ü");
        }
        rm_layer_set_datetime(l, fd, 1782864000000LL + i);
        rm_layer_set_bool(l, fb, i & 1);
    }
    return l;
}

static rm_layer *lines(void)
{
    rm_layer *l;
    if (rm_layer_create(&l, "tracks", RM_GEOM_LINE))
        return NULL;
    int fi = rm_layer_add_field(l, "id", RM_FIELD_INT);
    rm_layer_set_role(l, RM_ROLE_ID, fi);
    double xy[8] = {0, 0, 1, 1, 2, 0, 3, 1};
    double t[4] = {100, 200, 300, 400};
    rm_layer_begin_feature(l, 40);
    rm_layer_add_part(l, xy, 4, t, 1);
    rm_layer_set_int(l, fi, 40);
    rm_layer_begin_feature(l, 41);
    rm_layer_add_part(l, xy, 2, t, 1);
    rm_layer_add_part(l, xy + 4, 2, t + 2, 1);
    rm_layer_set_int(l, fi, 41);
    return l;
}

static rm_layer *polygons(void)
{
    rm_layer *l;
    if (rm_layer_create(&l, "zones", RM_GEOM_POLYGON))
        return NULL;
    int fs = rm_layer_add_field(l, "name", RM_FIELD_STRING);
    double outer[10] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
    double hole[8] = {2, 2, 2, 4, 4, 2, 2, 2};
    rm_layer_begin_feature(l, 3);
    rm_layer_add_part(l, outer, 5, NULL, 1);
    rm_layer_add_part(l, hole, 4, NULL, 0);
    rm_layer_set_string(l, fs, "A");
    rm_layer_begin_feature(l, 4);
    rm_layer_add_part(l, outer, 5, NULL, 1);
    return l;
}

static rm_layer *raster(void)
{
    double gt[6] = {500000, 100, 0, 1600000, 0, -100};
    rm_layer *l;
    if (rm_layer_create_raster(&l, "grid", 3, 2, gt))
        return NULL;
    rm_layer_set_crs(l, "EPSG:32631");
    double *c = rm_layer_raster_data(l);
    for (int i = 0; i < 6; i++)
        c[i] = i == 4 ? NAN : i * 1.5;
    return l;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_layer_seeds DIR\n");
        return 2;
    }
    rm_layer *empty = NULL, *attrs = NULL;
    rm_layer_create(&empty, "empty", RM_GEOM_POINT);
    if (rm_layer_create(&attrs, "table", RM_GEOM_NONE) == RM_OK) {
        int f = rm_layer_add_field(attrs, "v", RM_FIELD_REAL);
        rm_layer_begin_feature(attrs, 1);
        rm_layer_set_real(attrs, f, 2.5);
    }
    rm_layer *all[] = {points(), lines(), polygons(), raster(), empty,
                       attrs};
    const char *names[] = {"points", "lines", "polygons", "raster",
                           "empty", "attributes"};
    int bad = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        bad |= !all[i] || save(argv[1], names[i], all[i]);
        rm_layer_destroy(all[i]);
    }
    return bad;
}
