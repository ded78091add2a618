/*
 * Test fixtures for the renderer: the Sahel basemap loaded into a map CRS
 * and small synthetic analysis layers made deterministically (a fixed
 * linear congruential generator), so every run draws the same maps.
 */
#ifndef RM_TESTS_RENDER_FIXTURES_H
#define RM_TESTS_RENDER_FIXTURES_H

#include <stdint.h>

#include "routemap/context.h"
#include "routemap/layer.h"

/** The sample basemap's layers, in `crs`. NULL where a layer is missing. */
typedef struct fx_basemap {
    rm_layer *countries, *admin1, *borders, *rivers, *lakes, *places;
} fx_basemap;

/** Load maps/data/sahel_basemap.gpkg. @return 0 or an RM_E* code. */
int fx_basemap_load(rm_context *ctx, fx_basemap *out, const char *crs);
void fx_basemap_free(fx_basemap *b);

/** Deterministic pseudo-random numbers in [0, 1). */
double fx_rand(uint64_t *state);

/** A point layer from lon/lat pairs, reprojected to `crs`. */
rm_layer *fx_points(rm_context *ctx, const char *name, const double *lonlat,
                    size_t n, const char *crs);

/** Synthetic incidents: n points clustered near Sahel towns, field kind. */
rm_layer *fx_incidents(rm_context *ctx, size_t n, const char *crs,
                       uint64_t seed);

/** Synthetic movement tracks (lines with direction). */
rm_layer *fx_tracks(rm_context *ctx, size_t n, const char *crs,
                    uint64_t seed);

/** Square cells with a graduated value field gi_z over a lon/lat box. */
rm_layer *fx_cells(rm_context *ctx, const char *crs, double lon0, double lat0,
                   double lon1, double lat1, double step_deg, uint64_t seed);

/** A density raster over a map-CRS box (Gaussian bumps). */
rm_layer *fx_density(rm_context *ctx, const char *crs, rm_bbox box, int w,
                     int h, uint64_t seed);

/** mkdir -p of $RM_TEST_TMP (or /tmp/rm_render_test); returns the path. */
const char *fx_tmpdir(void);

/** Read a whole file. @return malloc'ed bytes (caller frees) or NULL. */
unsigned char *fx_read_file(const char *path, size_t *out_len);

/** Run a command, return its stdout (caller frees) or NULL. */
char *fx_run(const char *cmd);

#endif
