/*
 * The plugin project template `routemap new-plugin` writes, embedded at
 * build time from the .in files of core/cli/template (embed.cmake).
 * Names are the template file names without .in; texts hold @NAME@,
 * @IDENT@, @ABI@ and @VERSION@ placeholders.
 */
#ifndef RM_CLI_TEMPLATES_H
#define RM_CLI_TEMPLATES_H

#include <stddef.h>

typedef struct rm_cli_template {
    const char *name; /* e.g. "plugin.c" */
    const char *text; /* NUL-terminated */
    size_t len;       /* bytes, without the NUL */
} rm_cli_template;

extern const rm_cli_template rm_cli_templates[];
extern const size_t rm_cli_n_templates;

#endif
