/*
 * The hotspots plugin: its descriptor (parameters, outputs, help with
 * every convention) and `run`, which chains the steps: incidents and
 * study area, lattice and binning, automatic choices, Gi* with FDR and
 * permutations, NNI, Moran's I, PAI, KDE and emerging hot spots. All the
 * arithmetic lives in the step files; this file only orders and checks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define NaN NAN
#define MAX_DENSE 60000000LL /* dense lattice elements, ~1 GB at most */
#define MAX_RASTER 100000000LL
#define MIN_NONEMPTY 30

const char HS_CONVENTIONS[] =
    "Gi*: Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) as R spdep "
    "localG on a weights list that includes each cell itself: binary "
    "weights (not row-standardised), fixed distance band between cell "
    "centres, inclusive (a cell at exactly the band distance is a "
    "neighbour); mean and variance over all n cells of the set, "
    "S^2 = sum (x - mean)^2 / n; variance term (n W - W^2) / (n - 1). "
    "P-values are two-sided from the normal distribution. Classes -3..3 "
    "mark 99/95/90 % cold/hot spots; with fdr (default) the levels apply "
    "to Benjamini-Hochberg adjusted p-values (gi_q), else to gi_p. "
    "Permutations: conditional randomisation, each cell keeps its value "
    "and draws W-1 distinct other cells' values; gi_psim = (min(#>=, #<=) "
    "+ 1) / (N + 1), folded one-sided as in PySAL esda; xoshiro256** "
    "seeded by splitmix64(seed). Moran's I: binary band weights without "
    "self, z under randomisation as R spdep moran.test, two-sided p. NNI: "
    "Clark & Evans (1954), study-area area, two-sided p. PAI (Chainey et "
    "al. 2008): (holdout incidents in hot cells / holdout incidents) / "
    "(hot-cell area / study area), hot cells = gi_class >= 1. KDE: "
    "density in incidents (or weight) per km^2, linear binning then a "
    "kernel normalised over the raster cells. Emerging hot spots: "
    "space-time Gi* with the same band and the previous time_lag steps; "
    "a step is hot/cold when its two-sided p < trend_alpha; Mann-Kendall "
    "with continuity correction on each cell's z series, tau-b.";

static const char HELP[] =
    "Hot spots of incidents in a border zone.\n"
    "\n"
    "Study area: with `zone`, the band of zone_km on each side of the "
    "zone's lines (or polygon boundaries), flat end caps unless "
    "zone_caps=round, clipped to the briefing area (or `area`); without "
    "it the briefing area, else `area` (minx,miny,maxx,maxy in the "
    "analysis CRS), else the incidents' extent. Incidents outside are "
    "left out and counted.\n"
    "\n"
    "Lattice: cell=hex|square; cell_km is the distance between adjacent "
    "centres (the side for squares); hex_orientation pointy|flat; "
    "grid_origin [x, y] (default 0,0) is the centre of one cell. A cell "
    "belongs to the study area when its centre lies in it, or when it "
    "holds an incident of the area. cells_scope=all keeps every such "
    "cell (empty ones count 0); nonempty keeps only cells with "
    "incidents, as spdep run on those cells alone.\n"
    "\n"
    "Automatic choices (each reported in the metrics and the manifest): "
    "cell_km by the rule of ArcGIS Optimized Hot Spot Analysis: the "
    "non-zero nearest-neighbour distances of the incidents in the study "
    "area's bounding box, without "
    "locational outliers (> mean + 3 SD); the larger of their mean and "
    "median, times the larger of 2 and the mean/median ratio; never so "
    "small that the area holds more than max_cells cells. band_km: "
    "global Moran's I z over 10 bands starting at the smallest distance "
    "that gives every cell (but outliers) a neighbour, in steps of one "
    "cell; the first peak with z >= 1.96, else the highest peak, else "
    "the mean distance to the k-th nearest cell (k = 5 % of the cells, "
    "3..30) capped at the standard distance. bandwidth_km (KDE): "
    "Silverman's rule adapted to space as in ArcGIS Kernel Density, "
    "0.9 min(SD, sqrt(1/ln 2) Dm) n^-0.2 (Silverman 1986). kde_cell_km: "
    "the shorter side of the area / 250 (ArcGIS's default).\n"
    "\n"
    "Holdout: a date (YYYY-MM-DD[THH:MM[:SS]], UTC). Incidents with a "
    "time >= holdout form the holdout set, the others (and those without "
    "a time) the training set; every map is made from the training set "
    "and the PAI measures how well its hot cells (gi_class >= 1) catch "
    "the holdout incidents.\n"
    "\n"
    "Emerging hot spots (time_step set): steps end at the last training "
    "incident; space-time Gi* per cell and step; Mann-Kendall on each "
    "cell's z series; categories (Esri Emerging Hot Spot Analysis), "
    "checked in this order: final step hot: >= 90 % of steps hot -> "
    "intensifying (significant upward trend), diminishing (significant "
    "downward) or persistent; only the final step hot -> new; one run of "
    ">= 2 hot steps at the end and no hot step before -> consecutive; "
    "any cold step before -> oscillating; else sporadic. Final step cold: "
    "the cold mirror images. Neither: >= 90 % of steps hot -> historical "
    "hot spot, >= 90 % cold -> historical cold spot; else no pattern. At "
    "least 10 steps are required.\n"
    "\n"
    "Refusals: fewer than 30 cells with incidents, or values without "
    "variance.\n"
    "\n"
    "Conventions: see the manifest note hotspots.conventions.";

static const rm_param_desc PARAMS[] = {
    {"incidents", RM_PARAM_LAYER, NULL, NULL, 1, NaN, NaN, NULL,
     RM_ACCEPT_POINT, "Incident points (weight and time roles are used)."},
    {"zone", RM_PARAM_LAYER, NULL, NULL, 0, NaN, NaN, NULL,
     RM_ACCEPT_LINE | RM_ACCEPT_POLYGON,
     "Border lines or polygons; the analysis keeps a band around them."},
    {"zone_km", RM_PARAM_DISTANCE, "km", "15", 0, 0.001, 10000, NULL, 0,
     "Half width of the zone band: distance on each side of the border."},
    {"zone_caps", RM_PARAM_ENUM, NULL, "flat", 0, NaN, NaN, "flat|round", 0,
     "End caps of the band at the ends of border lines."},
    {"area", RM_PARAM_REAL | RM_PARAM_LIST, NULL, NULL, 0, NaN, NaN, NULL, 0,
     "Study area minx,miny,maxx,maxy in the analysis CRS (m) when the run "
     "has no briefing area."},
    {"cell", RM_PARAM_ENUM, NULL, "hex", 0, NaN, NaN, "hex|square", 0,
     "Cell shape."},
    {"cell_km", RM_PARAM_DISTANCE, "km", NULL, 0, 0.001, 10000, NULL, 0,
     "Distance between adjacent cell centres; automatic when unset."},
    {"hex_orientation", RM_PARAM_ENUM, NULL, "pointy", 0, NaN, NaN,
     "pointy|flat", 0, "Hexagon orientation."},
    {"grid_origin", RM_PARAM_REAL | RM_PARAM_LIST, NULL, NULL, 0, NaN, NaN,
     NULL, 0, "x,y of one cell centre in the analysis CRS (default 0,0)."},
    {"cells_scope", RM_PARAM_ENUM, NULL, "all", 0, NaN, NaN, "all|nonempty",
     0, "all: every cell of the study area; nonempty: cells with incidents."},
    {"max_cells", RM_PARAM_INT, NULL, "2000000", 0, 100, 50000000, NULL, 0,
     "Most cells an automatic cell size may create."},
    {"value", RM_PARAM_ENUM, NULL, "auto", 0, NaN, NaN, "auto|count|weight",
     0, "Analysed value: weight sums when a weight is mapped (auto)."},
    {"weight_field", RM_PARAM_STRING, NULL, NULL, 0, NaN, NaN, NULL, 0,
     "Weight field (overrides the weight role)."},
    {"time_field", RM_PARAM_STRING, NULL, NULL, 0, NaN, NaN, NULL, 0,
     "Time field (overrides the time role)."},
    {"band_km", RM_PARAM_DISTANCE, "km", NULL, 0, 0.001, 100000, NULL, 0,
     "Gi* distance band, inclusive; automatic when unset."},
    {"fdr", RM_PARAM_BOOL, NULL, "true", 0, NaN, NaN, NULL, 0,
     "Benjamini-Hochberg false-discovery-rate correction of the classes."},
    {"permutations", RM_PARAM_INT, NULL, "0", 0, 0, 99999, NULL, 0,
     "Conditional permutations for pseudo p-values (0: none; e.g. 499)."},
    {"seed", RM_PARAM_INT, NULL, "20260701", 0, 0, 9.0e15, NULL, 0,
     "Seed of the permutation generator."},
    {"holdout", RM_PARAM_STRING, NULL, NULL, 0, NaN, NaN, NULL, 0,
     "Date: incidents from it on are held out to measure the PAI."},
    {"kde", RM_PARAM_BOOL, NULL, "false", 0, NaN, NaN, NULL, 0,
     "Also compute a kernel density raster."},
    {"kernel", RM_PARAM_ENUM, NULL, "quartic", 0, NaN, NaN,
     "quartic|gaussian", 0, "KDE kernel (Gaussian: bandwidth is sigma)."},
    {"bandwidth_km", RM_PARAM_DISTANCE, "km", NULL, 0, 0.001, 100000, NULL,
     0, "KDE bandwidth; automatic (Silverman's spatial rule) when unset."},
    {"kde_cell_km", RM_PARAM_DISTANCE, "km", NULL, 0, 0.001, 100000, NULL,
     0, "KDE raster cell; automatic (shorter side / 250) when unset."},
    {"time_step", RM_PARAM_DURATION, "d", NULL, 0, 0.0001, 100000, NULL, 0,
     "Time step for emerging hot spots, e.g. 30d."},
    {"time_lag", RM_PARAM_INT, NULL, "1", 0, 0, 1000, NULL, 0,
     "Previous steps that are space-time neighbours."},
    {"trend_alpha", RM_PARAM_REAL, NULL, "0.05", 0, 0.0001, 0.5, NULL, 0,
     "Significance level of hot/cold steps and of the trend."},
};

static const rm_output_desc OUTPUTS[] = {
    {"cells", RM_GEOM_POLYGON,
     "Cells: count, weight, gi_z, gi_p, gi_q, gi_class, gi_n, cx, cy."},
    {"kde", RM_GEOM_RASTER, "Kernel density, incidents per km^2."},
    {"trends", RM_GEOM_POLYGON,
     "Emerging hot-spot category per cell: trend, mk_tau, mk_p."},
    {"zone", RM_GEOM_POLYGON, "The zone band that was analysed."},
    {"metrics", RM_GEOM_NONE,
     "One row: cell size, band, NNI, Moran's I, PAI and their reasons."},
};

/* ---- steps --------------------------------------------------------------- */

static int split_holdout(hs_run *r)
{
    const rm_host_api *api = r->api;
    const char *h = api->param_string(r->step, "holdout");
    int64_t cut = 0;
    if (h && hs_parse_time(h, &cut))
        return api->fail(r->step, RM_EINVAL,
                         "holdout: '%s' is not a date; write it as "
                         "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]", h);
    if (h && !r->t)
        return api->fail(r->step, RM_EINVAL,
                         "holdout: the incidents have no time; map the "
                         "time role or set time_field");
    for (size_t i = 0; i < r->n; i++) {
        int later = h && r->has_t[i] && r->t[i] >= cut;
        r->keep[i] = !later;
        r->later[i] = (uint8_t)later;
        if (r->t && !r->has_t[i])
            r->n_no_time++;
    }
    if (h) {
        size_t nl = 0;
        for (size_t i = 0; i < r->n; i++)
            nl += r->later[i];
        if (nl == 0)
            return api->fail(r->step, RM_EDATA_EMPTY,
                             "holdout: no incident has a time on or after "
                             "%s; choose an earlier holdout date", h);
        r->has_pai = 1;
    }
    return RM_OK;
}

static int lattice_params(hs_run *r, hs_lattice *L)
{
    const rm_host_api *api = r->api;
    memset(L, 0, sizeof *L);
    const char *cell = api->param_string(r->step, "cell");
    const char *ori = api->param_string(r->step, "hex_orientation");
    L->hex = !(cell && strcmp(cell, "square") == 0);
    L->pointy = !(ori && strcmp(ori, "flat") == 0);
    if (api->param_is_set(r->step, "grid_origin")) {
        if (api->param_count(r->step, "grid_origin") != 2)
            return api->fail(r->step, RM_EINVAL,
                             "grid_origin: expected two numbers x,y in the "
                             "analysis CRS, got %zu",
                             api->param_count(r->step, "grid_origin"));
        L->ox = api->param_list_real(r->step, "grid_origin", 0);
        L->oy = api->param_list_real(r->step, "grid_origin", 1);
        if (!isfinite(L->ox) || !isfinite(L->oy))
            return api->fail(r->step, RM_EINVAL,
                             "grid_origin: x and y must be finite numbers");
    }
    return RM_OK;
}

/* Inside the study area (box, or zone via cell classes). */
static int in_box(const hs_run *r, double x, double y)
{
    return x >= r->box[0] && x <= r->box[2] && y >= r->box[1] &&
           y <= r->box[3];
}

static int choose_cell(hs_run *r, int hex)
{
    const rm_host_api *api = r->api;
    if (api->param_is_set(r->step, "cell_km")) {
        r->cell_m = api->param_real(r->step, "cell_km") * 1000.0;
        snprintf(r->cell_how, sizeof r->cell_how, "given");
        return RM_OK;
    }
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        m += r->keep[i] && isfinite(r->xy[2 * i]) &&
             in_box(r, r->xy[2 * i], r->xy[2 * i + 1]);
    double *pts = hs_alloc(m ? m : 1, 2 * sizeof *pts);
    double *nn = hs_alloc(m ? m : 1, sizeof *nn);
    if (!pts || !nn) {
        free(pts);
        free(nn);
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    }
    size_t j = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->keep[i] && isfinite(r->xy[2 * i]) &&
            in_box(r, r->xy[2 * i], r->xy[2 * i + 1])) {
            pts[2 * j] = r->xy[2 * i];
            pts[2 * j + 1] = r->xy[2 * i + 1];
            j++;
        }
    int rc = hs_nn_distances(pts, m, nn);
    double c = NaN;
    if (rc == 0)
        c = hs_auto_cell(nn, m, r->area_m2, hex,
                         api->param_int(r->step, "max_cells"), r->cell_how,
                         sizeof r->cell_how);
    free(pts);
    free(nn);
    if (rc)
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    if (!(c > 0))
        return api->fail(r->step, RM_EDATA_EMPTY,
                         "cell_km: cannot choose a cell size: fewer than "
                         "two incidents at distinct locations in the study "
                         "area; set cell_km");
    r->cell_m = c;
    return RM_OK;
}

/* Cell classes against the zone: 0 out, 1 crossing, 2 inside. */
static uint8_t *zone_classes(hs_run *r)
{
    hs_cells *c = &r->cells;
    const hs_lattice *L = &c->L;
    uint8_t *cls = hs_calloc((size_t)c->n_dense, 1);
    if (!cls)
        return NULL;
    double ring[14], R = L->s; /* R > circumradius */
    for (int64_t b = L->pad; b < L->h - L->pad; b++)
        for (int64_t a = L->pad; a < L->w - L->pad; a++) {
            double x, y;
            hs_lattice_centre(L, L->q0 + a, L->r0 + b, &x, &y);
            if (x + R < r->box[0] || x - R > r->box[2] ||
                y + R < r->box[1] || y - R > r->box[3])
                continue;
            int n = hs_lattice_ring(L, L->q0 + a, L->r0 + b, ring);
            cls[b * L->w + a] = (uint8_t)hs_zone_classify(r->zone, ring, n);
        }
    return cls;
}

static int build_cells(hs_run *r, const hs_lattice *L0, int pad)
{
    const rm_host_api *api = r->api;
    hs_lattice L = *L0;
    L.s = r->cell_m;
    if (hs_lattice_set_range(&L, r->box, pad, MAX_DENSE))
        return api->fail(r->step, RM_EINVAL,
                         "cell_km: %.3f km cells over the %.0f x %.0f km "
                         "study area would need more than %lld lattice "
                         "cells; choose a larger cell_km",
                         r->cell_m / 1000.0, (r->box[2] - r->box[0]) / 1e3,
                         (r->box[3] - r->box[1]) / 1e3,
                         (long long)MAX_DENSE);
    if (hs_cells_init(&r->cells, &L))
        return api->fail(r->step, RM_ENOMEM, "out of memory for %lld cells",
                         (long long)(L.w * L.h));
    hs_cells *c = &r->cells;
    const char *scope = api->param_string(r->step, "cells_scope");
    int all = !(scope && strcmp(scope, "nonempty") == 0);
    uint8_t *zc = NULL;
    if (r->zone) {
        zc = zone_classes(r);
        if (!zc)
            return api->fail(r->step, RM_ENOMEM, "out of memory");
    }
    /* Which incidents are in the study area. */
    for (size_t i = 0; i < r->n; i++) {
        uint8_t *sets[2] = {r->keep, r->later};
        for (int s = 0; s < 2; s++) {
            if (!sets[s][i])
                continue;
            double x = r->xy[2 * i], y = r->xy[2 * i + 1];
            int in = isfinite(x) && isfinite(y) && in_box(r, x, y);
            if (in && zc) {
                int64_t q, rr;
                hs_lattice_cell(&c->L, x, y, &q, &rr);
                int64_t k = hs_lattice_index(&c->L, q, rr);
                int cl = k >= 0 ? zc[k] : 0;
                in = cl == 2 || (cl == 1 && hs_zone_contains(r->zone, x, y));
            }
            if (!in) {
                sets[s][i] = 0;
                r->n_outside++;
            }
        }
    }
    size_t outside = 0;
    hs_cells_bin(c, r->xy, r->w, r->keep, r->n, &outside);
    for (size_t i = 0; i < r->n; i++) {
        r->n_keep += r->keep[i];
        r->n_later += r->later[i];
    }
    /* Members. */
    for (int64_t b = L.pad; b < L.h - L.pad; b++)
        for (int64_t a = L.pad; a < L.w - L.pad; a++) {
            int64_t k = b * L.w + a;
            int m = c->count[k] > 0;
            if (all && !m) {
                double x, y;
                hs_lattice_centre(&L, L.q0 + a, L.r0 + b, &x, &y);
                if (zc)
                    m = zc[k] == 2 ||
                        (zc[k] == 1 && hs_zone_contains(r->zone, x, y));
                else
                    m = in_box(r, x, y);
            }
            c->member[k] = (uint8_t)m;
        }
    free(zc);
    if (hs_cells_relist(c))
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    r->n_nonempty = 0;
    for (size_t k = 0; k < c->n; k++)
        r->n_nonempty += c->count[c->list[k]] > 0;
    if (r->n_nonempty < MIN_NONEMPTY)
        return api->fail(r->step, RM_EDATA_EMPTY,
                         "only %zu cells of %.3f km hold incidents (%zu "
                         "incidents in %s); Gi* needs at least %d: use a "
                         "smaller cell_km, a larger area or more data",
                         r->n_nonempty, r->cell_m / 1000.0, r->n_keep,
                         r->area_from, MIN_NONEMPTY);
    return RM_OK;
}

static int gi_step(hs_run *r)
{
    const rm_host_api *api = r->api;
    hs_cells *c = &r->cells;
    size_t n = c->n;
    r->x = hs_cells_values(c, r->use_weight);
    r->z = hs_alloc(n, sizeof *r->z);
    r->p = hs_alloc(n, sizeof *r->p);
    r->q = hs_alloc(n, sizeof *r->q);
    r->nb = hs_alloc(n, sizeof *r->nb);
    r->cls = hs_alloc(n, sizeof *r->cls);
    if (!r->x || !r->z || !r->p || !r->q || !r->nb || !r->cls)
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    if (hs_gi_star(c, &r->st, r->x, r->z, r->nb))
        return api->fail(r->step, RM_EDATA_EMPTY,
                         "every one of the %zu cells has the same %s; Gi* "
                         "needs values that vary (zero variance)",
                         n, r->use_weight ? "weight sum" : "count");
    for (size_t k = 0; k < n; k++)
        r->p[k] = hs_p_two_sided(r->z[k]);
    if (hs_fdr_qvalues(r->p, n, r->q))
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    int fdr = api->param_bool(r->step, "fdr");
    for (size_t k = 0; k < n; k++)
        r->cls[k] = hs_class(r->z[k], fdr ? r->q[k] : r->p[k]);
    r->perms = (int)api->param_int(r->step, "permutations");
    if (r->perms > 0) {
        r->psim = hs_alloc(n, sizeof *r->psim);
        if (!r->psim ||
            hs_gi_permutations(c, &r->st, r->x, r->perms,
                               (uint64_t)api->param_int(r->step, "seed"),
                               r->psim))
            return api->fail(r->step, RM_ENOMEM, "out of memory");
    }
    return RM_OK;
}

static void metrics_step(hs_run *r)
{
    /* NNI of the training incidents in the study area. */
    size_t m = r->n_keep, j = 0;
    double *pts = hs_alloc(m ? m : 1, 2 * sizeof *pts);
    double *nn = hs_alloc(m ? m : 1, sizeof *nn);
    if (pts && nn && m >= 2) {
        for (size_t i = 0; i < r->n; i++)
            if (r->keep[i]) {
                pts[2 * j] = r->xy[2 * i];
                pts[2 * j + 1] = r->xy[2 * i + 1];
                j++;
            }
        if (hs_nn_distances(pts, m, nn) == 0) {
            hs_nni_index(nn, m, r->area_m2, &r->nni);
            r->nni_ok = 1;
        }
    }
    free(pts);
    free(nn);
    r->moran_ok = hs_moran_i(&r->cells, &r->st, r->x, &r->moran) == 0;
    if (r->has_pai) {
        const hs_cells *c = &r->cells;
        int8_t *hot = hs_calloc((size_t)c->n_dense, 1);
        if (!hot)
            return;
        size_t n_hot = 0;
        for (size_t k = 0; k < c->n; k++)
            if (r->cls[k] >= 1) {
                hot[c->list[k]] = 1;
                n_hot++;
            }
        size_t hits = 0;
        for (size_t i = 0; i < r->n; i++) {
            if (!r->later[i])
                continue;
            int64_t q, rr;
            hs_lattice_cell(&c->L, r->xy[2 * i], r->xy[2 * i + 1], &q, &rr);
            int64_t k = hs_lattice_index(&c->L, q, rr);
            hits += k >= 0 && hot[k];
        }
        free(hot);
        r->pai_hits = hits;
        r->pai_hit_rate = r->n_later ? (double)hits / (double)r->n_later
                                     : NaN;
        r->pai_area_rate =
            (double)n_hot * hs_lattice_cell_area(&c->L) / r->area_m2;
        r->pai = r->pai_area_rate > 0 ? r->pai_hit_rate / r->pai_area_rate
                                      : NaN;
    }
}

static int trends_step(hs_run *r)
{
    const rm_host_api *api = r->api;
    if (!api->param_is_set(r->step, "time_step"))
        return RM_OK;
    if (!r->t)
        return api->fail(r->step, RM_EINVAL,
                         "time_step: the incidents have no time; map the "
                         "time role or set time_field");
    double step_ms = api->param_real(r->step, "time_step") * 86400000.0;
    int64_t tmin = INT64_MAX, tmax = INT64_MIN;
    for (size_t i = 0; i < r->n; i++)
        if (r->keep[i] && r->has_t[i]) {
            tmin = r->t[i] < tmin ? r->t[i] : tmin;
            tmax = r->t[i] > tmax ? r->t[i] : tmax;
        }
    if (tmin > tmax)
        return api->fail(r->step, RM_EDATA_EMPTY,
                         "time_step: no incident in the study area has a "
                         "time");
    int64_t sm = (int64_t)llround(step_ms);
    if (sm < 1)
        sm = 1;
    int64_t t_end = tmax + 1;
    int64_t T = (t_end - tmin + sm - 1) / sm;
    if (T < 10)
        return api->fail(r->step, RM_EINVAL,
                         "time_step: the incidents span only %lld steps of "
                         "%g days; emerging hot spots need at least 10 "
                         "(use a shorter time_step)",
                         (long long)T, step_ms / 86400000.0);
    hs_cells *c = &r->cells;
    if (T * c->n_dense > 400000000LL)
        return api->fail(r->step, RM_EINVAL,
                         "time_step: %lld steps over %lld lattice cells is "
                         "too large; use a longer time_step or larger "
                         "cells", (long long)T, (long long)c->n_dense);
    r->T = (size_t)T;
    r->t_end = t_end;
    r->step_ms = (double)sm;
    size_t N = c->n, nd = (size_t)c->n_dense;
    double *x = hs_calloc(r->T * nd, sizeof *x);
    r->zst = hs_alloc(r->T * N, sizeof *r->zst);
    r->mk_tau = hs_alloc(N, sizeof *r->mk_tau);
    r->mk_p = hs_alloc(N, sizeof *r->mk_p);
    r->mk_s = hs_alloc(N, sizeof *r->mk_s);
    r->trend = hs_alloc(N, sizeof *r->trend);
    double *zs = hs_alloc(r->T, sizeof *zs), *ps = hs_alloc(r->T, sizeof *ps);
    if (!x || !r->zst || !r->mk_tau || !r->mk_p || !r->mk_s || !r->trend ||
        !zs || !ps) {
        free(x);
        free(zs);
        free(ps);
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->n; i++) {
        if (!r->keep[i] || !r->has_t[i])
            continue;
        int64_t back = (t_end - 1 - r->t[i]) / sm;
        int64_t k = T - 1 - back;
        int64_t q, rr;
        hs_lattice_cell(&c->L, r->xy[2 * i], r->xy[2 * i + 1], &q, &rr);
        int64_t d = hs_lattice_index(&c->L, q, rr);
        if (d < 0 || k < 0 || !c->member[d])
            continue;
        x[(size_t)k * nd + (size_t)d] += r->use_weight ? r->w[i] : 1.0;
    }
    int lag = (int)api->param_int(r->step, "time_lag");
    int rc = hs_gi_star_st(c, &r->st, x, r->T, lag, r->zst);
    free(x);
    if (rc) {
        free(zs);
        free(ps);
        return api->fail(r->step, RM_EDATA_EMPTY,
                         "time_step: the space-time counts have zero "
                         "variance; emerging hot spots cannot be computed");
    }
    double alpha = api->param_real(r->step, "trend_alpha");
    for (size_t k = 0; k < N; k++) {
        for (size_t t = 0; t < r->T; t++) {
            zs[t] = r->zst[t * N + k];
            ps[t] = hs_p_two_sided(zs[t]);
        }
        hs_mk mk;
        hs_mann_kendall(zs, r->T, &mk);
        r->mk_tau[k] = mk.tau;
        r->mk_p[k] = mk.p;
        r->mk_s[k] = mk.S;
        r->trend[k] = hs_eh_category(zs, ps, r->T, &mk, alpha);
    }
    free(zs);
    free(ps);
    return RM_OK;
}

static void run_free(hs_run *r)
{
    free(r->xy);
    free(r->w);
    free(r->t);
    free(r->has_t);
    free(r->keep);
    free(r->later);
    hs_zone_destroy(r->zone);
    hs_cells_free(&r->cells);
    hs_stencil_free(&r->st);
    free(r->x);
    free(r->z);
    free(r->p);
    free(r->q);
    free(r->psim);
    free(r->nb);
    free(r->cls);
    free(r->zst);
    free(r->mk_tau);
    free(r->mk_p);
    free(r->mk_s);
    free(r->trend);
}

static int run_steps(hs_run *r)
{
    const rm_host_api *api = r->api;
    int rc = hs_read_incidents(r);
    if (!rc)
        rc = split_holdout(r);
    if (!rc)
        rc = hs_study_area(r);
    hs_lattice L;
    if (!rc)
        rc = lattice_params(r, &L);
    if (!rc)
        rc = choose_cell(r, L.hex);
    api->progress(r->step, 0.1);
    int given_band = api->param_is_set(r->step, "band_km");
    if (!rc) {
        L.s = r->cell_m;
        int pad = given_band
                      ? hs_stencil_radius(
                            &L, api->param_real(r->step, "band_km") * 1e3)
                      : 1;
        rc = build_cells(r, &L, pad);
    }
    if (rc)
        return rc;
    if (given_band) {
        r->band_m = api->param_real(r->step, "band_km") * 1000.0;
        snprintf(r->band_how, sizeof r->band_how, "given");
    } else {
        r->band_m = hs_auto_band(&r->cells, r->use_weight, r->band_how,
                                 sizeof r->band_how);
        if (!(r->band_m > 0))
            return api->fail(r->step, RM_EDATA_EMPTY,
                             "band_km: no distance band could be chosen "
                             "from the %zu cells; set band_km",
                             r->cells.n);
    }
    if (hs_cells_repad(&r->cells,
                       hs_stencil_radius(&r->cells.L, r->band_m)) ||
        hs_stencil_build(&r->st, &r->cells.L, r->band_m))
        return api->fail(r->step, RM_ENOMEM, "out of memory");
    if (r->st.n > r->cells.n * 4 + 1000000)
        return api->fail(r->step, RM_EINVAL,
                         "band_km: a %.3f km band holds %zu cells of %.3f "
                         "km around each cell, more than the study area "
                         "has; choose a smaller band_km",
                         r->band_m / 1000.0, r->st.n, r->cell_m / 1000.0);
    api->progress(r->step, 0.3);
    rc = gi_step(r);
    if (rc)
        return rc;
    api->progress(r->step, 0.5);
    metrics_step(r);
    rc = trends_step(r);
    if (rc)
        return rc;
    api->progress(r->step, 0.7);
    return hs_write_outputs(r);
}

static int run(const rm_host_api *api, rm_step *step)
{
    hs_run r;
    memset(&r, 0, sizeof r);
    r.api = api;
    r.step = step;
    int rc = run_steps(&r);
    run_free(&r);
    return rc;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "hotspots";
    d.version = "1.0.0";
    d.summary = "Borderland hot spots (Gi* with FDR), kernel density and "
                "emerging space-time trends";
    d.license = "Apache-2.0";
    d.params = PARAMS;
    d.n_params = sizeof PARAMS / sizeof PARAMS[0];
    d.outputs = OUTPUTS;
    d.n_outputs = sizeof OUTPUTS / sizeof OUTPUTS[0];
    d.run = run;
    d.help = HELP;
    *out = d;
    return 0;
}

RM_PLUGIN_DEFINE(hotspots, fill)
