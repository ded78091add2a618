/*
 * Writes the crossings benchmark's workload (bench/crossings/workload.h)
 * into a GeoPackage in UTM 31N, layers "tracks" and "lines", for timing
 * the crossings step inside a real `routemap run`.
 *
 *   make_tracks OUT.gpkg [tracks] [vertices]
 */
#include <stdio.h>
#include <stdlib.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"
#include "../crossings/workload.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: make_tracks OUT.gpkg [tracks] [vertices]\n");
        return 2;
    }
    size_t n_tracks = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t n_verts = argc > 3 ? strtoul(argv[3], NULL, 10) : 100;
    workload w;
    rm_context *ctx = NULL;
    rm_layer *tracks = NULL, *line = NULL;
    if (n_tracks == 0 || n_verts < 2 ||
        make_workload(&w, n_tracks, n_verts, 0) ||
        rm_context_create(&ctx) ||
        rm_layer_create(&tracks, "tracks", RM_GEOM_LINE) ||
        rm_layer_create(&line, "lines", RM_GEOM_LINE)) {
        fprintf(stderr, "make_tracks: bad arguments or out of memory\n");
        return 1;
    }
    rm_layer_set_crs(tracks, "EPSG:32631");
    rm_layer_set_crs(line, "EPSG:32631");
    int rc = 0;
    for (size_t t = 0; t < n_tracks && !rc; t++) {
        rm_layer_begin_feature(tracks, (int64_t)t + 1);
        rc = rm_layer_add_part(tracks, w.xy + 2 * t * n_verts, n_verts,
                               NULL, 1);
    }
    rm_layer_begin_feature(line, 1);
    rc |= rm_layer_add_part(line, w.line, LINE_VERTS, NULL, 1);
    free(w.xy);
    rm_write_options opt = RM_WRITE_OPTIONS_INIT;
    opt.timestamp = "2026-10-01T00:00:00.000Z";
    rm_layer *both[2] = {tracks, line};
    if (rc || rm_io_write(ctx, argv[1], both, 2, &opt)) {
        fprintf(stderr, "make_tracks: %s\n", rm_errmsg(ctx));
        return 1;
    }
    rm_layer_destroy(tracks);
    rm_layer_destroy(line);
    rm_context_destroy(ctx);
    return 0;
}
