/*
 * `routemap plugins [info NAME]`: what was found on the plugin search path,
 * what was refused and why, and one plugin's parameter schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char HELP[] =
    "usage: routemap plugins [info NAME]\n"
    "\n"
    "Lists the plugins found on the search path (--plugin-path, then\n"
    "ROUTEMAP_PLUGIN_PATH, then the install directory) and the files that\n"
    "were refused, with the reason. `info NAME` prints a plugin's\n"
    "parameters (type, unit, default, bounds, help) and outputs.\n";

static void list_json(const rm_registry *reg)
{
    printf("{\"plugins\":[");
    for (size_t i = 0; i < rm_registry_count(reg); i++) {
        const rm_plugin_desc *d = rm_registry_plugin(reg, i);
        printf("%s{\"name\":", i ? "," : "");
        rm_cli_json_string(d->name);
        printf(",\"version\":");
        rm_cli_json_string(d->version);
        printf(",\"summary\":");
        rm_cli_json_string(d->summary);
        printf(",\"path\":");
        rm_cli_json_string(rm_registry_plugin_path(reg, i));
        printf("}");
    }
    printf("],\"refused\":[");
    for (size_t i = 0; i < rm_registry_refused_count(reg); i++) {
        printf("%s{\"path\":", i ? "," : "");
        rm_cli_json_string(rm_registry_refused_path(reg, i));
        printf(",\"reason\":");
        rm_cli_json_string(rm_registry_refused_reason(reg, i));
        printf("}");
    }
    printf("]}\n");
}

static void list_text(const rm_registry *reg)
{
    size_t n = rm_registry_count(reg);
    if (n == 0)
        printf("No plugins found.\n");
    for (size_t i = 0; i < n; i++) {
        const rm_plugin_desc *d = rm_registry_plugin(reg, i);
        printf("%-14s %-8s %s\n", d->name, d->version, d->summary);
    }
    size_t r = rm_registry_refused_count(reg);
    if (r)
        printf("\nRefused:\n");
    for (size_t i = 0; i < r; i++)
        printf("  %s\n    %s\n", rm_registry_refused_path(reg, i),
               rm_registry_refused_reason(reg, i));
}

int rm_cli_plugins(rm_cli *cli, int argc, char **argv)
{
    if (argc >= 1 && rm_cli_is_help(argv[0])) {
        fputs(HELP, stdout);
        return 0;
    }
    const char *info = NULL;
    if (argc == 2 && strcmp(argv[0], "info") == 0)
        info = argv[1];
    else if (argc != 0)
        return rm_cli_usage(cli, "plugins", "expected nothing or 'info NAME'");
    rm_registry *reg;
    int rc = rm_cli_registry(cli, &reg);
    if (rc != RM_OK)
        return rm_cli_fail(cli, rc);
    int exit_code = 0;
    if (!info) {
        if (cli->json)
            list_json(reg);
        else
            list_text(reg);
    } else {
        const rm_plugin_desc *d = rm_registry_find(reg, info);
        char *text = NULL;
        if (!d) {
            fprintf(stderr,
                    "routemap: error: no plugin named '%s'; "
                    "'routemap plugins' lists the available ones\n",
                    info);
            exit_code = rm_exit_code(RM_EPLUGIN_NOTFOUND);
        } else if ((rc = rm_registry_describe(d, cli->json, &text)) !=
                   RM_OK) {
            exit_code = rm_cli_fail(cli, rc);
        } else {
            fputs(text, stdout);
        }
        free(text);
    }
    rm_registry_destroy(reg);
    return exit_code;
}
