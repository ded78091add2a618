/*
 * The plugin ABI as numbers: member offsets and sizes of the ABI structs,
 * constant values and error codes, gathered by abi_layout.inc once against
 * the frozen v1 headers (abi_v1_layout) and once against the current ones
 * (abi_now_layout), in separate translation units, for test_abi_layout.
 */
#ifndef RM_TESTS_ABI_LAYOUT_H
#define RM_TESTS_ABI_LAYOUT_H

#include <stddef.h>

typedef struct abi_member {
    const char *name;
    size_t offset, size; /* bytes */
} abi_member;

typedef struct abi_value {
    const char *name;
    long value;
} abi_value;

typedef struct abi_struct {
    const abi_member *members;
    size_t n;
    size_t size; /* sizeof the whole struct, bytes */
} abi_struct;

typedef struct abi_layout {
    abi_struct host, desc, param, output;
    const abi_value *constants; /* the v1 names (v1_members.h) */
    size_t n_constants;
    const abi_value *errors; /* the header's whole RM_ERROR_TABLE */
    size_t n_errors;
    int abi_major, abi_minor;
} abi_layout;

extern const abi_layout abi_v1_layout;
extern const abi_layout abi_now_layout;

#endif
