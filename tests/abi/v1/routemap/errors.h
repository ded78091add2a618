/* FROZEN copy of include/routemap/errors.h, plugin ABI 1.0 (commit
 * 635ea68). Never edit: tests/abi checks the current headers against it. */
/*
 * routemap error codes. Every fallible call returns RM_OK (0) or one of the
 * negative codes below; the message and its location live in the context
 * (see context.h). Codes are grouped by category; the CLI maps each
 * category to one documented exit code (rm_exit_code).
 */
#ifndef ROUTEMAP_ERRORS_H
#define ROUTEMAP_ERRORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, exit code, static text) */
#define RM_ERROR_TABLE(X)                                                    \
    X(RM_OK, 0, 0, "success")                                                \
    X(RM_ENOMEM, -1, 1, "out of memory")                                     \
    X(RM_EINTERNAL, -2, 1, "internal error")                                 \
    X(RM_EINVAL, -3, 2, "invalid argument")                                  \
    X(RM_EUSAGE, -4, 2, "invalid command line")                              \
    X(RM_ESPEC_SYNTAX, -10, 3, "briefing syntax error")                      \
    X(RM_ESPEC_KEY, -11, 3, "unknown key in briefing")                       \
    X(RM_ESPEC_TYPE, -12, 3, "value of the wrong type")                      \
    X(RM_ESPEC_VALUE, -13, 3, "invalid value")                               \
    X(RM_ESPEC_MISSING, -14, 3, "required value missing")                    \
    X(RM_ESPEC_REF, -15, 3, "reference to an unknown layer or step")         \
    X(RM_EIO_OPEN, -20, 4, "cannot open data source")                        \
    X(RM_EIO_LAYER, -21, 4, "cannot read layer")                             \
    X(RM_EIO_READ, -22, 4, "error while reading data")                       \
    X(RM_EDATA_FIELD, -23, 4, "unknown field")                               \
    X(RM_EDATA_GEOM, -24, 4, "no usable geometry")                           \
    X(RM_EDATA_EMPTY, -25, 4, "layer is empty")                              \
    X(RM_EDATA_TYPE, -26, 4, "data of the wrong type")                       \
    X(RM_ECRS, -30, 4, "coordinate reference system error")                  \
    X(RM_EPLUGIN_NOTFOUND, -40, 5, "plugin not found")                       \
    X(RM_EPLUGIN_LOAD, -41, 5, "plugin cannot be loaded")                    \
    X(RM_EPLUGIN_ABI, -42, 5, "plugin built for another ABI")                \
    X(RM_EPLUGIN_PARAM, -43, 3, "invalid plugin parameter")                  \
    X(RM_EPLUGIN_RUN, -44, 5, "plugin step failed")                          \
    X(RM_EPLUGIN_CRASH, -45, 5, "plugin crashed")                            \
    X(RM_EPLUGIN_OUTPUT, -46, 5, "plugin produced invalid output")           \
    X(RM_EIO_WRITE, -50, 6, "cannot write output")                           \
    X(RM_ERENDER, -60, 6, "cannot render map")                               \
    X(RM_EGEOS, -70, 4, "geometry engine error")                             \
    X(RM_ECANCELLED, -80, 7, "cancelled")

typedef enum rm_error_code {
#define RM__ERROR_ENUM(name, value, exit_code, text) name = value,
    RM_ERROR_TABLE(RM__ERROR_ENUM)
#undef RM__ERROR_ENUM
} rm_error_code;

/**
 * Static English text for an error code.
 * @return a string with static lifetime; "unknown error" for unknown codes.
 */
RM_EXTERN const char *rm_strerror(int code);

/**
 * The documented process exit code for an error code (see README,
 * "Exit codes"): 0 success, 1 internal, 2 usage, 3 briefing, 4 input data,
 * 5 plugin, 6 output, 7 cancelled.
 */
RM_EXTERN int rm_exit_code(int code);

#ifdef __cplusplus
}
#endif
#endif
