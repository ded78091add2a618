/*
 * Helpers of the hotspots plugin tests: build point layers, run the plugin
 * through the real host (parameter resolution and rm__step_run in
 * process) and read its outputs back by name.
 */
#ifndef HS_TEST_H
#define HS_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "plugin/step.h"
#include "routemap/layer.h"

typedef struct hs_t_run {
    rm_context *ctx;
    rm_registry *reg;
    const rm_plugin_desc *desc;
    rm__step_result res;
    int rc;
} hs_t_run;

/* A point layer "incidents" of n points; `ms` (may be NULL) fills a
 * DATETIME field "when" mapped to the time role. */
rm_layer *hs_t_points(const double *xy, size_t n, const int64_t *ms);

/*
 * Run the plugin: `layers` (n_layers, named by rm_layer_name) are what
 * layer parameters can name; `sets` are "param=value" texts (the
 * incidents parameter is set to "incidents" automatically when a layer of
 * that name is given). `area` may be NULL (no briefing area).
 */
void hs_t_exec(hs_t_run *t, rm_layer **layers, size_t n_layers,
               const char *const *sets, size_t n_sets, const double *area);
void hs_t_free(hs_t_run *t);

/* Output layer by declared name, or NULL. */
const rm_layer *hs_t_out(const hs_t_run *t, const char *name);
/* Column by name (fails the test when missing). */
int hs_t_field(const rm_layer *l, const char *name);
/* Manifest note by key, or NULL. */
const char *hs_t_note(const hs_t_run *t, const char *key);

#endif
