/*
 * The corridors plugin: predicted trafficking corridors (accumulated cost
 * over a friction surface, least-cost paths, the corridor zone within a
 * tolerance of the optimum, next-best alternatives) and observed ones
 * (dense bundles of reported tracks). This file holds the descriptor, the
 * help text with every convention, and the run's shared helpers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run.h"

#define LAYERS (RM_PARAM_LAYER | RM_PARAM_LIST)

static const rm_param_desc PARAMS[] = {
    {"method", RM_PARAM_ENUM, NULL, "leastcost", 0, NAN, NAN,
     "leastcost|observed", 0,
     "leastcost: predicted corridors over a friction surface; observed: "
     "dense bundles of reported tracks."},
    {"origins", RM_PARAM_LAYER, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_VECTOR,
     "Where movement starts (leastcost): points, lines or polygons; every "
     "cell they touch is a source."},
    {"destinations", RM_PARAM_LAYER, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_VECTOR,
     "Where movement ends (leastcost): one least-cost path per feature, "
     "and the corridor zone between origins and destinations."},
    {"friction", RM_PARAM_LAYER, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_RASTER,
     "A friction raster (cost per metre, e.g. slope-derived); zero, "
     "negative or nodata cells are barriers."},
    {"elevation", RM_PARAM_LAYER, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_RASTER,
     "An elevation raster in metres: friction is multiplied by a slope "
     "factor (slope_model); nodata cells are barriers."},
    {"resolution_m", RM_PARAM_DISTANCE, "m", NULL, 0, 0, NAN, NULL, 0,
     "Cell size of the friction surface; default: the friction or "
     "elevation raster's own cells, else 1 km."},
    {"margin_km", RM_PARAM_DISTANCE, "km", "50", 0, 0, NAN, NULL, 0,
     "Without a raster or briefing area, the grid covers origins and "
     "destinations (or tracks) plus this margin."},
    {"base_cost", RM_PARAM_REAL, NULL, "1", 0, 0, NAN, NULL, 0,
     "Friction multiplier applied everywhere (cost per metre of flat open "
     "ground when there is no friction raster)."},
    {"slope_model", RM_PARAM_ENUM, NULL, "linear", 0, NAN, NAN,
     "linear|tobler", 0,
     "Slope to friction factor: linear 1 + slope_k * S, or tobler "
     "exp(3.5 S), S = rise over run."},
    {"slope_k", RM_PARAM_REAL, NULL, "10", 0, 0, NAN, NULL, 0,
     "Slope coefficient of the linear model: 10 doubles the cost on a "
     "10 % grade."},
    {"roads", LAYERS, NULL, NULL, 0, NAN, NAN, NULL, RM_ACCEPT_LINE,
     "Road or track lines: friction on their cells is multiplied by "
     "road_factor; a road over a barrier line is a bridge or ford."},
    {"road_factor", RM_PARAM_REAL, NULL, "0.25", 0, 0, NAN, NULL, 0,
     "Friction multiplier on road cells (below 1 is cheaper)."},
    {"barriers", LAYERS, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_LINE | RM_ACCEPT_POLYGON,
     "Rivers, lakes, escarpments: lines and polygons that are impassable "
     "or costly (barrier_factor)."},
    {"barrier_factor", RM_PARAM_REAL, NULL, "0", 0, 0, NAN, NULL, 0,
     "0 makes barrier cells impassable; a positive value multiplies their "
     "friction (e.g. 20 for a costly river crossing)."},
    {"detection", LAYERS, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_POINT | RM_ACCEPT_LINE,
     "Patrol bases or patrol tracks that add a risk penalty to friction, "
     "decaying with distance."},
    {"detection_km", RM_PARAM_DISTANCE, "km", "20", 0, 0, NAN, NULL, 0,
     "Distance at which the detection penalty has fallen to zero."},
    {"detection_cost", RM_PARAM_REAL, NULL, "4", 0, 0, NAN, NULL, 0,
     "Friction added at a detector; it falls linearly to 0 at "
     "detection_km (the nearest detector counts)."},
    {"borders", LAYERS, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_LINE | RM_ACCEPT_POLYGON,
     "Border lines (or country polygons, by their outlines): crossings "
     "cost border_cost and are listed on each path."},
    {"border_cost", RM_PARAM_REAL, NULL, "0", 0, 0, NAN, NULL, 0,
     "Cost of crossing a border line, in cost units (friction x m)."},
    {"border_label", RM_PARAM_STRING, NULL, NULL, 0, NAN, NAN, NULL, 0,
     "Field naming a border in the paths' 'borders' list; default: "
     "'name', else 'name_a-name_b', else the id, else the fid."},
    {"neighbours", RM_PARAM_ENUM, NULL, "16", 0, NAN, NAN, "8|16", 0,
     "Moves per cell: 8 (king's moves) or 16 (with knight's moves, "
     "closer to straight-line distances)."},
    {"tolerance", RM_PARAM_REAL, NULL, "5", 0, 0, 1000, NULL, 0,
     "Corridor zone: cells on a route within this many per cent of the "
     "least total cost."},
    {"alternatives", RM_PARAM_INT, NULL, "0", 0, 0, 10, NULL, 0,
     "Number of next-best distinct corridors, found by penalising the "
     "ones already found."},
    {"alternative_penalty", RM_PARAM_REAL, NULL, "5", 0, 1, NAN, NULL, 0,
     "Friction multiplier on the cells of corridors already found, when "
     "searching the next one."},
    {"tracks", RM_PARAM_LAYER, NULL, NULL, 0, NAN, NAN, NULL,
     RM_ACCEPT_LINE,
     "Observed method: reported tracks or route lines, one feature per "
     "track."},
    {"search_km", RM_PARAM_DISTANCE, "km", "5", 0, 0, NAN, NULL, 0,
     "Observed method: radius within which a track counts for a cell's "
     "density."},
    {"min_tracks", RM_PARAM_INT, NULL, "3", 0, 1, NAN, NULL, 0,
     "Observed method: cells with at least this many distinct tracks "
     "within search_km form corridors."},
};

static const rm_output_desc OUTPUTS[] = {
    {"paths", RM_GEOM_LINE,
     "leastcost: one least-cost path per destination and corridor rank "
     "(rank, origin, destination, cost, length_m, borders_crossed, "
     "borders); observed: each corridor's centre line."},
    {"corridors", RM_GEOM_POLYGON,
     "Corridor polygons ranked 1, 2, ... (rank, method, cost, "
     "tolerance_pct, tracks, area_km2, cells)."},
    {"cost", RM_GEOM_RASTER,
     "leastcost: accumulated cost from the origins (friction x m), NaN "
     "where unreachable."},
    {"density", RM_GEOM_RASTER,
     "observed: distinct tracks within search_km of each cell."},
};

static const char HELP[] =
    "Cost convention. A move between neighbouring cells costs the mean "
    "friction of the cells it touches times its length in metres, so "
    "accumulated cost is in friction x metres (map units), as in ArcGIS "
    "Cost Distance and WhiteboxTools CostDistance. A king's move touches "
    "its two end cells: (f_a + f_b) / 2 x d with d = res or res x sqrt(2); "
    "a knight's move (neighbours: 16) touches its end cells and the two "
    "cells it passes between: (f_a + f_b + f_c + f_d) / 4 x res x "
    "sqrt(5), and is blocked when either cell it passes between is a "
    "barrier (as GRASS r.cost -k). Origins have cost 0.\n"
    "Relation to GRASS GIS: r.cost counts lengths in cell widths (east-"
    "west resolution), with the same averaging of cells; on square cells "
    "of side res, this plugin's cost = r.cost's cost x res exactly (tests "
    "check it against r.cost and r.cost -k to 1e-6 relative). r.cost "
    "treats friction 0 as free; here friction zero, negative or nodata "
    "is a barrier, never a free move (r.cost skips nodata cells, and "
    "negative ones unless null_cost is set).\n"
    "Exactness. The search is Dijkstra's label-setting algorithm over all "
    "cells with lazy deletion, costs in double precision. Its queue is a "
    "circular array of buckets as wide as the least possible step (least "
    "friction x cell size), whose cells may leave in any order without "
    "losing exactness (Dial 1969, Dinitz 1978); when the friction's range "
    "would need more than 65536 buckets, a radix heap on the bits of the "
    "costs (Ahuja et al. 1990) instead; friction is held in single "
    "precision (7 "
    "significant digits). Paths are traced back through the stored "
    "moves, knight's moves included, as continuous lines through cell "
    "centres; the sum of their step costs equals the accumulated cost at "
    "the destination.\n"
    "Friction surface. friction = base_cost x F x slope factor x road "
    "or barrier factor + detection penalty + border term. F is the "
    "friction raster (1 without one), sampled at cell centres (bilinear "
    "between raster cell centres) when resolution_m differs from its "
    "cells. Slope factor (with an elevation raster): S = |grad z| by "
    "Horn's (1981) 3x3 method on the working grid; linear: 1 + slope_k "
    "x S (default k = 10: a 10 % grade doubles the cost, a simple rule "
    "for vehicles); tobler: exp(3.5 S), the ratio of flat to sloped "
    "speed in Tobler's hiking function W = 6 exp(-3.5 |S + 0.05|) km/h "
    "(W. Tobler, Three presentations on geographical analysis and "
    "modeling, NCGIA Technical Report 93-1, 1993), taken symmetric "
    "because cell friction has no direction. Lines are rasterised to "
    "every cell they pass through (4-connected, so no diagonal move slips "
    "across), polygons to cells whose centre is inside plus their "
    "outline. Road cells: x road_factor (a road over a barrier line wins: "
    "bridge or ford). Barrier cells: impassable when barrier_factor is 0, "
    "else x barrier_factor. Detection: + detection_cost x max(0, 1 - "
    "d / detection_km), d the distance from the cell centre to the "
    "nearest detector cell centre (exact Euclidean distance transform). "
    "Borders: + border_cost / res on border cells, so a crossing at right "
    "angles costs border_cost (a diagonal one a little more).\n"
    "Grid. The friction or elevation raster's own cells (the host warps "
    "rasters into the analysis CRS), or resolution_m cells over the "
    "raster, the briefing area, or the origins and destinations plus "
    "margin_km. Memory: about 13 bytes per cell for the cost surface (the "
    "host's 8-byte cost raster included), 22 with the corridor zone (two "
    "surfaces), 35 with alternatives.\n"
    "Corridor zone. With C_o and C_d the accumulated costs from origins "
    "and from destinations, C* = min (C_o + C_d) is the least total cost "
    "and the zone is every cell with C_o + C_d <= C* x (1 + "
    "tolerance / 100): the cells some route within the tolerance passes "
    "through. The surface from the destinations is only searched as far "
    "as C* x (1 + tolerance / 100): no dearer cell can be in the zone. "
    "Alternatives: friction inside the corridors found so far is "
    "multiplied by alternative_penalty, the surfaces are computed again, "
    "and the next corridor is the new zone minus the earlier ones; its "
    "paths' cost is re-measured on the unpenalised friction (the field "
    "penalised_cost keeps the search's cost). Ranks are the order of "
    "discovery: a later alternative can be cheaper than an earlier one "
    "when the penalty pushed the earlier one around a shared stretch.\n"
    "Observed corridors. Each track is rasterised; a cell's density is "
    "the number of distinct tracks passing within search_km of its "
    "centre. Cells with density >= min_tracks form 4-connected bundles, "
    "written as polygons with the number of distinct tracks passing "
    "through them; each bundle's centre line is the least-cost path "
    "between its two most distant cells (geodesic within the bundle) "
    "over friction 1 / (distance to the bundle's edge), which keeps it "
    "to the middle.\n";

double cr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cr_nomem(cr_run *R, const char *what)
{
    return R->api->fail(R->step, RM_ENOMEM,
                        "out of memory for %s on a %d x %d grid of %g m "
                        "cells; set a coarser resolution_m",
                        what, R->g.w, R->g.h, R->g.res);
}

int cr_cancelled(cr_run *R)
{
    if (!R->api->cancelled(R->step))
        return 0;
    R->api->fail(R->step, RM_ECANCELLED, "cancelled");
    return 1;
}

int cr_tick_cb(void *ud, size_t settled)
{
    cr_tick *t = ud;
    double n = (double)cr_cells(&t->R->g);
    double f = n > 0 ? (double)settled / n : 1;
    t->R->api->progress(t->R->step, t->lo + (t->hi - t->lo) * fmin(f, 1));
    return t->R->api->cancelled(t->R->step);
}

static int run(const rm_host_api *api, rm_step *step)
{
    cr_run R;
    memset(&R, 0, sizeof R);
    R.api = api;
    R.step = step;
    R.t0 = cr_now();
    const char *method = api->param_string(step, "method");
    R.neighbours = (int)strtol(api->param_string(step, "neighbours"), NULL,
                               10);
    int rc = strcmp(method, "observed") == 0 ? cr_run_observed(&R)
                                             : cr_run_leastcost(&R);
    free(R.fric);
    free(R.flags);
    if (rc == RM_OK)
        api->progress(step, 1.0);
    return rc;
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "corridors";
    d.version = "1.0.0";
    d.summary = "Predicted (least-cost) and observed trafficking corridors";
    d.license = "Apache-2.0";
    d.params = PARAMS;
    d.n_params = sizeof PARAMS / sizeof PARAMS[0];
    d.outputs = OUTPUTS;
    d.n_outputs = sizeof OUTPUTS / sizeof OUTPUTS[0];
    d.run = run;
    d.help = HELP;
    *out = d;
    return RM_OK;
}

RM_PLUGIN_DEFINE(corridors, fill)
