/*
 * `routemap run` and `routemap validate`: load a briefing, check it against
 * the plugins found, and (for run) execute it into an output folder.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char RUN_HELP[] =
    "usage: routemap run BRIEFING [-o DIR]\n"
    "\n"
    "Runs a briefing: loads its layers into the analysis CRS, runs its\n"
    "steps, writes the exports, the maps (PDF, PNG, SVG) and manifest.json.\n"
    "Every output is written atomically; a failed run leaves earlier\n"
    "outputs untouched.\n"
    "\n"
    "  -o, --out DIR   write outputs into DIR (default: the briefing's folder)\n";

static const char VALIDATE_HELP[] =
    "usage: routemap validate BRIEFING\n"
    "\n"
    "Checks a briefing without reading its data: syntax, keys, value types,\n"
    "plugins, step parameters against each plugin's schema, and references\n"
    "between layers, steps and pages. Exit code 0 when valid, 3 when not.\n";

static int load_and_check(rm_cli *cli, const char *path, rm_briefing **b,
                          rm_registry **reg)
{
    int rc = rm_briefing_load(cli->ctx, b, path);
    if (rc != RM_OK)
        return rc;
    rc = rm_cli_registry(cli, reg);
    if (rc == RM_OK)
        rc = rm_briefing_check(cli->ctx, *b, *reg);
    return rc;
}

int rm_cli_validate(rm_cli *cli, int argc, char **argv)
{
    if (argc >= 1 && rm_cli_is_help(argv[0])) {
        fputs(VALIDATE_HELP, stdout);
        return 0;
    }
    if (argc != 1)
        return rm_cli_usage(cli, "validate", "expected one BRIEFING");
    rm_briefing *b = NULL;
    rm_registry *reg = NULL;
    int rc = load_and_check(cli, argv[0], &b, &reg);
    rm_briefing_destroy(b);
    rm_registry_destroy(reg);
    if (rc != RM_OK)
        return rm_cli_fail(cli, rc);
    if (cli->json)
        printf("{\"ok\":true}\n");
    else if (!cli->quiet)
        printf("%s: valid\n", argv[0]);
    return 0;
}

int rm_cli_run(rm_cli *cli, int argc, char **argv)
{
    const char *briefing = NULL, *out_dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (rm_cli_is_help(argv[i])) {
            fputs(RUN_HELP, stdout);
            return 0;
        } else if (strcmp(argv[i], "-o") == 0 ||
                   strcmp(argv[i], "--out") == 0) {
            if (i + 1 >= argc)
                return rm_cli_usage(cli, "run", "-o needs a DIR");
            out_dir = argv[++i];
        } else if (argv[i][0] == '-') {
            return rm_cli_usage(cli, "run", "unknown option '%s'", argv[i]);
        } else if (briefing) {
            return rm_cli_usage(cli, "run", "expected one BRIEFING");
        } else {
            briefing = argv[i];
        }
    }
    if (!briefing)
        return rm_cli_usage(cli, "run", "expected a BRIEFING");
    rm_briefing *b = NULL;
    rm_registry *reg = NULL;
    int rc = load_and_check(cli, briefing, &b, &reg);
    if (rc == RM_OK) {
        rm_run_options opt = RM_RUN_OPTIONS_INIT;
        opt.out_dir = out_dir;
        opt.in_process = cli->in_process;
        opt.progress = rm_cli_progress;
        opt.progress_userdata = cli;
        rc = rm_briefing_run(cli->ctx, b, reg, &opt);
    }
    rm_briefing_destroy(b);
    rm_registry_destroy(reg);
    if (rc != RM_OK)
        return rm_cli_fail(cli, rc);
    if (cli->json)
        printf("{\"ok\":true}\n");
    return 0;
}
