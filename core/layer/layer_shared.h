/*
 * Raster cells that cross from a plugin's child process to the host in a
 * sealed shared memory file instead of through the pipe (layer_shared.c).
 */
#ifndef RM_CORE_LAYER_SHARED_H
#define RM_CORE_LAYER_SHARED_H

#include "routemap/layer.h"

/** A new, empty, sealable shared memory file; -1 where there is none. */
int rm__layer_shared_file(void);

/**
 * rm_layer_create_raster with the cells (all NaN) in the file `fd`,
 * mapped shared. @return RM_OK, RM_EINVAL or RM_ENOMEM.
 */
int rm__layer_create_raster_shared(rm_layer **out, const char *name,
                                   int width, int height,
                                   const double geotransform[6], int fd);

/** Whether `layer` is a raster whose cells are in a shared file. */
int rm__layer_is_shared(const rm_layer *layer);

/** Unmap a shared raster's cells: the layer keeps no cells after this. */
void rm__layer_shared_release(rm_layer *layer);

/**
 * Give a raster without cells (decoded with rm__layer_deserialize_head_from)
 * the cells in `fd`, after sealing the file against writes, growth and
 * shrinking. @return RM_OK; RM_EPLUGIN_OUTPUT when some process still maps
 * the file writable; RM_EDATA_TYPE when its size is not the raster's;
 * RM_ENOMEM or RM_EINTERNAL.
 */
int rm__layer_attach_shared(rm_layer *layer, int fd);

#endif
