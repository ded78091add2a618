/*
 * Fuzz target: reading CSV and GeoJSON through rm_io_read from a GDAL
 * in-memory file. The first byte chooses the format and the options
 * (reprojection, area and period filters, roles, a sensitive field, a WKT
 * column); the rest is the file. Any file must load or fail with a
 * message; a loaded layer must be well-formed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>

#include "fuzz.h"
#include "routemap/io.h"
#include "routemap/layer.h"

enum {
    OPT_GEOJSON = 1 << 0,
    OPT_REPROJECT = 1 << 1,
    OPT_AREA = 1 << 2,
    OPT_PERIOD = 1 << 3,
    OPT_ROLES = 1 << 4,
    OPT_SENSITIVE = 1 << 5,
    OPT_WKT = 1 << 6
};

/* Every coordinate and offset of a loaded layer is usable. */
static void check_layer(const rm_layer *l)
{
    size_t nf = rm_layer_feature_count(l), np = rm_layer_part_count(l);
    size_t nc = rm_layer_coord_count(l);
    const int64_t *fo = rm_layer_feature_offsets(l);
    const int64_t *po = rm_layer_part_offsets(l);
    const double *xy = rm_layer_xy(l);
    if (rm_layer_geom_type(l) == RM_GEOM_RASTER)
        __builtin_trap(); /* CSV and GeoJSON hold no rasters */
    if (nf > 0 && fo && (fo[0] != 0 || (size_t)fo[nf] != np))
        __builtin_trap();
    if (np > 0 && po && (po[0] != 0 || (size_t)po[np] != nc))
        __builtin_trap();
    for (size_t i = 0; xy && i < 2 * nc; i++)
        if (!isfinite(xy[i]))
            __builtin_trap(); /* NaN coordinates are dropped on load */
    for (int f = 0; f < rm_layer_field_count(l); f++)
        for (size_t r = 0; r < nf; r++)
            if (rm_layer_field_type(l, f) == RM_FIELD_STRING &&
                !rm_layer_field_is_null(l, f, r) &&
                !rm_layer_field_string(l, f, r))
                __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_context *ctx = rm_fuzz_context();
    if (!ctx || size < 1)
        return 0;
    unsigned opt_bits = data[0];
    const char *path = opt_bits & OPT_GEOJSON ? "/vsimem/fuzz/in.geojson"
                                              : "/vsimem/fuzz/in.csv";
    VSILFILE *f = VSIFileFromMemBuffer(path, (GByte *)(data + 1), size - 1,
                                       FALSE);
    if (!f)
        return 0;
    VSIFCloseL(f);
    rm_read_options o = RM_READ_OPTIONS_INIT;
    static const char *const sensitive[] = {"informant"};
    if (opt_bits & OPT_REPROJECT)
        o.target_crs = "EPSG:32631";
    if (opt_bits & OPT_AREA) {
        o.has_area = 1;
        o.area.minx = 0;
        o.area.miny = 14;
        o.area.maxx = 1;
        o.area.maxy = 15;
    }
    if (opt_bits & OPT_PERIOD) {
        o.has_period = 1;
        o.period_start_ms = 1782864000000LL; /* 2026-07-01 */
        o.period_end_ms = 1790812799999LL;   /* 2026-09-30 end */
    }
    if (opt_bits & OPT_ROLES) {
        o.role_fields[RM_ROLE_ID] = "id";
        o.role_fields[RM_ROLE_TIME] = "when";
        o.role_fields[RM_ROLE_KIND] = "kind";
    }
    if (opt_bits & OPT_SENSITIVE) {
        o.sensitive = sensitive;
        o.n_sensitive = 1;
    }
    if (opt_bits & OPT_WKT)
        o.wkt_field = "wkt";
    o.label = "fuzz";
    rm_layer *l = NULL;
    rm_read_report rep;
    int rc = rm_io_read(ctx, &l, path, &o, &rep);
    if (rc == RM_OK) {
        check_layer(l);
        if (opt_bits & OPT_SENSITIVE &&
            rm_layer_field_index(l, "informant") >= 0)
            __builtin_trap(); /* sensitive fields are never loaded */
    } else if (l) {
        __builtin_trap(); /* a failed read returns no layer */
    }
    rm_layer_destroy(l);
    VSIUnlink(path);
    return 0;
}
