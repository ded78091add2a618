/*
 * A briefing's exports: vector layers into one GeoPackage (or one file per
 * layer for single-layer formats: GeoJSON, CSV, GPX), raster layers as
 * GeoTIFF beside it (`OUT.<layer>.tif`), all staged until the run ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run_state.h"
#include "util/util.h"

/* "dir/results.gpkg" -> "dir/results" and ".gpkg". */
static int split_ext(const char *path, char **stem, const char **ext)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash))
        dot = path + strlen(path);
    *ext = dot;
    *stem = rm__strdup(path);
    if (!*stem)
        return RM_ENOMEM;
    (*stem)[dot - path] = '\0';
    return RM_OK;
}

static int export_raster(rm__run *r, const char *stem, const char *name,
                         const rm_layer *l)
{
    char *rel = rm__asprintf("%s.%s.tif", stem, name);
    const char *staged;
    int rc = rel ? rm__run_stage(r, rel, &staged) : RM_ENOMEM;
    if (rc == RM_OK)
        rc = rm_io_write_raster(r->ctx, staged, l);
    free(rel);
    return rc;
}

static int single_layer_format(const char *format)
{
    return strcmp(format, "GPKG") != 0;
}

/* The briefing's date as GDAL stamps a GeoPackage: the same briefing
 * gives the same file however often it runs. */
static void stamp_of(int64_t ms, char out[32])
{
    int64_t ms_of_day = ms % 1000 < 0 ? ms % 1000 + 1000 : ms % 1000;
    time_t s = (time_t)((ms - ms_of_day) / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char day[24];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", day, (int)ms_of_day);
}

int rm__run_exports(rm__run *r)
{
    const rm__spec_outputs *o = &r->b->spec->outputs;
    if (!o->export_path.s)
        return RM_OK;
    /* The layers to export: the listed ones, else every step output. */
    size_t cap = r->catalog.n;
    rm_layer **vec = rm_callocarray(cap, sizeof *vec);
    const char **vec_names = rm_callocarray(cap, sizeof *vec_names);
    char *stem = NULL;
    const char *ext = NULL;
    int rc = vec && vec_names ? split_ext(o->export_path.s, &stem, &ext)
                              : RM_ENOMEM;
    size_t n_vec = 0;
    for (size_t i = 0; rc == RM_OK && i < r->catalog.n; i++) {
        rm__catalog_entry *e = &r->catalog.entries[i];
        int wanted = e->is_output;
        if (o->export_layers.n > 0) {
            wanted = 0;
            for (size_t k = 0; k < o->export_layers.n; k++)
                if (strcmp(o->export_layers.items[k], e->name) == 0)
                    wanted = 1;
        }
        if (!wanted)
            continue;
        if (rm_layer_geom_type(e->layer) == RM_GEOM_RASTER)
            rc = export_raster(r, stem, e->name, e->layer);
        else {
            vec_names[n_vec] = e->name;
            vec[n_vec++] = e->layer;
        }
    }
    char stamp[32];
    stamp_of(r->b->spec->briefing.date_ms, stamp);
    rm_write_options wo = RM_WRITE_OPTIONS_INIT;
    wo.format = o->export_format;
    wo.wgs84 = o->export_wgs84;
    wo.timestamp = stamp;
    if (rc == RM_OK && n_vec > 0 && single_layer_format(wo.format) &&
        n_vec > 1) {
        for (size_t i = 0; rc == RM_OK && i < n_vec; i++) {
            char *rel = rm__asprintf("%s.%s%s", stem, vec_names[i], ext);
            const char *staged;
            rc = rel ? rm__run_stage(r, rel, &staged) : RM_ENOMEM;
            if (rc == RM_OK)
                rc = rm_io_write(r->ctx, staged, &vec[i], 1, &wo);
            free(rel);
        }
    } else if (rc == RM_OK && n_vec > 0) {
        const char *staged;
        rc = rm__run_stage(r, o->export_path.s, &staged);
        if (rc == RM_OK)
            rc = rm_io_write(r->ctx, staged, vec, n_vec, &wo);
    }
    free(stem);
    free(vec);
    free(vec_names);
    return rc;
}
