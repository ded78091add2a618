/*
 * The crossings benchmark's workload, shared by bench/crossings and
 * bench/isolation so that both time the step on the same data: a 500 km
 * line of 1,000 vertices and random-walk tracks beside it in UTM 31N,
 * from a fixed-seed xorshift generator (identical on every machine).
 */
#ifndef RM_BENCH_CROSSINGS_WORKLOAD_H
#define RM_BENCH_CROSSINGS_WORKLOAD_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define LINE_VERTS 1000
#define LINE_M 500000.0

static uint64_t rng_state;

static inline uint64_t next_u64(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline double unit(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

/* ---- the workload -------------------------------------------------------- */

typedef struct workload {
    double line[2 * LINE_VERTS];
    size_t n_tracks, n_verts;
    double *xy; /* n_tracks * n_verts * 2 */
} workload;

/* A line heading roughly east from (300 km, 1700 km) in 999 equal steps
 * of 500 km / 999, its heading a damped random walk. */
static inline void make_line(double *xy)
{
    double step = LINE_M / (LINE_VERTS - 1), h = 0.0;
    xy[0] = 300000.0;
    xy[1] = 1700000.0;
    for (int i = 1; i < LINE_VERTS; i++) {
        h = 0.9 * h + (unit() - 0.5) * 0.6;
        xy[2 * i] = xy[2 * i - 2] + step * cos(h);
        xy[2 * i + 1] = xy[2 * i - 1] + step * sin(h);
    }
}

/* Gaussian (Box-Muller; one of the pair is enough here). */
static inline double gauss(void)
{
    double u = unit(), v = unit();
    return sqrt(-2.0 * log(u > 0.0 ? u : 1e-300)) * cos(2.0 * M_PI * v);
}

/*
 * Tracks start beside a random point of the line, up to 20 km off it.
 * "random": a plain random walk, Gaussian steps of 150 m in x and y.
 * "patrol": a persistent walk (heading turns by up to 0.5 rad a step,
 * steps of 100-300 m), which ranges much further: many more crossings.
 */
static inline void make_tracks(workload *w, int patrol)
{
    for (size_t t = 0; t < w->n_tracks; t++) {
        double *p = w->xy + 2 * t * w->n_verts;
        size_t seg = (size_t)(unit() * (LINE_VERTS - 1));
        const double *a = w->line + 2 * seg, *b = a + 2;
        double f = unit(), dx = b[0] - a[0], dy = b[1] - a[1];
        double len = hypot(dx, dy), off = (unit() * 2.0 - 1.0) * 20000.0;
        p[0] = a[0] + f * dx - dy / len * off;
        p[1] = a[1] + f * dy + dx / len * off;
        double h = unit() * 2.0 * M_PI;
        for (size_t k = 1; k < w->n_verts; k++) {
            if (patrol) {
                h += (unit() - 0.5) * 1.0;
                double s = 100.0 + 200.0 * unit();
                p[2 * k] = p[2 * k - 2] + s * cos(h);
                p[2 * k + 1] = p[2 * k - 1] + s * sin(h);
            } else {
                p[2 * k] = p[2 * k - 2] + 150.0 * gauss();
                p[2 * k + 1] = p[2 * k - 1] + 150.0 * gauss();
            }
        }
    }
}

static inline int make_workload(workload *w, size_t n_tracks, size_t n_verts,
                         int patrol)
{
    rng_state = 0x9e3779b97f4a7c15ULL;
    w->n_tracks = n_tracks;
    w->n_verts = n_verts;
    w->xy = malloc(n_tracks * n_verts * 2 * sizeof *w->xy);
    if (!w->xy)
        return -1;
    make_line(w->line);
    make_tracks(w, patrol);
    return 0;
}

#endif
