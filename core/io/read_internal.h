/*
 * Internals shared by the reader files (read*.c): the reader state that
 * rm_io_read sets up, the staged geometry of the feature being read, and
 * the steps each reading path (Arrow stream, feature loop, GPX) calls.
 * Geometry is checked, repaired and filtered in the source CRS and then
 * reprojected in bulk; the layer is filled directly through its internal
 * arrays (layer_internal.h), keeping its invariants after every feature.
 */
#ifndef RM_CORE_IO_READ_INTERNAL_H
#define RM_CORE_IO_READ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gdal.h>
#include <geos_c.h>
#include <ogr_api.h>

#include "io/io_internal.h"
#include "routemap/crs.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "routemap/layer.h"

/* Geometry dimensions: a part is a point, a line or a polygon ring. */
#define RD_DIM_POINT 0
#define RD_DIM_LINE 1
#define RD_DIM_POLY 2
#define RD_DIM_ANY (-1) /* layer type decided by the majority at the end */

/* WKB decoding results. */
#define RD_WKB_OK 0
#define RD_WKB_BAD 1         /* malformed or truncated */
#define RD_WKB_UNSUPPORTED 2 /* curves, surfaces: linearise through OGR */

/* What happened to one feature. */
#define RD_KEEP 0
#define RD_FILTERED 1 /* outside area or period */
#define RD_DROPPED 2  /* empty, NaN, out of range, other dimension */

/** The staged geometry of one feature, in the source CRS. */
typedef struct rd_geom {
    double *xy; /* 2 * n interleaved coordinates */
    size_t n, cap;
    double *t; /* per-vertex times (s), used when has_t */
    size_t tcap;
    int has_t;
    size_t *end;    /* end coordinate (exclusive) of each part */
    uint8_t *outer; /* 1 exterior ring / point / line, 0 hole */
    uint8_t *pdim;  /* RD_DIM_* of each part */
    size_t np, pcap;
} rd_geom;

/** One source field that becomes a layer column. */
typedef struct rd_field {
    int src;            /* OGR field index */
    int col;            /* layer column index */
    rm_field_type type; /* column type */
    OGRFieldType ogr_type;
} rd_field;

typedef struct rd_gpx rd_gpx;
typedef struct rd_proj rd_proj;

/** One array of a layer being filled: its base and bytes per row. */
typedef struct rd_span {
    uintptr_t base;
    size_t row_bytes;
} rd_span;

#define RD_PAGE_SPANS 64

/** A string column's bytes: its index and the bytes a row takes on
 * average (estimated from the first batch). */
typedef struct rd_str_span {
    int col;
    size_t row_bytes;
} rd_str_span;

/** The arrays whose pages read_pages.c faults in ahead of the rows. */
typedef struct rd_pages {
    rd_span spans[RD_PAGE_SPANS];
    int n_spans;
    rd_str_span strs[RD_PAGE_SPANS];
    int n_strs;
    size_t rows; /* rows the arrays hold, 0 when nothing is done */
    size_t next; /* first row not faulted in yet */
    size_t page;
    void *huge;      /* the layer's slab while it has huge pages */
    size_t huge_len;
} rd_pages;

typedef struct rd_reader {
    rm_context *ctx;
    const rm_read_options *opt;
    const char *source;   /* as given, for messages */
    const char *layer;    /* source layer name */
    const char *driver;   /* GDAL driver short name */
    GDALDatasetH ds;
    OGRLayerH lyr;
    rm__gdal_capture cap;
    rm_layer *out;

    rd_field *fields;
    int n_fields;
    int time_field;   /* index into fields of the TIME role, -1 */

    int has_geom;     /* the layer has a geometry column */
    int want_dim;     /* RD_DIM_*, or RD_DIM_ANY */
    int geographic;   /* source coordinates are degrees */
    char *src_crs;    /* source CRS definition */
    char *dst_crs;    /* layer CRS definition */
    rm_transform *tr; /* source -> target, NULL when the same */
    rd_proj *proj;    /* background reprojection, or NULL */
    int sized_exact;  /* the layer's arrays hold exactly the rows to come */
    rd_pages pages;   /* their pages, faulted in ahead of the rows */
    size_t n_proj_failed;

    int area_on;
    rm_bbox area_src;  /* the area's bounding box in the source CRS */
    int area_is_box;   /* source is lon/lat: the box test is exact */
    double *area_ring; /* closed ring of the area in the source CRS */
    size_t area_n;
    GEOSGeometry *area_geom;
    const GEOSPreparedGeometry *area_prep;

    int period_on;
    int period_vertex; /* no time field: test per-vertex times */

    uint8_t *fdim;     /* RD_DIM_ANY: dimension of each kept feature */
    size_t fdim_cap;
    size_t dim_count[3];

    rd_gpx *gpx;       /* per-vertex times of GPX tracks, or NULL */
    rd_geom g;         /* scratch: the feature being read */
    uint8_t *wkb;      /* scratch: exported WKB */
    size_t wkb_cap;

    rm_read_report rep;
    size_t n_read;     /* features OGR returned */
    int64_t n_before_pushdown; /* features before OGR's area/period
                                  filters, -1 when not pushed down */
} rd_reader;

/* read_wkb.c */
void rd_geom_reset(rd_geom *g);
void rd_geom_free(rd_geom *g);
/** Append a part of `n` coordinates (copied from xy when not NULL). */
int rd_geom_add_part(rd_geom *g, const double *xy, size_t n, int dim,
                     int outer);
/** Decode ISO/EWKB (or a GeoPackage blob) into `g` (appending). */
int rd_wkb_decode(rd_geom *g, const uint8_t *wkb, size_t len);

/* read_geom.c */
/**
 * Stage, check, repair and filter one feature's geometry (WKB, or an OGR
 * geometry when wkb is NULL). Sets *status to RD_KEEP, RD_FILTERED or
 * RD_DROPPED and counts it in the report. @return RM_OK or an error.
 */
int rd_stage_geometry(rd_reader *r, int64_t fid, const uint8_t *wkb,
                      size_t len, OGRGeometryH geom, int *status);
/** Append the staged geometry as a new feature. @return RM_OK or error. */
int rd_commit_feature(rd_reader *r, int64_t fid);
/** Count a dropped feature (reason logged later). */
void rd_note_dropped(rd_reader *r, int64_t fid);
/** Set up the exact area test in the source CRS. */
int rd_area_setup(rd_reader *r);
/** After reading: reproject, keep the dominant dimension, compact. */
int rd_finish_geometry(rd_reader *r);
void rd_geom_cleanup(rd_reader *r);

/* read_build.c: direct writes into the layer's arrays */
int rd_layer_reserve(rd_reader *r, size_t features, size_t parts,
                     size_t coords, int times);
/** A row's value NULL: not valid, 0 (NaN for reals); strings aside. */
void rd_set_null(rm_layer *l, int col, size_t row);
void rd_set_int(rm_layer *l, int col, size_t row, int64_t v);
void rd_set_real(rm_layer *l, int col, size_t row, double v);
void rd_set_bool(rm_layer *l, int col, size_t row, int v);
/** Append a string to the last committed row (rows in order). */
int rd_set_string(rm_layer *l, int col, size_t row, const char *s,
                  size_t len);
/** Remove the features whose keep[i] is 0. */
void rd_layer_compact(rm_layer *l, const uint8_t *keep);
/** Give back the capacity of a layer read with a filter beyond its rows
 * (RM_OK, or RM_ENOMEM: the read then fails). */
int rd_layer_fit(rm_layer *l);
/** Layer type after reading. */
void rd_layer_set_type(rm_layer *l, rm_geom_type type);

/* read_proj.c: reprojection, in a background thread while reading */
int rd_proj_start(rd_reader *r);
/** Hand coordinates up to `n_coords` to the background thread. */
void rd_proj_submit(rd_reader *r);
/** Wait until every submitted coordinate is transformed. */
void rd_proj_sync(rd_reader *r);
/** Transform everything not yet done; stop the thread. */
int rd_proj_finish(rd_reader *r);
void rd_proj_free(rd_reader *r);

/* read_pages.c: the pages of a freshly sized layer, ahead of the rows */
/** Plan for the arrays just sized exactly (nothing for small layers). */
void rd_pages_plan(rd_reader *r);
/** Fault in the pages of rows up to `rows` (before they are written). */
void rd_pages_ahead(rd_reader *r, size_t rows);
/** Forget the arrays (before they move). */
void rd_pages_stop(rd_reader *r);
/**
 * Size string column `col` from its first batch (`bytes` for `rows` rows,
 * NULs included) for every row to come, and fault its bytes in ahead
 * from then on (nothing when the layer's pages are not planned).
 */
void rd_pages_strings(rd_reader *r, int col, size_t bytes, size_t rows);

/* read_ogr.c / read_arrow.c: the two reading paths */
int rd_read_features(rd_reader *r);
/** @return RM_OK, an error, or 1 when the Arrow path does not apply. */
int rd_read_arrow(rd_reader *r);
/** Period test of a DATETIME value (ms). */
int rd_in_period(const rd_reader *r, int64_t ms);
/** Error with the reader's location (source, layer, fid). */
int rd_error(rd_reader *r, int code, int64_t fid, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* read_gpx.c */
/** Load track point times when reading a GPX "tracks" layer. */
int rd_gpx_load(rd_reader *r);
/** Fill r->g.t for the staged track `fid` (NaN where unknown). */
void rd_gpx_times(rd_reader *r, int64_t fid);
void rd_gpx_free(rd_reader *r);

/* read_raster.c */
int rd_read_raster(rm_context *ctx, rm_layer **out, const char *source,
                   GDALDatasetH ds, const rm_read_options *opt);

#endif
