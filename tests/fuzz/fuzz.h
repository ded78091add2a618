/*
 * What every fuzz target shares: the libFuzzer entry point it defines, and
 * the one context it keeps for the life of the process. A target must
 * accept any bytes without crashing, leaking or touching files outside
 * GDAL's /vsimem/.
 */
#ifndef RM_TESTS_FUZZ_H
#define RM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "routemap/context.h"
#include "routemap/errors.h"

/** The libFuzzer entry point; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** The process's context (created on first use, freed at exit). */
rm_context *rm_fuzz_context(void);

#endif
