/*
 * Shared helpers of the corridors tests: running the plugin's static twin
 * through the host (parameters resolved, step run in process or in a
 * child), building input layers, and an independent reference for step
 * costs written from the documented convention, not from the plugin.
 */
#ifndef RM_TEST_CORRIDORS_CR_TEST_H
#define RM_TEST_CORRIDORS_CR_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "plugin/step.h"
#include "routemap/context.h"
#include "routemap/layer.h"

#define CRT_CRS "EPSG:32631"

extern rm_context *crt_ctx;

/* A named input layer for crt_run. */
typedef struct crt_input {
    const char *name; /* how parameters refer to it */
    const rm_layer *layer;
} crt_input;

int crt_setup(void **state);
int crt_teardown(void **state);

/*
 * Run the plugin with `sets` "param=value" texts (NULL-terminated; values
 * naming layers refer to `in`). @return the host's code; res is filled on
 * RM_OK.
 */
int crt_run(const crt_input *in, size_t n_in, const char *const *sets,
            int in_process, rm__step_result *res);

/* The output called `name` in a result, or NULL. */
const rm_layer *crt_output(const rm__step_result *res, const char *name);

/* Friction raster w x h of `res` m cells with top-left (x0, y0). */
rm_layer *crt_raster(const char *name, int w, int h, double x0, double y0,
                     double res, const double *v);

/* Points layer: n points, fids 1..n. */
rm_layer *crt_points(const char *name, const double *xy, size_t n);

/* One line feature per NULL-separated run... : lines[i] has n[i] points. */
rm_layer *crt_lines(const char *name, const double *const *lines,
                    const size_t *n, size_t n_lines);

/*
 * Reference accumulated cost by a textbook Dijkstra (O(n^2): the next
 * cell is found by scanning all cells), from the documented convention:
 * a move costs the mean friction of the cells it touches times its
 * length; friction NaN, zero or negative is a barrier; a knight's move is
 * blocked when a cell it passes between is a barrier or off the grid.
 * `out` gets INFINITY where unreachable.
 */
void crt_reference_cost(const double *f, int w, int h, double res,
                        int neighbours, const int *src, size_t n_src,
                        double *out);

/* Cost of one move from cell (r, c) by (dr, dc), NaN when blocked. */
double crt_move_cost(const double *f, int w, int h, double res, int r,
                     int c, int dr, int dc);

/* Relative difference |a - b| / max(|b|, tiny). */
double crt_rel(double a, double b);

#endif
