/*
 * Render benchmark workload: 1,000,000 points and 10,000 lines, made
 * deterministically (fixed generator), drawn on one A4 page as PNG at
 * 150 dpi or as PDF. Prints the time of rm_render alone; run.sh wraps the
 * whole process in /usr/bin/time -v for wall time and peak memory.
 * Usage: bench_render png|pdf OUTDIR [n_points n_lines]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "routemap/context.h"
#include "routemap/layer.h"
#include "routemap/render.h"

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static double rnd(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(state >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
    double u = rnd() + 1e-12, v = rnd();
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of this process: wall time is unreliable on a busy machine. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "png") && strcmp(argv[1], "pdf"))) {
        fprintf(stderr, "usage: bench_render png|pdf OUTDIR [points lines]\n");
        return 2;
    }
    size_t np = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
    size_t nl = argc > 4 ? strtoul(argv[4], NULL, 10) : 10000;
    rm_context *ctx = NULL;
    if (rm_context_create(&ctx))
        return 1;
    /* UTM 31N, an area of 500 km x 700 km around Gao. */
    const char *crs = "EPSG:32631";
    double x0 = 150000, y0 = 1550000, w = 500000, h = 700000;
    double t0 = now();
    rm_layer *pts = NULL, *lines = NULL;
    rm_layer_create(&pts, "incidents", RM_GEOM_POINT);
    rm_layer_set_crs(pts, crs);
    double cx[12], cy[12];
    for (int i = 0; i < 12; i++) {
        cx[i] = x0 + w * (0.1 + 0.8 * rnd());
        cy[i] = y0 + h * (0.1 + 0.8 * rnd());
    }
    for (size_t i = 0; i < np; i++) {
        double xy[2];
        if (rnd() < 0.3) {
            xy[0] = x0 + w * rnd();
            xy[1] = y0 + h * rnd();
        } else {
            int c = (int)(rnd() * 12) % 12;
            xy[0] = cx[c] + gauss() * 30000;
            xy[1] = cy[c] + gauss() * 30000;
        }
        rm_layer_begin_feature(pts, (int64_t)i);
        rm_layer_add_part(pts, xy, 1, NULL, 0);
    }
    rm_layer_create(&lines, "tracks", RM_GEOM_LINE);
    rm_layer_set_crs(lines, crs);
    for (size_t i = 0; i < nl; i++) {
        double xy[2 * 20];
        double x = x0 + w * rnd(), y = y0 + h * rnd(), hd = rnd() * 2 * M_PI;
        for (int k = 0; k < 20; k++) {
            xy[2 * k] = x;
            xy[2 * k + 1] = y;
            hd += gauss() * 0.3;
            x += 2500 * cos(hd);
            y += 2500 * sin(hd);
        }
        rm_layer_begin_feature(lines, (int64_t)i);
        rm_layer_add_part(lines, xy, 20, NULL, 0);
    }
    double t1 = now(), c1 = cpu();

    rm_render_layer layers[2] = {
        /* Styles named: full-size markers, the harder case. */
        {lines, "Tracks", "default-tracks", 0, NULL, "tracks"},
        {pts, "Incidents", "default-incidents", 0, NULL, "incidents"},
    };
    rm_render_page page = RM_RENDER_PAGE_INIT;
    page.title = "Render benchmark: 1,000,000 points, 10,000 lines";
    page.layers = layers;
    page.n_layers = 2;
    rm_bbox ext = {x0, y0, x0 + w, y0 + h};
    page.extent = ext;
    rm_render_doc doc = RM_RENDER_DOC_INIT;
    doc.title = "routemap render benchmark";
    doc.classification = "UNCLASSIFIED";
    doc.sources = "synthetic";
    doc.date_ms = 1790769600000LL;
    doc.crs = crs;
    doc.crs_name = "WGS 84 / UTM zone 31N";
    doc.pages = &page;
    doc.n_pages = 1;
    char path[1024];
    rm_render_output out = RM_RENDER_OUTPUT_INIT;
    if (!strcmp(argv[1], "png")) {
        snprintf(path, sizeof path, "%s/bench-%%d.png", argv[2]);
        out.png_pattern = path;
        out.png_dpi = 150;
    } else {
        snprintf(path, sizeof path, "%s/bench.pdf", argv[2]);
        out.pdf_path = path;
    }
    int rc = rm_render(ctx, &doc, &out);
    double t2 = now(), c2 = cpu();
    if (rc)
        fprintf(stderr, "render failed: %s\n", rm_errmsg(ctx));
    printf("workload %zu points %zu lines: build %.3f s; rm_render %s: "
           "%.3f s wall, %.3f s cpu\n",
           np, nl, t1 - t0, argv[1], t2 - t1, c2 - c1);
    rm_layer_destroy(pts);
    rm_layer_destroy(lines);
    rm_context_destroy(ctx);
    return rc ? 1 : 0;
}
