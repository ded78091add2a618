/*
 * The host side of plugins: discovery on the search path, ABI and struct
 * size checks, and the list of what was loaded and what was refused (and
 * why). Search order: directories added with rm_registry_add_path (the
 * CLI's --plugin-path), then ROUTEMAP_PLUGIN_PATH (colon-separated), then
 * the install directory.
 */
#ifndef ROUTEMAP_REGISTRY_H
#define ROUTEMAP_REGISTRY_H

#include "common.h"
#include "context.h"
#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rm_registry rm_registry;

/** @param[out] out caller frees with rm_registry_destroy. */
RM_EXTERN int rm_registry_create(rm_context *ctx, rm_registry **out);

/** rm_registry_destroy(NULL) is a no-op; unloads every plugin. */
RM_EXTERN void rm_registry_destroy(rm_registry *reg);

/** Add a directory to search, before the environment and install ones. */
RM_EXTERN int rm_registry_add_path(rm_registry *reg, const char *dir);

/**
 * Load every `routemap-*.so` on the search path. The first plugin of a
 * name wins; later ones of the same name are refused as duplicates.
 * Incompatible files are refused and listed, not fatal.
 */
RM_EXTERN int rm_registry_scan(rm_registry *reg);

/**
 * Register a plugin linked into the program (tests, static builds).
 * `origin` is shown where a path would be.
 */
RM_EXTERN int rm_registry_add_static(rm_registry *reg, rm_plugin_init_fn init,
                                     const char *origin);

RM_EXTERN size_t rm_registry_count(const rm_registry *reg);
RM_EXTERN const rm_plugin_desc *rm_registry_plugin(const rm_registry *reg,
                                                   size_t i);
/** File the i-th plugin came from. */
RM_EXTERN const char *rm_registry_plugin_path(const rm_registry *reg,
                                              size_t i);
/** The plugin called `name`, or NULL. */
RM_EXTERN const rm_plugin_desc *rm_registry_find(const rm_registry *reg,
                                                 const char *name);

RM_EXTERN size_t rm_registry_refused_count(const rm_registry *reg);
RM_EXTERN const char *rm_registry_refused_path(const rm_registry *reg,
                                               size_t i);
RM_EXTERN const char *rm_registry_refused_reason(const rm_registry *reg,
                                                 size_t i);

/** Human-readable schema of a plugin (for `routemap plugins info`). */
RM_EXTERN int rm_registry_describe(const rm_plugin_desc *desc, int json,
                                   char **out);

/**
 * Whether rm_registry_scan loads plugin files that another user could
 * change: writable by everyone or by a shared group, owned by a user
 * other than root and the caller, or in a directory that is. By default
 * (allow 0) they are refused with the reason; with allow 1 they load with
 * a warning (the CLI's --allow-writable-plugins). Call before the scan.
 * @return RM_OK.
 */
RM_EXTERN int rm_registry_allow_writable(rm_registry *reg, int allow);

#ifdef __cplusplus
}
#endif
#endif
