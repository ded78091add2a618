/*
 * Test fixtures for the renderer: the sample basemap read through rm_io_read
 * into the map CRS, and synthetic analysis layers from a fixed generator.
 * Nothing depends on the clock or the environment but RM_TEST_TMP.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures.h"
#include "routemap/crs.h"
#include "routemap/io.h"

double fx_rand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static double gauss(uint64_t *s)
{
    double u = fx_rand(s) + 1e-12, v = fx_rand(s);
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static rm_layer *load(rm_context *ctx, const char *layer, const char *crs)
{
    rm_read_options o = RM_READ_OPTIONS_INIT;
    o.layer = layer;
    o.label = layer;
    o.target_crs = crs;
    rm_layer *l = NULL;
    if (rm_io_read(ctx, &l, RM_SOURCE_DIR "/maps/data/sahel_basemap.gpkg", &o,
                   NULL))
        return NULL;
    return l;
}

int fx_basemap_load(rm_context *ctx, fx_basemap *b, const char *crs)
{
    memset(b, 0, sizeof *b);
    b->countries = load(ctx, "countries", crs);
    b->admin1 = load(ctx, "admin1", crs);
    b->borders = load(ctx, "borders", crs);
    b->rivers = load(ctx, "rivers", crs);
    b->lakes = load(ctx, "lakes", crs);
    b->places = load(ctx, "places", crs);
    return b->countries && b->borders && b->places ? 0 : -1;
}

void fx_basemap_free(fx_basemap *b)
{
    rm_layer_destroy(b->countries);
    rm_layer_destroy(b->admin1);
    rm_layer_destroy(b->borders);
    rm_layer_destroy(b->rivers);
    rm_layer_destroy(b->lakes);
    rm_layer_destroy(b->places);
    memset(b, 0, sizeof *b);
}

static int to_crs(rm_context *ctx, double *xy, size_t n, const char *crs)
{
    rm_transform *tr = NULL;
    if (rm_transform_create(ctx, &tr, "EPSG:4326", crs))
        return -1;
    int rc = rm_transform_apply(tr, xy, n, NULL);
    rm_transform_destroy(tr);
    return rc;
}

rm_layer *fx_points(rm_context *ctx, const char *name, const double *lonlat,
                    size_t n, const char *crs)
{
    rm_layer *l = NULL;
    if (rm_layer_create(&l, name, RM_GEOM_POINT))
        return NULL;
    rm_layer_set_crs(l, crs);
    for (size_t i = 0; i < n; i++) {
        double xy[2] = {lonlat[2 * i], lonlat[2 * i + 1]};
        to_crs(ctx, xy, 1, crs);
        rm_layer_begin_feature(l, (int64_t)i + 1);
        rm_layer_add_part(l, xy, 1, NULL, 0);
    }
    return l;
}

static const double towns[][2] = {
    {-0.04, 16.27}, /* Gao */
    {1.41, 18.44},  /* Kidal */
    {-3.00, 16.77}, /* Timbuktu */
    {2.39, 15.92},  /* Ménaka */
    {0.91, 20.20},  /* Tessalit */
    {-1.05, 15.0},  /* Hombori */
};

rm_layer *fx_incidents(rm_context *ctx, size_t n, const char *crs,
                       uint64_t seed)
{
    static const char *kinds[] = {"smuggling", "armed clash", "IED",
                                  "checkpoint"};
    rm_layer *l = NULL;
    if (rm_layer_create(&l, "incidents", RM_GEOM_POINT))
        return NULL;
    rm_layer_set_crs(l, crs);
    int fk = rm_layer_add_field(l, "kind", RM_FIELD_STRING);
    int fw = rm_layer_add_field(l, "victims", RM_FIELD_INT);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        const double *t = towns[(size_t)(fx_rand(&s) * 6) % 6];
        double xy[2] = {t[0] + gauss(&s) * 0.55, t[1] + gauss(&s) * 0.4};
        to_crs(ctx, xy, 1, crs);
        rm_layer_begin_feature(l, (int64_t)i + 1);
        rm_layer_add_part(l, xy, 1, NULL, 0);
        double u = fx_rand(&s);
        rm_layer_set_string(l, fk, kinds[u < 0.45 ? 0 : u < 0.7 ? 1
                                                 : u < 0.85 ? 2 : 3]);
        rm_layer_set_int(l, fw, (int64_t)(fx_rand(&s) * fx_rand(&s) * 20));
    }
    rm_layer_set_role(l, RM_ROLE_KIND, fk);
    return l;
}

rm_layer *fx_tracks(rm_context *ctx, size_t n, const char *crs, uint64_t seed)
{
    rm_layer *l = NULL;
    if (rm_layer_create(&l, "tracks", RM_GEOM_LINE))
        return NULL;
    rm_layer_set_crs(l, crs);
    int fid = rm_layer_add_field(l, "track", RM_FIELD_STRING);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double xy[2 * 40];
        const double *t = towns[i % 6];
        double x = t[0] + gauss(&s) * 0.3, y = t[1] + gauss(&s) * 0.3;
        double h = fx_rand(&s) * 2 * M_PI;
        for (int k = 0; k < 40; k++) {
            xy[2 * k] = x;
            xy[2 * k + 1] = y;
            h += gauss(&s) * 0.25;
            x += 0.05 * cos(h);
            y += 0.05 * sin(h);
        }
        to_crs(ctx, xy, 40, crs);
        rm_layer_begin_feature(l, (int64_t)i + 1);
        rm_layer_add_part(l, xy, 40, NULL, 0);
        char name[32];
        snprintf(name, sizeof name, "T%02zu", i + 1);
        rm_layer_set_string(l, fid, name);
    }
    return l;
}

rm_layer *fx_cells(rm_context *ctx, const char *crs, double lon0, double lat0,
                   double lon1, double lat1, double step, uint64_t seed)
{
    rm_layer *l = NULL;
    if (rm_layer_create(&l, "hotspots", RM_GEOM_POLYGON))
        return NULL;
    rm_layer_set_crs(l, crs);
    int fz = rm_layer_add_field(l, "gi_z", RM_FIELD_REAL);
    uint64_t s = seed;
    int64_t id = 1;
    for (double y = lat0; y < lat1 - 1e-9; y += step)
        for (double x = lon0; x < lon1 - 1e-9; x += step) {
            double z = 0;
            for (int t = 0; t < 6; t++) {
                double dx = (x + step / 2 - towns[t][0]) / 0.6;
                double dy = (y + step / 2 - towns[t][1]) / 0.6;
                z += 3.2 * exp(-(dx * dx + dy * dy));
            }
            z += gauss(&s) * 0.4;
            if (z < 1.0)
                continue;
            double ring[10] = {x, y, x + step, y, x + step, y + step,
                               x, y + step, x, y};
            to_crs(ctx, ring, 5, crs);
            rm_layer_begin_feature(l, id++);
            rm_layer_add_part(l, ring, 5, NULL, 1);
            rm_layer_set_real(l, fz, z);
        }
    return l;
}

rm_layer *fx_density(rm_context *ctx, const char *crs, rm_bbox box, int w,
                     int h, uint64_t seed)
{
    (void)ctx;
    double gt[6] = {box.minx, (box.maxx - box.minx) / w, 0,
                    box.maxy, 0, -(box.maxy - box.miny) / h};
    rm_layer *l = NULL;
    if (rm_layer_create_raster(&l, "density", w, h, gt))
        return NULL;
    rm_layer_set_crs(l, crs);
    double *d = rm_layer_raster_data(l);
    uint64_t s = seed;
    double cx[5], cy[5], sg[5];
    for (int i = 0; i < 5; i++) {
        cx[i] = 0.2 + 0.6 * fx_rand(&s);
        cy[i] = 0.2 + 0.6 * fx_rand(&s);
        sg[i] = 0.05 + 0.1 * fx_rand(&s);
    }
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            double v = 0, u = (c + 0.5) / w, t = (r + 0.5) / h;
            for (int i = 0; i < 5; i++) {
                double dx = (u - cx[i]) / sg[i], dy = (t - cy[i]) / sg[i];
                v += exp(-(dx * dx + dy * dy) / 2);
            }
            d[(size_t)r * w + c] = v;
        }
    return l;
}

const char *fx_tmpdir(void)
{
    const char *t = getenv("RM_TEST_TMP");
    if (!t || !*t)
        t = "/tmp/rm_render_test";
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", t);
    if (system(cmd) != 0)
        return NULL;
    return t;
}

unsigned char *fx_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    *out_len = n;
    return buf;
}

char *fx_run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int st = pclose(p);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (st != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
