/*
 * routemap's entry point: global options, subcommand dispatch, error
 * printing and exit codes. Every failure path ends in rm_cli_fail or
 * rm_cli_usage, which print one clear message and return the documented
 * exit code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char USAGE[] =
    "usage: routemap [--quiet | --verbose] [--json] [--plugin-path DIR]... COMMAND ...\n"
    "\n"
    "Commands:\n"
    "  run BRIEFING [-o DIR]      run a briefing: load, analyse, export, map\n"
    "  validate BRIEFING          check a briefing without reading data\n"
    "  plugins [info NAME]        list plugins, or show one plugin's schema\n"
    "  inspect SOURCE             describe a data source's layers\n"
    "  analyze PLUGIN --input NAME=SOURCE... [--set PARAM=VALUE]...\n"
    "          [--crs CRS] -o OUT  run one analysis without a briefing\n"
    "  new-plugin NAME [DIR]      write a plugin project to start from\n"
    "\n"
    "Options (before or after the command):\n"
    "  -h, --help           help (also after a command)\n"
    "  --version            print the version\n"
    "  -q, --quiet          print only errors\n"
    "  -v, --verbose        also print what each layer and step did, and times\n"
    "  --json               machine-readable output on stdout\n"
    "  --plugin-path DIR    search DIR for plugins first (repeatable)\n"
    "  --in-process         run plugins inside this process (debugging)\n"
    "  --allow-writable-plugins  load plugin files other users could "
    "change\n"
    "\n"
    "Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid briefing or\n"
    "parameter, 4 bad input data, 5 plugin failure, 6 cannot write output,\n"
    "7 cancelled.\n";

int rm_cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

void rm_cli_json_string(const char *s)
{
    fputc('"', stdout);
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            printf("\\u%04x", (unsigned char)*p);
        else
            fputc(*p, stdout);
    }
    fputc('"', stdout);
}

int rm_cli_fail(rm_cli *cli, int code)
{
    const char *msg = rm_errmsg(cli->ctx);
    if (!msg || !*msg)
        msg = rm_strerror(code);
    if (cli->json) {
        const rm_location *loc = rm_errloc(cli->ctx);
        printf("{\"ok\":false,\"code\":%d,\"exit_code\":%d,\"error\":", code,
               rm_exit_code(code));
        rm_cli_json_string(msg);
        if (loc && loc->file)
            printf(",\"line\":%d,\"column\":%d", loc->line, loc->column);
        printf("}\n");
    }
    fprintf(stderr, "routemap: error: %s\n", msg);
    return rm_exit_code(code);
}

int rm_cli_usage(rm_cli *cli, const char *cmd, const char *fmt, ...)
{
    (void)cli;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "routemap%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'routemap %s%s--help'.\n", cmd ? cmd : "",
            cmd ? " " : "");
    va_end(ap);
    return rm_exit_code(RM_EUSAGE);
}

int rm_cli_registry(rm_cli *cli, rm_registry **out)
{
    rm_registry *reg;
    int rc = rm_registry_create(cli->ctx, &reg);
    if (rc == RM_OK)
        rc = rm_registry_allow_writable(reg, cli->allow_writable);
    for (int i = 0; rc == RM_OK && i < cli->n_plugin_paths; i++)
        rc = rm_registry_add_path(reg, cli->plugin_paths[i]);
    if (rc == RM_OK)
        rc = rm_registry_scan(reg);
    if (rc != RM_OK) {
        rm_registry_destroy(reg);
        return rc;
    }
    *out = reg;
    return RM_OK;
}

void rm_cli_progress(void *userdata, const char *what, double fraction)
{
    rm_cli *cli = userdata;
    if (cli->quiet || cli->json || !isatty(STDERR_FILENO))
        return;
    int width = 30, filled = (int)(fraction * width + 0.5);
    if (filled < 0)
        filled = 0;
    if (filled > width)
        filled = width;
    fprintf(stderr, "\r%-24.24s [", what ? what : "");
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : ' ', stderr);
    fprintf(stderr, "] %3d%%", (int)(fraction * 100 + 0.5));
    if (fraction >= 1.0)
        fputc('\n', stderr);
    fflush(stderr);
}

static void log_to_stderr(void *userdata, rm_log_level level,
                          const char *msg)
{
    (void)userdata;
    static const char *names[] = {"error", "warning", "info", "debug"};
    fprintf(stderr, "routemap: %s: %s\n", names[level], msg);
}

/*
 * One global option at argv[*i] (its value, if any, at argv[*i + 1]).
 * @return 1 taken (with *i on its last word), 0 not a global option, -1
 * a usage error (printed).
 */
static int global_option(rm_cli *cli, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        cli->quiet = 1;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
        cli->verbose = 1;
    } else if (strcmp(a, "--json") == 0) {
        cli->json = 1;
    } else if (strcmp(a, "--in-process") == 0) {
        cli->in_process = 1;
    } else if (strcmp(a, "--allow-writable-plugins") == 0) {
        cli->allow_writable = 1;
    } else if (strcmp(a, "--plugin-path") == 0) {
        if (*i + 1 >= argc)
            return rm_cli_usage(cli, NULL, "--plugin-path needs a DIR"), -1;
        if (cli->n_plugin_paths == RM_CLI_MAX_PATHS)
            return rm_cli_usage(cli, NULL, "too many --plugin-path"), -1;
        cli->plugin_paths[cli->n_plugin_paths++] = argv[++*i];
    } else {
        return 0;
    }
    return 1;
}

/* The commands' own options that take a value: what follows them is
 * that value, never a global option. */
static int takes_value(const char *a)
{
    static const char *const opts[] = {"-o",        "--out",     "--input",
                                       "--set",     "--crs",     "--timeout",
                                       "--memory"};
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
        if (strcmp(a, opts[k]) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    rm_cli cli = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (rm_cli_is_help(a)) {
            fputs(USAGE, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("routemap %s (plugin ABI %d.%d)\n", RM_VERSION_STRING,
                   RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR);
            return 0;
        }
        int got = global_option(&cli, argc, argv, &i);
        if (got < 0)
            return rm_exit_code(RM_EUSAGE);
        if (!got)
            return rm_cli_usage(&cli, NULL, "unknown option '%s'", a);
    }
    if (i >= argc) {
        fputs(USAGE, stderr);
        return rm_exit_code(RM_EUSAGE);
    }
    const char *command = argv[i];
    /* Global options after the command too: the command sees the rest. */
    int n = 0;
    for (int k = i + 1; k < argc; k++) {
        if (takes_value(argv[k])) {
            argv[i + 1 + n++] = argv[k];
            if (k + 1 < argc)
                argv[i + 1 + n++] = argv[++k];
            continue;
        }
        int got = global_option(&cli, argc, argv, &k);
        if (got < 0)
            return rm_exit_code(RM_EUSAGE);
        if (!got)
            argv[i + 1 + n++] = argv[k];
    }
    static const struct {
        const char *name;
        int (*fn)(rm_cli *, int, char **);
    } commands[] = {
        {"run", rm_cli_run},         {"validate", rm_cli_validate},
        {"plugins", rm_cli_plugins}, {"inspect", rm_cli_inspect},
        {"analyze", rm_cli_analyze}, {"new-plugin", rm_cli_new_plugin},
    };
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        if (strcmp(command, commands[c].name) != 0)
            continue;
        int rc = rm_context_create(&cli.ctx);
        if (rc != RM_OK) {
            fprintf(stderr, "routemap: error: %s\n", rm_strerror(rc));
            return rm_exit_code(rc);
        }
        rm_context_set_logger(cli.ctx, log_to_stderr, NULL);
        rm_context_set_log_level(cli.ctx, cli.quiet     ? RM_LOG_ERROR
                                          : cli.verbose ? RM_LOG_INFO
                                                        : RM_LOG_WARN);
        int code = commands[c].fn(&cli, n, argv + i + 1);
        rm_context_destroy(cli.ctx);
        return code;
    }
    return rm_cli_usage(&cli, NULL, "unknown command '%s'", command);
}
