/*
 * Helpers for end-to-end tests: run the routemap program as a user would,
 * capture its exit code, stdout and stderr, and write small input files.
 */
#ifndef RM_TESTS_E2E_UTIL_H
#define RM_TESTS_E2E_UTIL_H

#include <stddef.h>

typedef struct e2e_result {
    int exit_code; /* -1 when killed by a signal */
    char *out;     /* stdout text */
    char *err;     /* stderr text */
} e2e_result;

/** The test's scratch folder (created, emptied). */
const char *e2e_tmp(void);
/** Run build/bin/routemap with argv (NULL-terminated). */
e2e_result e2e_run(const char *const *args);
void e2e_free(e2e_result *r);
/** Write text to tmp/name; returns the full path (static buffer ring). */
const char *e2e_write(const char *name, const char *text);
/** Full path of tmp/name (static buffer ring). */
const char *e2e_path(const char *name);
/** Number of entries in a folder (0 when it does not exist). */
int e2e_count_files(const char *dir);
/** 1 when the file exists. */
int e2e_exists(const char *path);

#endif
