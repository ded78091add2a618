/*
 * Which columns of a CSV hold its coordinates, found by their names
 * (lon/lat and their usual spellings, else a WKT column), and the open
 * options that make GDAL's CSV driver build geometries from them, so the
 * reader and `inspect` see a CSV the same way.
 */
#include <string.h>
#include <strings.h>

#include <cpl_string.h>
#include <ogr_api.h>

#include "io/io_internal.h"

static const char *const X_NAMES[] = {"lon", "longitude", "long", "lng", "x",
                                      NULL};
static const char *const Y_NAMES[] = {"lat", "latitude", "y", NULL};
static const char *const WKT_NAMES[] = {"wkt", "geometry", "geom",
                                        "the_geom", "wkt_geom", NULL};

/* The first of `names` (in their order) that is a column, any case. */
static const char *find_column(OGRFeatureDefnH defn, const char *const *names)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (const char *const *c = names; *c; c++)
        for (int i = 0; i < n; i++) {
            const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
            if (strcasecmp(f, *c) == 0)
                return f;
        }
    return NULL;
}

void rm__csv_find_coords(OGRFeatureDefnH defn, const char **x, const char **y,
                         const char **wkt)
{
    *x = find_column(defn, X_NAMES);
    *y = find_column(defn, Y_NAMES);
    *wkt = NULL;
    if (!*x || !*y) {
        *x = *y = NULL;
        *wkt = find_column(defn, WKT_NAMES);
    }
}

char **rm__csv_open_options(char **oo, const char *x, const char *y,
                            const char *wkt)
{
    if (wkt) {
        oo = CSLSetNameValue(oo, "GEOM_POSSIBLE_NAMES", wkt);
    } else {
        oo = CSLSetNameValue(oo, "X_POSSIBLE_NAMES", x);
        oo = CSLSetNameValue(oo, "Y_POSSIBLE_NAMES", y);
    }
    oo = CSLSetNameValue(oo, "KEEP_GEOM_COLUMNS", "NO");
    oo = CSLSetNameValue(oo, "AUTODETECT_TYPE", "YES");
    oo = CSLSetNameValue(oo, "EMPTY_STRING_AS_NULL", "YES");
    return oo;
}
