/*
 * The routemap program's shared pieces: global options, the per-command
 * entry points, and error reporting (text or JSON) with exit codes. The CLI
 * is a client of the public API in include/routemap/ only.
 */
#ifndef RM_CLI_H
#define RM_CLI_H

#include "routemap/routemap.h"

#define RM_CLI_MAX_PATHS 16

typedef struct rm_cli {
    int quiet;
    int verbose; /* log at info level: each step's time */
    int json;
    int in_process;
    int allow_writable; /* --allow-writable-plugins */
    const char *plugin_paths[RM_CLI_MAX_PATHS];
    int n_plugin_paths;
    rm_context *ctx;
} rm_cli;

int rm_cli_run(rm_cli *cli, int argc, char **argv);
int rm_cli_validate(rm_cli *cli, int argc, char **argv);
int rm_cli_plugins(rm_cli *cli, int argc, char **argv);
int rm_cli_inspect(rm_cli *cli, int argc, char **argv);
int rm_cli_analyze(rm_cli *cli, int argc, char **argv);
int rm_cli_new_plugin(rm_cli *cli, int argc, char **argv);

/** Print the context's last error (text to stderr, or JSON to stdout) and
 * return the documented exit code for `code`. */
int rm_cli_fail(rm_cli *cli, int code);

/** Print a usage error for `cmd` and return exit code 2. */
int rm_cli_usage(rm_cli *cli, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** A registry with the CLI's plugin paths scanned. */
int rm_cli_registry(rm_cli *cli, rm_registry **out);

/** Progress callback: a bar on a terminal, nothing otherwise. */
void rm_cli_progress(void *userdata, const char *what, double fraction);

/** Print `s` as a JSON string literal on stdout. */
void rm_cli_json_string(const char *s);

/** 1 when `arg` is "-h" or "--help". */
int rm_cli_is_help(const char *arg);

#endif
