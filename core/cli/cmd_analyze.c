/*
 * `routemap analyze PLUGIN`: one analysis without a briefing. Inputs are
 * NAME=SOURCE pairs, parameters PARAM=VALUE pairs (lists comma-separated),
 * and the result is one GeoPackage with a layer per declared output
 * (raster outputs beside it as OUT.<output>.tif). SOURCE_DATE_EPOCH, when
 * set, is the time the GeoPackage records as its last change.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char HELP[] =
    "usage: routemap analyze PLUGIN --input NAME=SOURCE... "
    "[--set PARAM=VALUE]...\n"
    "                        [--crs CRS] [--timeout S] [--memory MB] "
    "-o OUT.gpkg\n"
    "\n"
    "Runs one plugin on data sources without a briefing.\n"
    "  --input NAME=SOURCE  bind the plugin's layer parameter NAME to a source\n"
    "  --set PARAM=VALUE    set a parameter; lists are comma-separated,\n"
    "                       e.g. --set grid_origin=200000,1500000\n"
    "  --crs CRS            analysis CRS (default: auto from the inputs)\n"
    "  --timeout S          stop the plugin after S seconds (default 1800)\n"
    "  --memory MB          memory the plugin may use (default 4096)\n"
    "  -o, --out OUT        GeoPackage to write (one layer per output)\n"
    "'routemap plugins info PLUGIN' lists the parameters. With\n"
    "SOURCE_DATE_EPOCH set (seconds since 1970), the GeoPackage records that\n"
    "time as its last change, so the same analysis gives the same file.\n";

/* A number > 0 (whole when `whole`); 0 on success. */
static int positive(const char *text, int whole, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !(v > 0) ||
        !isfinite(v) || (whole && (v > 1e15 || v != (double)(long long)v)))
        return -1;
    *out = v;
    return 0;
}

/* Largest SOURCE_DATE_EPOCH taken: 9999-12-31T23:59:59Z. */
#define EPOCH_MAX 253402300799LL

/*
 * SOURCE_DATE_EPOCH (the reproducible-builds convention: whole seconds
 * since 1970-01-01T00:00Z) as a GeoPackage timestamp in `out`.
 * @return 1 set, 0 unset or empty, -1 malformed.
 */
static int source_date(char out[32])
{
    const char *v = getenv("SOURCE_DATE_EPOCH");
    if (!v || !*v)
        return 0;
    long long s = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || s > EPOCH_MAX)
            return -1;
        s = s * 10 + (*p - '0');
    }
    if (s > EPOCH_MAX)
        return -1;
    time_t t = (time_t)s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0)
        return -1;
    return 1;
}

int rm_cli_analyze(rm_cli *cli, int argc, char **argv)
{
    if (argc >= 1 && rm_cli_is_help(argv[0])) {
        fputs(HELP, stdout);
        return 0;
    }
    rm_analyze_options opt = RM_ANALYZE_OPTIONS_INIT;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int exit_code = -1;
    if (!inputs || !sets) {
        exit_code = rm_cli_fail(cli, RM_ENOMEM);
        goto done;
    }
    for (int i = 0; i < argc && exit_code < 0; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (rm_cli_is_help(a)) {
            fputs(HELP, stdout);
            exit_code = 0;
        } else if (strcmp(a, "--input") == 0 && has_value) {
            inputs[opt.n_inputs++] = argv[++i];
        } else if (strcmp(a, "--set") == 0 && has_value) {
            sets[opt.n_sets++] = argv[++i];
        } else if (strcmp(a, "--crs") == 0 && has_value) {
            opt.crs = argv[++i];
        } else if (strcmp(a, "--timeout") == 0 && has_value) {
            if (positive(argv[++i], 0, &opt.timeout_s))
                exit_code = rm_cli_usage(cli, "analyze",
                                         "--timeout needs a number of "
                                         "seconds above 0, not '%s'",
                                         argv[i]);
        } else if (strcmp(a, "--memory") == 0 && has_value) {
            double mb;
            if (positive(argv[++i], 1, &mb))
                exit_code = rm_cli_usage(cli, "analyze",
                                         "--memory needs a whole number of "
                                         "MB, not '%s'",
                                         argv[i]);
            else
                opt.memory_mb = (uint64_t)mb;
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) &&
                   has_value) {
            opt.output = argv[++i];
        } else if (a[0] == '-') {
            exit_code = rm_cli_usage(cli, "analyze",
                                     "unknown option or missing value: '%s'",
                                     a);
        } else if (!opt.plugin) {
            opt.plugin = a;
        } else {
            exit_code = rm_cli_usage(cli, "analyze",
                                     "unexpected argument '%s'", a);
        }
    }
    if (exit_code >= 0)
        goto done;
    if (!opt.plugin || !opt.output) {
        exit_code = rm_cli_usage(cli, "analyze",
                                 "expected a PLUGIN and -o OUT");
        goto done;
    }
    for (size_t k = 0; k < opt.n_inputs + opt.n_sets; k++) {
        const char *pair = k < opt.n_inputs ? inputs[k]
                                            : sets[k - opt.n_inputs];
        const char *eq = strchr(pair, '=');
        if (!eq || eq == pair) {
            exit_code = rm_cli_usage(cli, "analyze",
                                     "'%s' is not NAME=VALUE", pair);
            goto done;
        }
    }
    char stamp[32];
    int dated = source_date(stamp);
    if (dated < 0) {
        exit_code = rm_cli_usage(cli, "analyze",
                                 "SOURCE_DATE_EPOCH='%s' is not a whole "
                                 "number of seconds since 1970 (at most "
                                 "%lld); set it to one or unset it",
                                 getenv("SOURCE_DATE_EPOCH"), EPOCH_MAX);
        goto done;
    }
    opt.timestamp = dated ? stamp : NULL;
    opt.inputs = inputs;
    opt.sets = sets;
    opt.in_process = cli->in_process;
    rm_registry *reg;
    int rc = rm_cli_registry(cli, &reg);
    if (rc == RM_OK) {
        rc = rm_analyze(cli->ctx, reg, &opt);
        rm_registry_destroy(reg);
    }
    if (rc != RM_OK)
        exit_code = rm_cli_fail(cli, rc);
    else {
        exit_code = 0;
        if (cli->json) {
            printf("{\"ok\":true,\"output\":");
            rm_cli_json_string(opt.output);
            printf("}\n");
        } else if (!cli->quiet)
            printf("wrote %s\n", opt.output);
    }
done:
    free(inputs);
    free(sets);
    return exit_code;
}
