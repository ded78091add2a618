/*
 * Least-cost paths traced back through the stored moves: every step of a
 * path is one move of the neighbourhood (knight's moves included), so the
 * path is continuous and its step costs, summed from the source in the
 * order the search added them, give the accumulated cost bit for bit.
 */
#include <math.h>

#include "cr.h"

int64_t cr_trace(const cr_grid *g, const uint8_t *dir, uint32_t end,
                 uint32_t *out, size_t cap)
{
    size_t n = cr_cells(g);
    if (end >= n)
        return -1;
    /* First pass: length; second: cells, source first. */
    int64_t len = 0;
    uint32_t i = end;
    for (;;) {
        len++;
        if ((size_t)len > n)
            return -1;
        int k = dir[i];
        if (k == 0)
            break;
        int r = (int)(i / (uint32_t)g->w) - CR_DR[k];
        int c = (int)(i % (uint32_t)g->w) - CR_DC[k];
        if (r < 0 || c < 0 || r >= g->h || c >= g->w)
            return -1;
        i = (uint32_t)r * (uint32_t)g->w + (uint32_t)c;
    }
    if (out && (size_t)len <= cap) {
        i = end;
        for (int64_t j = len - 1; j >= 0; j--) {
            out[j] = i;
            int k = dir[i];
            if (k == 0)
                break;
            int r = (int)(i / (uint32_t)g->w) - CR_DR[k];
            int c = (int)(i % (uint32_t)g->w) - CR_DC[k];
            i = (uint32_t)r * (uint32_t)g->w + (uint32_t)c;
        }
    }
    return len;
}

/* The move from cell a to the neighbouring cell b, or 0. */
static int move_between(const cr_grid *g, uint32_t a, uint32_t b)
{
    int dr = (int)(b / (uint32_t)g->w) - (int)(a / (uint32_t)g->w);
    int dc = (int)(b % (uint32_t)g->w) - (int)(a % (uint32_t)g->w);
    for (int k = 1; k <= 16; k++)
        if (CR_DR[k] == dr && CR_DC[k] == dc)
            return k;
    return 0;
}

double cr_path_cost(const cr_grid *g, const float *f, const uint32_t *p,
                    size_t n)
{
    double sum = 0;
    for (size_t j = 1; j < n; j++) {
        int k = move_between(g, p[j - 1], p[j]);
        if (k == 0)
            return NAN;
        int r = (int)(p[j - 1] / (uint32_t)g->w);
        int c = (int)(p[j - 1] % (uint32_t)g->w);
        sum += cr_step_cost(g, f, r, c, k);
    }
    return sum;
}

double cr_path_length(const cr_grid *g, const uint32_t *p, size_t n)
{
    double sum = 0;
    for (size_t j = 1; j < n; j++)
        sum += cr_move_length(move_between(g, p[j - 1], p[j])) * g->res;
    return sum;
}
