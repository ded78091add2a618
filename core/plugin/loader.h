/*
 * Loading one plugin: dlopen of a routemap-<name>.so (or a linked-in entry
 * function), the call of its entry with the host table, and every check of
 * the descriptor it returns. A plugin either passes all checks and is kept
 * with a host-owned copy of its descriptor, or is refused with a reason a
 * person can act on.
 */
#ifndef RM_CORE_PLUGIN_LOADER_H
#define RM_CORE_PLUGIN_LOADER_H

#include "routemap/plugin.h"

/** Size of the ABI 1.0 descriptor: smaller ones are refused. */
#define RM__DESC_SIZE_1_0                                                    \
    (offsetof(rm_plugin_desc, help) + sizeof(const char *))

/** A loaded plugin. */
typedef struct rm__plugin {
    rm_plugin_desc desc; /* host copy; members past desc.size are zero */
    void *handle;        /* dlopen handle, NULL for a linked-in plugin */
    char *path;          /* file (or origin) it came from */
} rm__plugin;

/**
 * The plugin name of a file name "routemap-<name>.so", or NULL when the
 * file is not named like a plugin. Caller frees.
 */
char *rm__plugin_name_of_file(const char *file_name);

/**
 * Load `path` and check it. `name` is the plugin name from the file name.
 * @param[out] out filled on success; release with rm__plugin_close.
 * @param[out] why on refusal, a malloc'ed reason (caller frees).
 * @return RM_OK, RM_EPLUGIN_LOAD, RM_EPLUGIN_ABI or RM_ENOMEM.
 */
int rm__plugin_open(rm__plugin *out, const char *path, const char *name,
                    char **why);

/**
 * Check a linked-in plugin's entry. `origin` is shown where a path would
 * be; `name` (may be NULL) is the name it must have.
 */
int rm__plugin_from_init(rm__plugin *out, rm_plugin_init_fn init,
                         const char *origin, const char *name, char **why);

/** Unload; rm__plugin_close on a zeroed plugin does nothing. */
void rm__plugin_close(rm__plugin *p);

/**
 * Check a descriptor's schema (names, types, units, defaults, bounds,
 * choices, outputs, run). @return NULL when valid, else a malloc'ed
 * reason.
 */
char *rm__plugin_desc_check(const rm_plugin_desc *d);

#endif
