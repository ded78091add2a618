/*
 * The built-in styles: a quiet default for every basemap role, a strong
 * one for every analysis role and one per geometry, so a briefing without
 * a style library still reads well. They use the same YAML as
 * maps/styles/; a file of the same name there overrides the built-in.
 */
#include <string.h>

#include "render_internal.h"

typedef struct builtin {
    const char *name;
    const char *yaml;
} builtin;

static const builtin builtins[] = {
    /* ---- basemap: pale land, thin grey borders, blue water ---- */
    {"default-countries",
     "geometry: polygon\n"
     "symbol: {fill: '#f4f1ea', stroke: '#c9c3b8', stroke_width: 0.4}\n"
     "label: {field: name, size: 8.5, color: '#9a948a', halo: '#f4f1ea',\n"
     "        halo_width: 1.0, upper: true, letter_spacing: 1.6,\n"
     "        priority: area_km2, max: 30}\n"
     "legend: false\n"},
    {"default-admin1",
     "geometry: polygon\n"
     "symbol: {fill: none, stroke: '#cdc7bd', stroke_width: 0.3,\n"
     "         dash: [1.5, 1.2]}\n"
     "legend: false\n"},
    {"default-borders",
     "geometry: line\n"
     "type: categorised\n"
     "field: status\n"
     "symbol: {stroke: '#8f8a82', stroke_width: 0.7}\n"
     "categories:\n"
     "  - {value: international, label: International boundary}\n"
     "  - {value: disputed, label: Disputed boundary, dash: [2.5, 1.5],\n"
     "     stroke: '#8f8a82'}\n"
     "other: {label: Boundary}\n"
     "legend: false\n"},
    {"default-rivers",
     "geometry: line\n"
     "type: categorised\n"
     "field: permanence\n"
     "symbol: {stroke: '#7fb0d6', stroke_width: 0.55}\n"
     "categories:\n"
     "  - {value: permanent, label: River}\n"
     "  - {value: intermittent, label: Intermittent river,\n"
     "     dash: [2, 1.2], stroke_width: 0.4}\n"
     "  - {value: canal, label: Canal, stroke_width: 0.4}\n"
     "other: {label: River}\n"
     "legend: false\n"},
    {"default-lakes",
     "geometry: polygon\n"
     "symbol: {fill: '#bcd8ee', stroke: '#8fbbdc', stroke_width: 0.3}\n"
     "legend: false\n"},
    {"default-places",
     "geometry: point\n"
     "type: categorised\n"
     "field: feature_code\n"
     "symbol: {shape: circle, size: 2.2, fill: '#6b6b6b', stroke: '#ffffff',\n"
     "         stroke_width: 0.3}\n"
     "categories:\n"
     "  - {value: PPLC, label: Capital, shape: square, size: 3.4,\n"
     "     fill: '#3d3d3d', label_size: 8, label_bold: true}\n"
     "  - {value: PPLA, label: Regional capital, size: 2.8,\n"
     "     fill: '#505050', label_size: 7}\n"
     "other: {label: Town}\n"
     "label: {field: name, size: 6.3, color: '#505050', halo: '#ffffffd0',\n"
     "        halo_width: 1.1, priority: population, only_labelled: true,\n"
     "        max: 70}\n"
     "legend: false\n"},
    {"default-basemap-point",
     "geometry: point\n"
     "symbol: {shape: circle, size: 2, fill: '#7a7a7a', stroke: none}\n"
     "legend: false\n"},
    {"default-basemap-line",
     "geometry: line\n"
     "symbol: {stroke: '#a8a29a', stroke_width: 0.4}\n"
     "legend: false\n"},
    {"default-basemap-polygon",
     "geometry: polygon\n"
     "symbol: {fill: '#eeebe4', stroke: '#c9c3b8', stroke_width: 0.3}\n"
     "legend: false\n"},
    {"default-basemap-raster",
     "geometry: raster\n"
     "raster: {ramp: Greys, opacity: 0.35}\n"
     "legend: false\n"},
    /* ---- analysis roles: strong, distinct ---- */
    {"default-incidents",
     "geometry: point\n"
     "symbol: {shape: circle, size: 4, fill: '#d7301f', fill_opacity: 0.85,\n"
     "         stroke: '#ffffff', stroke_width: 0.4}\n"},
    {"default-tracks",
     "geometry: line\n"
     "symbol: {stroke: '#6a3d9a', stroke_width: 0.9, opacity: 0.8,\n"
     "         arrows: true}\n"
     "arrow_spacing: 70\n"},
    {"default-lines",
     "geometry: line\n"
     "symbol: {stroke: '#b2182b', stroke_width: 1.8, dash: [7, 3]}\n"},
    {"default-crossings",
     "geometry: point\n"
     "symbol: {shape: triangle, size: 6.5, fill: '#ff7f00',\n"
     "         stroke: '#3d2000', stroke_width: 0.5}\n"},
    {"default-hotspots",
     "geometry: polygon\n"
     "symbol: {fill: '#e31a1c', fill_opacity: 0.45, stroke: '#a50f15',\n"
     "         stroke_width: 0.4}\n"},
    /* Getis-Ord Gi* classes (gi_class -3..3), ColorBrewer RdBu 7. */
    {"default-gistar",
     "geometry: polygon\n"
     "type: categorised\n"
     "field: gi_class\n"
     "symbol: {stroke: none, fill_opacity: 0.9}\n"
     "categories:\n"
     "  - {value: '3', label: Hot spot 99 %, fill: '#b2182b'}\n"
     "  - {value: '2', label: Hot spot 95 %, fill: '#ef8a62'}\n"
     "  - {value: '1', label: Hot spot 90 %, fill: '#fddbc7'}\n"
     "  - {value: '-1', label: Cold spot 90 %, fill: '#d1e5f0'}\n"
     "  - {value: '-2', label: Cold spot 95 %, fill: '#67a9cf'}\n"
     "  - {value: '-3', label: Cold spot 99 %, fill: '#2166ac'}\n"
     "other: {label: Not significant, fill: '#ffffff', fill_opacity: 0.5,\n"
     "        stroke: '#cfc9bf', stroke_width: 0.15}\n"},
    /* Emerging hot-spot trends (space-time cube categories). */
    {"default-trends",
     "geometry: polygon\n"
     "type: categorised\n"
     "field: trend\n"
     "symbol: {stroke: none, fill_opacity: 0.9}\n"
     "categories:\n"
     "  - {value: new hot spot, label: New, fill: '#fed976'}\n"
     "  - {value: consecutive hot spot, label: Consecutive,\n"
     "     fill: '#feb24c'}\n"
     "  - {value: intensifying hot spot, label: Intensifying,\n"
     "     fill: '#e31a1c'}\n"
     "  - {value: persistent hot spot, label: Persistent, fill: '#800026'}\n"
     "  - {value: sporadic hot spot, label: Sporadic, fill: '#fd8d3c',\n"
     "     hatch: {angle: 45, spacing: 2.5, width: 0.5, color: '#7f2704'}}\n"
     "  - {value: oscillating hot spot, label: Oscillating,\n"
     "     fill: '#fc4e2a', hatch: {angle: -45, spacing: 2.5, width: 0.5,\n"
     "     color: '#67000d'}}\n"
     "  - {value: diminishing hot spot, label: Diminishing,\n"
     "     fill: '#fcbba1'}\n"
     "  - {value: historical hot spot, label: Historical, fill: '#d9d9d9',\n"
     "     hatch: {angle: 45, spacing: 2.5, width: 0.4, color: '#737373'}}\n"
     "other: {label: No pattern, fill: '#ffffff', fill_opacity: 0.5,\n"
     "        stroke: '#cfc9bf', stroke_width: 0.15}\n"},
    /* A study zone or band: its outline only. */
    {"default-zone",
     "geometry: polygon\n"
     "symbol: {fill: none, stroke: '#5e4fa2', stroke_width: 0.9,\n"
     "         dash: [5, 2.5]}\n"},
    /* Patrol coverage around bases. */
    {"default-coverage",
     "geometry: polygon\n"
     "symbol: {fill: '#1f78b4', fill_opacity: 0.13, stroke: '#1f78b4',\n"
     "         stroke_width: 0.8}\n"},
    /* Line segments by number of crossings. */
    {"default-segments",
     "geometry: line\n"
     "type: graduated\n"
     "field: n_total\n"
     "classes:\n"
     "  - {min: 0, max: 1, label: No crossing, stroke: '#b2182b',\n"
     "     stroke_width: 1.1, dash: [4, 2]}\n"
     "  - {min: 1, max: 2, label: 1 crossing, stroke: '#fdae61',\n"
     "     stroke_width: 2.2}\n"
     "  - {min: 2, max: 5, label: 2 to 4 crossings, stroke: '#f46d43',\n"
     "     stroke_width: 3.0}\n"
     "  - {min: 5, max: 1000000000, label: 5 or more crossings,\n"
     "     stroke: '#a50026', stroke_width: 3.8}\n"},
    {"default-density",
     "geometry: raster\n"
     "raster: {ramp: YlOrRd, opacity: 0.8, scale: sqrt,\n"
     "         transparent_fraction: 0.03}\n"},
    {"default-cost",
     "geometry: raster\n"
     "raster: {ramp: PuBu, opacity: 0.6}\n"},
    {"default-corridors",
     "geometry: polygon\n"
     "symbol: {fill: '#fdae61', fill_opacity: 0.35, stroke: '#e6550d',\n"
     "         stroke_width: 0.8, hatch: {angle: 45, spacing: 4, width: 0.5,\n"
     "         color: '#e6550d'}}\n"},
    {"default-paths",
     "geometry: line\n"
     "symbol: {stroke: '#e6550d', stroke_width: 2.2, arrows: true}\n"
     "arrow_spacing: 90\n"},
    {"default-patrols",
     "geometry: point\n"
     "symbol: {shape: star, size: 10, fill: '#1f78b4', stroke: '#ffffff',\n"
     "         stroke_width: 0.6}\n"},
    {"default-bases",
     "geometry: point\n"
     "symbol: {shape: square, size: 6.5, fill: '#084594', stroke: '#ffffff',\n"
     "         stroke_width: 0.6}\n"},
    /* ---- by geometry ---- */
    {"default-point",
     "geometry: point\n"
     "symbol: {shape: circle, size: 4, fill: '#e41a1c', fill_opacity: 0.85,\n"
     "         stroke: '#ffffff', stroke_width: 0.4}\n"},
    {"default-line",
     "geometry: line\n"
     "symbol: {stroke: '#377eb8', stroke_width: 1.2}\n"},
    {"default-polygon",
     "geometry: polygon\n"
     "symbol: {fill: '#4daf4a', fill_opacity: 0.4, stroke: '#2b7a29',\n"
     "         stroke_width: 0.6}\n"},
    {"default-raster",
     "geometry: raster\n"
     "raster: {ramp: YlOrRd, opacity: 0.7}\n"},
};

#define N_BUILTINS (sizeof builtins / sizeof *builtins)

const char *rm__style_builtin(const char *name)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (!strcmp(builtins[i].name, name))
            return builtins[i].yaml;
    return NULL;
}

/* Which built-in role styles fit which geometry. */
typedef struct role_style {
    const char *role;
    rm_geom_type geom;
    const char *style;
} role_style;

static const role_style roles[] = {
    {"countries", RM_GEOM_POLYGON, "default-countries"},
    {"admin1", RM_GEOM_POLYGON, "default-admin1"},
    {"borders", RM_GEOM_LINE, "default-borders"},
    {"rivers", RM_GEOM_LINE, "default-rivers"},
    {"lakes", RM_GEOM_POLYGON, "default-lakes"},
    {"places", RM_GEOM_POINT, "default-places"},
    {"incidents", RM_GEOM_POINT, "default-incidents"},
    {"points", RM_GEOM_POINT, "default-incidents"},
    {"tracks", RM_GEOM_LINE, "default-tracks"},
    {"routes", RM_GEOM_LINE, "default-tracks"},
    {"lines", RM_GEOM_LINE, "default-lines"},
    {"ceasefire", RM_GEOM_LINE, "default-lines"},
    {"crossings", RM_GEOM_POINT, "default-crossings"},
    {"hotspots", RM_GEOM_POLYGON, "default-hotspots"},
    {"cells", RM_GEOM_POLYGON, "default-gistar"},
    {"trends", RM_GEOM_POLYGON, "default-trends"},
    {"zone", RM_GEOM_POLYGON, "default-zone"},
    {"band", RM_GEOM_POLYGON, "default-zone"},
    {"buffers", RM_GEOM_POLYGON, "default-coverage"},
    {"coverage", RM_GEOM_POLYGON, "default-coverage"},
    {"segments", RM_GEOM_LINE, "default-segments"},
    /* "<plugin>.<output>" roles of the bundled plugins */
    {"crossings.points", RM_GEOM_POINT, "default-crossings"},
    {"crossings.segments", RM_GEOM_LINE, "default-segments"},
    {"crossings.approaches", RM_GEOM_POINT, "default-point"},
    {"hotspots.cells", RM_GEOM_POLYGON, "default-gistar"},
    {"hotspots.trends", RM_GEOM_POLYGON, "default-trends"},
    {"hotspots.zone", RM_GEOM_POLYGON, "default-zone"},
    {"hotspots.kde", RM_GEOM_RASTER, "default-density"},
    {"buffer.buffers", RM_GEOM_POLYGON, "default-coverage"},
    {"patrols.points", RM_GEOM_POINT, "default-patrols"},
    {"patrols.coverage", RM_GEOM_POLYGON, "default-coverage"},
    {"corridors.zone", RM_GEOM_POLYGON, "default-corridors"},
    {"corridors.paths", RM_GEOM_LINE, "default-paths"},
    {"corridors.cost", RM_GEOM_RASTER, "default-cost"},
    {"density", RM_GEOM_RASTER, "default-density"},
    {"kde", RM_GEOM_RASTER, "default-density"},
    {"cost", RM_GEOM_RASTER, "default-cost"},
    {"friction", RM_GEOM_RASTER, "default-cost"},
    {"corridors", RM_GEOM_POLYGON, "default-corridors"},
    {"corridor", RM_GEOM_POLYGON, "default-corridors"},
    {"corridors", RM_GEOM_LINE, "default-paths"},
    {"paths", RM_GEOM_LINE, "default-paths"},
    {"patrols", RM_GEOM_POINT, "default-patrols"},
    {"bases", RM_GEOM_POINT, "default-bases"},
};

const char *rm__style_default_name(const char *role, rm_geom_type geom,
                                   int basemap)
{
    if (role)
        for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
            if (roles[i].geom == geom && !strcmp(roles[i].role, role))
                return roles[i].style;
    switch (geom) {
    case RM_GEOM_POINT:
        return basemap ? "default-basemap-point" : "default-point";
    case RM_GEOM_LINE:
        return basemap ? "default-basemap-line" : "default-line";
    case RM_GEOM_POLYGON:
        return basemap ? "default-basemap-polygon" : "default-polygon";
    case RM_GEOM_RASTER:
        return basemap ? "default-basemap-raster" : "default-raster";
    default:
        return NULL;
    }
}
