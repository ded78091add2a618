/*
 * The streaming side of the layer's binary form (layer_serialize.c): the
 * same bytes as rm_layer_serialize, handed out array by array without a
 * copy, and a decoder that reads them from any source straight into the
 * new layer's arrays. A plugin's child process and the host use these to
 * pass outputs through a pipe; the decoder trusts nothing it reads.
 */
#ifndef RM_CORE_LAYER_SERIALIZE_H
#define RM_CORE_LAYER_SERIALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "routemap/layer.h"

/* Takes the next n bytes of the encoding; 0 to go on, nonzero to stop. */
typedef int (*rm__layer_sink)(void *ud, const void *p, size_t n);

/* Fills p with exactly the next n bytes; 0 on success, nonzero when it
 * cannot (end of input, error): the decoding then fails. */
typedef int (*rm__layer_source)(void *ud, void *p, size_t n);

/** Length in bytes of rm_layer_serialize's form of `layer`. */
uint64_t rm__layer_serialized_size(const rm_layer *layer);

/**
 * Hand rm_layer_serialize's bytes to `sink` in order, each array in one
 * piece straight from the layer (rm__layer_serialized_size bytes in all).
 * @return RM_OK, or RM_EIO_WRITE when the sink stopped it.
 */
int rm__layer_serialize_to(const rm_layer *layer, rm__layer_sink sink,
                           void *ud);

/**
 * rm_layer_deserialize over `len` bytes read from `src` as needed: every
 * array is allocated once its length has been checked against what is
 * left of `len`, then filled by the source directly.
 * @param[out] out caller frees with rm_layer_destroy.
 * @return RM_OK, RM_EDATA_TYPE for malformed or missing bytes (the source
 * tells its caller which), or RM_ENOMEM.
 */
int rm__layer_deserialize_from(rm_layer **out, uint64_t len,
                               rm__layer_source src, void *ud);

/**
 * A raster's bytes without its cells (rm__layer_serialized_head_size of
 * them), for cells that travel another way (layer_shared.h).
 * @return RM_OK, RM_EINVAL for a vector layer, RM_EIO_WRITE when the sink
 * stopped it.
 */
uint64_t rm__layer_serialized_head_size(const rm_layer *layer);
int rm__layer_serialize_head_to(const rm_layer *layer, rm__layer_sink sink,
                                void *ud);

/**
 * Decode what rm__layer_serialize_head_to wrote: a raster with its size
 * and geotransform but no cells (rm_layer_raster_data is NULL until
 * rm__layer_attach_shared). Anything else is RM_EDATA_TYPE.
 */
int rm__layer_deserialize_head_from(rm_layer **out, uint64_t len,
                                    rm__layer_source src, void *ud);

#endif
