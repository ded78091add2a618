/*
 * The mathematics of a map's margin: magnetic declination (WMM2025), grid
 * convergence and point scale factors (PROJ), scale-bar lengths, the
 * graticule, the UTM/MGRS grid and date-time groups. Nothing here draws;
 * every function returns numbers and text the renderer places.
 *
 * Angle convention used throughout: a BEARING ON THE MAP is measured in
 * degrees clockwise from grid north (the map's "up", +y). Then
 *   bearing of true north     = rm__grid_convergence()
 *   bearing of magnetic north = rm__grid_convergence() + declination
 * because declination is magnetic north measured clockwise (east) from
 * true north.
 *
 * Thread rule: like rm_context, use one context per thread; functions that
 * take no context are pure and thread-safe.
 */
#ifndef RM_CORE_RENDER_MARGINALIA_MATH_H
#define RM_CORE_RENDER_MARGINALIA_MATH_H

#include <stddef.h>
#include <stdint.h>

#include "routemap/common.h"
#include "routemap/context.h"

/* ---- magnetic declination (wmm.c) ---- */

/** First and last decimal year of WMM2025's validity. */
#define RM__WMM_EPOCH 2025.0
#define RM__WMM_VALID_UNTIL 2030.0

/**
 * Magnetic declination from the World Magnetic Model 2025 (coefficients
 * embedded; the program needs no data file).
 *
 * Full WMM algorithm of the WMM2025 technical report: geodetic to
 * geocentric spherical coordinates, Schmidt semi-normalised associated
 * Legendre functions to degree 12, secular variation
 * g(t) = g + (t - 2025.0) dg, field X, Y, Z rotated back to geodetic,
 * D = atan2(Y, X). At the geographic poles the field is still computed
 * (no division by cos(latitude)); D is then relative to the meridian of
 * `lon`.
 *
 * @param ctx           for the error message; may be NULL.
 * @param[out] out_deg  declination, degrees, east positive, in (-180, 180].
 * @param[out] out_valid 1 when decimal_year lies in [2025.0, 2030.0], the
 *                       model's validity; 0 otherwise (the value is still
 *                       computed by extrapolation: the map should say so).
 * @param lat           geodetic latitude, degrees, [-90, 90].
 * @param lon           longitude, degrees (any value; wrapped).
 * @param alt_km        height above the WGS 84 ellipsoid, km.
 * @param decimal_year  e.g. 2026.5 (see rm__decimal_year).
 * @return RM_OK, or RM_EINVAL for a non-finite input, |lat| > 90 or a
 *         height outside -10 .. 1000 km (outputs set to NAN and 0).
 */
int rm__wmm_declination(rm_context *ctx, double *out_deg, int *out_valid,
                        double lat, double lon, double alt_km,
                        double decimal_year);

/**
 * Decimal year of a UTC instant: year + (day_of_year - 1 + fraction of the
 * day) / days_in_year. 2026-07-02T12:00Z is exactly 2026.5.
 * @param ms milliseconds since 1970-01-01T00:00Z (negative allowed).
 */
double rm__decimal_year(int64_t ms);

/**
 * Military date-time group of a UTC instant, e.g. "301200Z SEP 26"
 * (day, hour, minute, 'Z', month in upper case, two-digit year). Seconds
 * are truncated. Always NUL-terminates `out`.
 */
void rm__format_dtg(char out[32], int64_t ms);

/* ---- convergence and scale (geodesy.c) ---- */

/**
 * Bearing of true north on the map at (x, y), i.e. the angle from grid
 * north clockwise to true north, degrees in (-180, 180].
 *
 * NOTE the sign: this is MINUS the surveyor's "grid convergence" gamma
 * (PROJ's meridian_convergence; gamma ~ atan(tan(lon - lon0) sin(lat)) for
 * transverse Mercator). East of a UTM central meridian in the northern
 * hemisphere true north leans west on the map, so the result is negative;
 * west of it, positive; in the southern hemisphere the other way round;
 * zero on the central meridian. A north arrow is drawn rotated by this
 * angle clockwise from "up".
 *
 * Computed with PROJ's proj_factors() at the point inverse-projected to the
 * CRS's base geographic coordinates. A geographic CRS (lon/lat map) gives 0.
 *
 * @param[out] out_deg degrees, clockwise positive.
 * @param crs   any definition PROJ understands ("EPSG:32631", WKT, ...);
 *              axis order is normalised (x east, y north).
 * @param x, y  map coordinates in `crs` (easting, northing).
 * @return RM_OK, RM_ECRS (bad CRS, point outside the projection's domain)
 *         or RM_EINVAL (non-finite x, y).
 */
int rm__grid_convergence(rm_context *ctx, double *out_deg, const char *crs,
                         double x, double y);

/**
 * Point scale factors at (x, y): h along the meridian, k along the
 * parallel (PROJ's meridional_scale and parallel_scale). For conformal
 * projections (UTM, Mercator) h == k; for equal-area ones such as LAEA they
 * differ (h * k == 1). True ground distance = map distance / scale factor
 * in that direction.
 *
 * @param[out] out_h meridional scale (dimensionless).
 * @param[out] out_k parallel scale (dimensionless).
 * @return RM_OK; RM_ECRS for a geographic CRS (no metric scale) or a point
 *         outside the projection's domain; RM_EINVAL for non-finite x, y.
 */
int rm__scale_factors(rm_context *ctx, double *out_h, double *out_k,
                      const char *crs, double x, double y);

/* ---- scale bar (grid.c) ---- */

/**
 * A round scale-bar length: the largest of 1, 2, 2.5, 5 x 10^n metres that
 * is at most `max_px` pixels long, where 2.5 x 10^n is used only when it
 * is a whole number in the unit it is shown in (25 m, 250 m, 25 km, 250 km,
 * 2500 km; never 2.5 m or 2.5 km). So the km values run 1, 2, 5, 10, 20,
 * 25, 50, 100, 200, 250, 500, 1000 ...
 *
 * @param[out] out_len_m     bar length, metres on the ground.
 * @param[out] out_divisions 4 for 2 x 10^n (ticks at 0.5 x 10^n), else 5.
 * @param metres_per_px TRUE ground metres per pixel at the map centre (map
 *                      units per px divided by the point scale factor).
 * @param max_px        longest bar allowed, pixels.
 * @return RM_OK or RM_EINVAL (non-positive or non-finite input).
 */
int rm__nice_scale_bar(rm_context *ctx, double *out_len_m, int *out_divisions,
                       double metres_per_px, double max_px);

/**
 * Text for a length shown on a scale bar: "500 m", "2 km", "25 km",
 * "0.5 km" (metres below 1 km unless `force_km`). Always NUL-terminates.
 */
void rm__format_length(char *out, size_t cap, double metres, int force_km);

/* ---- polylines and labels shared by the graticule and UTM grid ---- */

/** Which side of the map frame a label sits on. */
typedef enum rm__frame_edge {
    RM__EDGE_BOTTOM = 0,
    RM__EDGE_TOP = 1,
    RM__EDGE_LEFT = 2,
    RM__EDGE_RIGHT = 3,
    RM__EDGE_NONE = 4 /* inside the map (MGRS square identifiers) */
} rm__frame_edge;

/** What a line or label is about. */
typedef enum rm__line_kind {
    RM__LINE_MERIDIAN = 0, /* constant longitude; value in degrees */
    RM__LINE_PARALLEL = 1, /* constant latitude; value in degrees */
    RM__LINE_EASTING = 2,  /* constant UTM easting; value in metres */
    RM__LINE_NORTHING = 3, /* constant UTM northing; value in metres */
    RM__LINE_SQUARE = 4    /* an MGRS 100 km square label */
} rm__line_kind;

/** A label anchored in map coordinates. */
typedef struct rm__map_label {
    double x, y;        /* anchor, map CRS units (on the frame for edges) */
    rm__frame_edge edge;
    rm__line_kind kind;
    double value;       /* degrees or metres, see rm__line_kind */
    double angle_deg;   /* direction of the labelled line where it meets
                           the frame: degrees clockwise from map up (for
                           ticks); 0 for square labels */
    char text[32];      /* UTF-8, e.g. "14°30'N", "500 km E", "31P BT" */
} rm__map_label;

/**
 * Polylines in map coordinates, clipped to the extent. Line i has the
 * points xy[2*j], xy[2*j+1] for j in [offsets[i], offsets[i+1]);
 * every line has at least 2 points.
 */
typedef struct rm__polylines {
    double *xy;           /* interleaved x, y; map CRS units */
    size_t n_points;
    size_t *offsets;      /* n_lines + 1 entries (may be NULL if none) */
    rm__line_kind *kinds; /* n_lines entries */
    double *values;       /* n_lines entries: degrees or metres */
    size_t n_lines;
    size_t cap_points, cap_lines; /* internal */
} rm__polylines;

/* ---- graticule (grid.c) ---- */

typedef struct rm__graticule {
    double lon_interval_deg; /* spacing of meridians, degrees */
    double lat_interval_deg; /* spacing of parallels, degrees */
    rm__polylines lines;     /* meridians and parallels, densified */
    rm__map_label *labels;   /* n_labels entries */
    size_t n_labels;
} rm__graticule;

/**
 * Graticule of a map extent. The interval is the smallest "round" angle
 * (1', 2', 5', 10', 15', 20', 30', 1°, 2°, 5°, 10°, 15°, 20°, 30°, 45°,
 * 90°) giving at most 8 lines across that side, chosen per axis; when the
 * larger of the two still gives at least 3 lines on each side both axes
 * use it. Meridians and parallels are densified in lon/lat, projected with
 * PROJ and clipped to the extent. Labels: where a meridian crosses the top
 * or bottom edge and where a parallel crosses the left or right edge
 * (crossings of the other edges are not labelled), with text like "2°E",
 * "14°30'N", "0°", "3°W", "180°".
 *
 * @param[out] out caller frees with rm__graticule_free (also on error).
 * @param crs    the map CRS; extent in its units.
 * @return RM_OK, RM_EINVAL (empty or non-finite extent), RM_ECRS, RM_ENOMEM.
 */
int rm__graticule_build(rm_context *ctx, rm__graticule *out, const char *crs,
                        rm_bbox extent);
/** Free the arrays; the struct is zeroed. NULL is a no-op. */
void rm__graticule_free(rm__graticule *g);

/**
 * Format an angle as a graticule label: whole degrees "2°E", "3°W",
 * "14°N", "0°", "180°"; with minutes "14°30'N". `is_lat` chooses N/S over
 * E/W. Rounded to the nearest minute. Always NUL-terminates.
 */
void rm__format_angle(char *out, size_t cap, double deg, int is_lat);

/* ---- UTM and MGRS (grid.c) ---- */

/**
 * UTM zone number (1..60) of a point, with the Norway (32V) and Svalbard
 * (31X, 33X, 35X, 37X) exceptions of the MGRS/UTM definition.
 * @return the zone, or 0 for a non-finite input.
 */
int rm__utm_zone(double lat, double lon);

/**
 * MGRS latitude band letter: C..X without I and O, 8° bands from 80°S,
 * band X spanning 72°N..84°N. @return the letter, or 0 outside
 * [-80, 84] (the polar UPS areas, not handled).
 */
char rm__mgrs_band(double lat);

/**
 * MGRS 100 km square identifier (column letter, row letter) of a UTM
 * coordinate, per NGA's definition (DMA TM 8358.1), WGS 84 lettering (AA
 * scheme): columns by set (zone mod 3 == 1: A-H, 2: J-R, 0: S-Z), rows
 * A-V without I and O repeating every 2000 km, rows of even zones
 * offset by 5 letters. `northing` may be a southern-hemisphere northing
 * (false northing 10 000 km) or negative; both give the same letters.
 * @param[out] out two letters and NUL.
 * @return RM_OK or RM_EINVAL (zone not 1..60, easting outside
 *         [100 km, 900 km), non-finite input).
 */
int rm__mgrs_square(rm_context *ctx, char out[3], int zone, double easting,
                    double northing);

typedef struct rm__utm_grid {
    int zone;            /* UTM zone of the map centre, 1..60 */
    int north;           /* 1: northern hemisphere CRS (EPSG:326zz) */
    double spacing_m;    /* 100000, 10000 or 1000 */
    rm__polylines lines; /* easting and northing lines in map CRS */
    rm__map_label *labels;  /* line labels on the frame, n_labels */
    size_t n_labels;
    rm__map_label *squares; /* MGRS square ids ("31P BT"), n_squares */
    size_t n_squares;
} rm__utm_grid;

/**
 * UTM grid of the zone of the map centre over a map extent. Lines every
 * 100 km; every 10 km when the extent's longer side (in UTM metres) is at
 * most 150 km; every 1 km when it is at most 15 km. Lines are densified in
 * UTM coordinates, transformed with PROJ to the map CRS, clipped to the
 * zone's longitude limits (exactly, by bisection) and to the extent.
 * Labels: easting lines where they cross the top/bottom edge ("500 km E"),
 * northing lines on the left/right edge ("1800 km N"). MGRS square
 * identifiers ("31P BT", band letter of the labelled point) sit at the
 * centre of the visible part of each 100 km square (computed in UTM
 * coordinates, exact when the map CRS is that UTM zone) when that point
 * lies in the extent and the zone; parts narrower than a quarter of a
 * square (or of the map, when it is smaller) get none. For a very large
 * map (a continent) this is still one zone's grid: the caller decides
 * whether to draw it.
 *
 * @param[out] out caller frees with rm__utm_grid_free (also on error).
 * @return RM_OK, RM_EINVAL, RM_ECRS (centre outside 80°S..84°N or not
 *         transformable), RM_ENOMEM.
 */
int rm__utm_grid_build(rm_context *ctx, rm__utm_grid *out, const char *crs,
                       rm_bbox extent);
/** Free the arrays; the struct is zeroed. NULL is a no-op. */
void rm__utm_grid_free(rm__utm_grid *g);

#endif
