/*
 * `routemap inspect SOURCE`: layers, fields, CRS, extent and feature counts
 * of any GDAL/OGR source, as text or (with --json) one object per layer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char HELP[] =
    "usage: routemap inspect SOURCE [--json]\n"
    "\n"
    "Describes a data source like `ogrinfo -so`: for each layer its name,\n"
    "geometry type, feature count, fields, CRS and extent (rasters: size,\n"
    "bands, CRS, extent). With --json: an array of objects with name,\n"
    "geometry_type, feature_count, fields, crs and extent.\n";

int rm_cli_inspect(rm_cli *cli, int argc, char **argv)
{
    if (argc >= 1 && rm_cli_is_help(argv[0])) {
        fputs(HELP, stdout);
        return 0;
    }
    const char *source = NULL;
    for (int i = 0; i < argc; i++) {
        if (source)
            return rm_cli_usage(cli, "inspect", "expected one SOURCE");
        source = argv[i];
    }
    if (!source)
        return rm_cli_usage(cli, "inspect", "expected a SOURCE");
    char *text = NULL;
    int rc = rm_io_inspect(cli->ctx, source, cli->json, &text);
    if (rc != RM_OK)
        return rm_cli_fail(cli, rc);
    fputs(text, stdout);
    free(text);
    return 0;
}
