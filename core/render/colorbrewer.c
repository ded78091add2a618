/*
 * Colours: hex parsing and the ColorBrewer schemes, every class count of
 * every scheme, embedded verbatim. A scheme asked for more classes than
 * it has is interpolated (sequential, diverging) or repeated (qualitative).
 *
 * Colour schemes from www.ColorBrewer.org by Cynthia A. Brewer, Geography,
 * Pennsylvania State University (colorbrewer2.org). Copyright (c) 2002
 * Cynthia Brewer, Mark Harrower, and The Pennsylvania State University,
 * Apache-style licence: "This product includes color specifications and
 * designs developed by Cynthia Brewer (http://colorbrewer.org/)."
 * Values copied from the npm package colorbrewer 1.7.0 (index.js).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "render_internal.h"

/* One list of a scheme; rm__ramp (render_internal.h) is a scheme's
 * largest list, found once by name. */
typedef struct rm__ramp {
    const char *name;
    unsigned char type;
    unsigned char n;
    unsigned short offset; /* into cb_colors */
} cb_scheme;

static const uint32_t cb_colors[1689] = {
    0x7fc97f, 0xbeaed4, 0xfdc086, 0x7fc97f, 0xbeaed4, 0xfdc086,
    0xffff99, 0x7fc97f, 0xbeaed4, 0xfdc086, 0xffff99, 0x386cb0,
    0x7fc97f, 0xbeaed4, 0xfdc086, 0xffff99, 0x386cb0, 0xf0027f,
    0x7fc97f, 0xbeaed4, 0xfdc086, 0xffff99, 0x386cb0, 0xf0027f,
    0xbf5b17, 0x7fc97f, 0xbeaed4, 0xfdc086, 0xffff99, 0x386cb0,
    0xf0027f, 0xbf5b17, 0x666666, 0xdeebf7, 0x9ecae1, 0x3182bd,
    0xeff3ff, 0xbdd7e7, 0x6baed6, 0x2171b5, 0xeff3ff, 0xbdd7e7,
    0x6baed6, 0x3182bd, 0x08519c, 0xeff3ff, 0xc6dbef, 0x9ecae1,
    0x6baed6, 0x3182bd, 0x08519c, 0xeff3ff, 0xc6dbef, 0x9ecae1,
    0x6baed6, 0x4292c6, 0x2171b5, 0x084594, 0xf7fbff, 0xdeebf7,
    0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x084594,
    0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6,
    0x2171b5, 0x08519c, 0x08306b, 0xd8b365, 0xf5f5f5, 0x5ab4ac,
    0xa6611a, 0xdfc27d, 0x80cdc1, 0x018571, 0xa6611a, 0xdfc27d,
    0xf5f5f5, 0x80cdc1, 0x018571, 0x8c510a, 0xd8b365, 0xf6e8c3,
    0xc7eae5, 0x5ab4ac, 0x01665e, 0x8c510a, 0xd8b365, 0xf6e8c3,
    0xf5f5f5, 0xc7eae5, 0x5ab4ac, 0x01665e, 0x8c510a, 0xbf812d,
    0xdfc27d, 0xf6e8c3, 0xc7eae5, 0x80cdc1, 0x35978f, 0x01665e,
    0x8c510a, 0xbf812d, 0xdfc27d, 0xf6e8c3, 0xf5f5f5, 0xc7eae5,
    0x80cdc1, 0x35978f, 0x01665e, 0x543005, 0x8c510a, 0xbf812d,
    0xdfc27d, 0xf6e8c3, 0xc7eae5, 0x80cdc1, 0x35978f, 0x01665e,
    0x003c30, 0x543005, 0x8c510a, 0xbf812d, 0xdfc27d, 0xf6e8c3,
    0xf5f5f5, 0xc7eae5, 0x80cdc1, 0x35978f, 0x01665e, 0x003c30,
    0xe5f5f9, 0x99d8c9, 0x2ca25f, 0xedf8fb, 0xb2e2e2, 0x66c2a4,
    0x238b45, 0xedf8fb, 0xb2e2e2, 0x66c2a4, 0x2ca25f, 0x006d2c,
    0xedf8fb, 0xccece6, 0x99d8c9, 0x66c2a4, 0x2ca25f, 0x006d2c,
    0xedf8fb, 0xccece6, 0x99d8c9, 0x66c2a4, 0x41ae76, 0x238b45,
    0x005824, 0xf7fcfd, 0xe5f5f9, 0xccece6, 0x99d8c9, 0x66c2a4,
    0x41ae76, 0x238b45, 0x005824, 0xf7fcfd, 0xe5f5f9, 0xccece6,
    0x99d8c9, 0x66c2a4, 0x41ae76, 0x238b45, 0x006d2c, 0x00441b,
    0xe0ecf4, 0x9ebcda, 0x8856a7, 0xedf8fb, 0xb3cde3, 0x8c96c6,
    0x88419d, 0xedf8fb, 0xb3cde3, 0x8c96c6, 0x8856a7, 0x810f7c,
    0xedf8fb, 0xbfd3e6, 0x9ebcda, 0x8c96c6, 0x8856a7, 0x810f7c,
    0xedf8fb, 0xbfd3e6, 0x9ebcda, 0x8c96c6, 0x8c6bb1, 0x88419d,
    0x6e016b, 0xf7fcfd, 0xe0ecf4, 0xbfd3e6, 0x9ebcda, 0x8c96c6,
    0x8c6bb1, 0x88419d, 0x6e016b, 0xf7fcfd, 0xe0ecf4, 0xbfd3e6,
    0x9ebcda, 0x8c96c6, 0x8c6bb1, 0x88419d, 0x810f7c, 0x4d004b,
    0x1b9e77, 0xd95f02, 0x7570b3, 0x1b9e77, 0xd95f02, 0x7570b3,
    0xe7298a, 0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e,
    0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e, 0xe6ab02,
    0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e, 0xe6ab02,
    0xa6761d, 0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e,
    0xe6ab02, 0xa6761d, 0x666666, 0xe0f3db, 0xa8ddb5, 0x43a2ca,
    0xf0f9e8, 0xbae4bc, 0x7bccc4, 0x2b8cbe, 0xf0f9e8, 0xbae4bc,
    0x7bccc4, 0x43a2ca, 0x0868ac, 0xf0f9e8, 0xccebc5, 0xa8ddb5,
    0x7bccc4, 0x43a2ca, 0x0868ac, 0xf0f9e8, 0xccebc5, 0xa8ddb5,
    0x7bccc4, 0x4eb3d3, 0x2b8cbe, 0x08589e, 0xf7fcf0, 0xe0f3db,
    0xccebc5, 0xa8ddb5, 0x7bccc4, 0x4eb3d3, 0x2b8cbe, 0x08589e,
    0xf7fcf0, 0xe0f3db, 0xccebc5, 0xa8ddb5, 0x7bccc4, 0x4eb3d3,
    0x2b8cbe, 0x0868ac, 0x084081, 0xe5f5e0, 0xa1d99b, 0x31a354,
    0xedf8e9, 0xbae4b3, 0x74c476, 0x238b45, 0xedf8e9, 0xbae4b3,
    0x74c476, 0x31a354, 0x006d2c, 0xedf8e9, 0xc7e9c0, 0xa1d99b,
    0x74c476, 0x31a354, 0x006d2c, 0xedf8e9, 0xc7e9c0, 0xa1d99b,
    0x74c476, 0x41ab5d, 0x238b45, 0x005a32, 0xf7fcf5, 0xe5f5e0,
    0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x005a32,
    0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d,
    0x238b45, 0x006d2c, 0x00441b, 0xf0f0f0, 0xbdbdbd, 0x636363,
    0xf7f7f7, 0xcccccc, 0x969696, 0x525252, 0xf7f7f7, 0xcccccc,
    0x969696, 0x636363, 0x252525, 0xf7f7f7, 0xd9d9d9, 0xbdbdbd,
    0x969696, 0x636363, 0x252525, 0xf7f7f7, 0xd9d9d9, 0xbdbdbd,
    0x969696, 0x737373, 0x525252, 0x252525, 0xffffff, 0xf0f0f0,
    0xd9d9d9, 0xbdbdbd, 0x969696, 0x737373, 0x525252, 0x252525,
    0xffffff, 0xf0f0f0, 0xd9d9d9, 0xbdbdbd, 0x969696, 0x737373,
    0x525252, 0x252525, 0x000000, 0xfee8c8, 0xfdbb84, 0xe34a33,
    0xfef0d9, 0xfdcc8a, 0xfc8d59, 0xd7301f, 0xfef0d9, 0xfdcc8a,
    0xfc8d59, 0xe34a33, 0xb30000, 0xfef0d9, 0xfdd49e, 0xfdbb84,
    0xfc8d59, 0xe34a33, 0xb30000, 0xfef0d9, 0xfdd49e, 0xfdbb84,
    0xfc8d59, 0xef6548, 0xd7301f, 0x990000, 0xfff7ec, 0xfee8c8,
    0xfdd49e, 0xfdbb84, 0xfc8d59, 0xef6548, 0xd7301f, 0x990000,
    0xfff7ec, 0xfee8c8, 0xfdd49e, 0xfdbb84, 0xfc8d59, 0xef6548,
    0xd7301f, 0xb30000, 0x7f0000, 0xfee6ce, 0xfdae6b, 0xe6550d,
    0xfeedde, 0xfdbe85, 0xfd8d3c, 0xd94701, 0xfeedde, 0xfdbe85,
    0xfd8d3c, 0xe6550d, 0xa63603, 0xfeedde, 0xfdd0a2, 0xfdae6b,
    0xfd8d3c, 0xe6550d, 0xa63603, 0xfeedde, 0xfdd0a2, 0xfdae6b,
    0xfd8d3c, 0xf16913, 0xd94801, 0x8c2d04, 0xfff5eb, 0xfee6ce,
    0xfdd0a2, 0xfdae6b, 0xfd8d3c, 0xf16913, 0xd94801, 0x8c2d04,
    0xfff5eb, 0xfee6ce, 0xfdd0a2, 0xfdae6b, 0xfd8d3c, 0xf16913,
    0xd94801, 0xa63603, 0x7f2704, 0xaf8dc3, 0xf7f7f7, 0x7fbf7b,
    0x7b3294, 0xc2a5cf, 0xa6dba0, 0x008837, 0x7b3294, 0xc2a5cf,
    0xf7f7f7, 0xa6dba0, 0x008837, 0x762a83, 0xaf8dc3, 0xe7d4e8,
    0xd9f0d3, 0x7fbf7b, 0x1b7837, 0x762a83, 0xaf8dc3, 0xe7d4e8,
    0xf7f7f7, 0xd9f0d3, 0x7fbf7b, 0x1b7837, 0x762a83, 0x9970ab,
    0xc2a5cf, 0xe7d4e8, 0xd9f0d3, 0xa6dba0, 0x5aae61, 0x1b7837,
    0x762a83, 0x9970ab, 0xc2a5cf, 0xe7d4e8, 0xf7f7f7, 0xd9f0d3,
    0xa6dba0, 0x5aae61, 0x1b7837, 0x40004b, 0x762a83, 0x9970ab,
    0xc2a5cf, 0xe7d4e8, 0xd9f0d3, 0xa6dba0, 0x5aae61, 0x1b7837,
    0x00441b, 0x40004b, 0x762a83, 0x9970ab, 0xc2a5cf, 0xe7d4e8,
    0xf7f7f7, 0xd9f0d3, 0xa6dba0, 0x5aae61, 0x1b7837, 0x00441b,
    0xa6cee3, 0x1f78b4, 0xb2df8a, 0xa6cee3, 0x1f78b4, 0xb2df8a,
    0x33a02c, 0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99,
    0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c,
    0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c,
    0xfdbf6f, 0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99,
    0xe31a1c, 0xfdbf6f, 0xff7f00, 0xa6cee3, 0x1f78b4, 0xb2df8a,
    0x33a02c, 0xfb9a99, 0xe31a1c, 0xfdbf6f, 0xff7f00, 0xcab2d6,
    0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c,
    0xfdbf6f, 0xff7f00, 0xcab2d6, 0x6a3d9a, 0xa6cee3, 0x1f78b4,
    0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c, 0xfdbf6f, 0xff7f00,
    0xcab2d6, 0x6a3d9a, 0xffff99, 0xa6cee3, 0x1f78b4, 0xb2df8a,
    0x33a02c, 0xfb9a99, 0xe31a1c, 0xfdbf6f, 0xff7f00, 0xcab2d6,
    0x6a3d9a, 0xffff99, 0xb15928, 0xfbb4ae, 0xb3cde3, 0xccebc5,
    0xfbb4ae, 0xb3cde3, 0xccebc5, 0xdecbe4, 0xfbb4ae, 0xb3cde3,
    0xccebc5, 0xdecbe4, 0xfed9a6, 0xfbb4ae, 0xb3cde3, 0xccebc5,
    0xdecbe4, 0xfed9a6, 0xffffcc, 0xfbb4ae, 0xb3cde3, 0xccebc5,
    0xdecbe4, 0xfed9a6, 0xffffcc, 0xe5d8bd, 0xfbb4ae, 0xb3cde3,
    0xccebc5, 0xdecbe4, 0xfed9a6, 0xffffcc, 0xe5d8bd, 0xfddaec,
    0xfbb4ae, 0xb3cde3, 0xccebc5, 0xdecbe4, 0xfed9a6, 0xffffcc,
    0xe5d8bd, 0xfddaec, 0xf2f2f2, 0xb3e2cd, 0xfdcdac, 0xcbd5e8,
    0xb3e2cd, 0xfdcdac, 0xcbd5e8, 0xf4cae4, 0xb3e2cd, 0xfdcdac,
    0xcbd5e8, 0xf4cae4, 0xe6f5c9, 0xb3e2cd, 0xfdcdac, 0xcbd5e8,
    0xf4cae4, 0xe6f5c9, 0xfff2ae, 0xb3e2cd, 0xfdcdac, 0xcbd5e8,
    0xf4cae4, 0xe6f5c9, 0xfff2ae, 0xf1e2cc, 0xb3e2cd, 0xfdcdac,
    0xcbd5e8, 0xf4cae4, 0xe6f5c9, 0xfff2ae, 0xf1e2cc, 0xcccccc,
    0xe9a3c9, 0xf7f7f7, 0xa1d76a, 0xd01c8b, 0xf1b6da, 0xb8e186,
    0x4dac26, 0xd01c8b, 0xf1b6da, 0xf7f7f7, 0xb8e186, 0x4dac26,
    0xc51b7d, 0xe9a3c9, 0xfde0ef, 0xe6f5d0, 0xa1d76a, 0x4d9221,
    0xc51b7d, 0xe9a3c9, 0xfde0ef, 0xf7f7f7, 0xe6f5d0, 0xa1d76a,
    0x4d9221, 0xc51b7d, 0xde77ae, 0xf1b6da, 0xfde0ef, 0xe6f5d0,
    0xb8e186, 0x7fbc41, 0x4d9221, 0xc51b7d, 0xde77ae, 0xf1b6da,
    0xfde0ef, 0xf7f7f7, 0xe6f5d0, 0xb8e186, 0x7fbc41, 0x4d9221,
    0x8e0152, 0xc51b7d, 0xde77ae, 0xf1b6da, 0xfde0ef, 0xe6f5d0,
    0xb8e186, 0x7fbc41, 0x4d9221, 0x276419, 0x8e0152, 0xc51b7d,
    0xde77ae, 0xf1b6da, 0xfde0ef, 0xf7f7f7, 0xe6f5d0, 0xb8e186,
    0x7fbc41, 0x4d9221, 0x276419, 0xece7f2, 0xa6bddb, 0x2b8cbe,
    0xf1eef6, 0xbdc9e1, 0x74a9cf, 0x0570b0, 0xf1eef6, 0xbdc9e1,
    0x74a9cf, 0x2b8cbe, 0x045a8d, 0xf1eef6, 0xd0d1e6, 0xa6bddb,
    0x74a9cf, 0x2b8cbe, 0x045a8d, 0xf1eef6, 0xd0d1e6, 0xa6bddb,
    0x74a9cf, 0x3690c0, 0x0570b0, 0x034e7b, 0xfff7fb, 0xece7f2,
    0xd0d1e6, 0xa6bddb, 0x74a9cf, 0x3690c0, 0x0570b0, 0x034e7b,
    0xfff7fb, 0xece7f2, 0xd0d1e6, 0xa6bddb, 0x74a9cf, 0x3690c0,
    0x0570b0, 0x045a8d, 0x023858, 0xece2f0, 0xa6bddb, 0x1c9099,
    0xf6eff7, 0xbdc9e1, 0x67a9cf, 0x02818a, 0xf6eff7, 0xbdc9e1,
    0x67a9cf, 0x1c9099, 0x016c59, 0xf6eff7, 0xd0d1e6, 0xa6bddb,
    0x67a9cf, 0x1c9099, 0x016c59, 0xf6eff7, 0xd0d1e6, 0xa6bddb,
    0x67a9cf, 0x3690c0, 0x02818a, 0x016450, 0xfff7fb, 0xece2f0,
    0xd0d1e6, 0xa6bddb, 0x67a9cf, 0x3690c0, 0x02818a, 0x016450,
    0xfff7fb, 0xece2f0, 0xd0d1e6, 0xa6bddb, 0x67a9cf, 0x3690c0,
    0x02818a, 0x016c59, 0x014636, 0xf1a340, 0xf7f7f7, 0x998ec3,
    0xe66101, 0xfdb863, 0xb2abd2, 0x5e3c99, 0xe66101, 0xfdb863,
    0xf7f7f7, 0xb2abd2, 0x5e3c99, 0xb35806, 0xf1a340, 0xfee0b6,
    0xd8daeb, 0x998ec3, 0x542788, 0xb35806, 0xf1a340, 0xfee0b6,
    0xf7f7f7, 0xd8daeb, 0x998ec3, 0x542788, 0xb35806, 0xe08214,
    0xfdb863, 0xfee0b6, 0xd8daeb, 0xb2abd2, 0x8073ac, 0x542788,
    0xb35806, 0xe08214, 0xfdb863, 0xfee0b6, 0xf7f7f7, 0xd8daeb,
    0xb2abd2, 0x8073ac, 0x542788, 0x7f3b08, 0xb35806, 0xe08214,
    0xfdb863, 0xfee0b6, 0xd8daeb, 0xb2abd2, 0x8073ac, 0x542788,
    0x2d004b, 0x7f3b08, 0xb35806, 0xe08214, 0xfdb863, 0xfee0b6,
    0xf7f7f7, 0xd8daeb, 0xb2abd2, 0x8073ac, 0x542788, 0x2d004b,
    0xe7e1ef, 0xc994c7, 0xdd1c77, 0xf1eef6, 0xd7b5d8, 0xdf65b0,
    0xce1256, 0xf1eef6, 0xd7b5d8, 0xdf65b0, 0xdd1c77, 0x980043,
    0xf1eef6, 0xd4b9da, 0xc994c7, 0xdf65b0, 0xdd1c77, 0x980043,
    0xf1eef6, 0xd4b9da, 0xc994c7, 0xdf65b0, 0xe7298a, 0xce1256,
    0x91003f, 0xf7f4f9, 0xe7e1ef, 0xd4b9da, 0xc994c7, 0xdf65b0,
    0xe7298a, 0xce1256, 0x91003f, 0xf7f4f9, 0xe7e1ef, 0xd4b9da,
    0xc994c7, 0xdf65b0, 0xe7298a, 0xce1256, 0x980043, 0x67001f,
    0xefedf5, 0xbcbddc, 0x756bb1, 0xf2f0f7, 0xcbc9e2, 0x9e9ac8,
    0x6a51a3, 0xf2f0f7, 0xcbc9e2, 0x9e9ac8, 0x756bb1, 0x54278f,
    0xf2f0f7, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x756bb1, 0x54278f,
    0xf2f0f7, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3,
    0x4a1486, 0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8,
    0x807dba, 0x6a51a3, 0x4a1486, 0xfcfbfd, 0xefedf5, 0xdadaeb,
    0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3, 0x54278f, 0x3f007d,
    0xef8a62, 0xf7f7f7, 0x67a9cf, 0xca0020, 0xf4a582, 0x92c5de,
    0x0571b0, 0xca0020, 0xf4a582, 0xf7f7f7, 0x92c5de, 0x0571b0,
    0xb2182b, 0xef8a62, 0xfddbc7, 0xd1e5f0, 0x67a9cf, 0x2166ac,
    0xb2182b, 0xef8a62, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x67a9cf,
    0x2166ac, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xd1e5f0,
    0x92c5de, 0x4393c3, 0x2166ac, 0xb2182b, 0xd6604d, 0xf4a582,
    0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac,
    0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xd1e5f0,
    0x92c5de, 0x4393c3, 0x2166ac, 0x053061, 0x67001f, 0xb2182b,
    0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de,
    0x4393c3, 0x2166ac, 0x053061, 0xef8a62, 0xffffff, 0x999999,
    0xca0020, 0xf4a582, 0xbababa, 0x404040, 0xca0020, 0xf4a582,
    0xffffff, 0xbababa, 0x404040, 0xb2182b, 0xef8a62, 0xfddbc7,
    0xe0e0e0, 0x999999, 0x4d4d4d, 0xb2182b, 0xef8a62, 0xfddbc7,
    0xffffff, 0xe0e0e0, 0x999999, 0x4d4d4d, 0xb2182b, 0xd6604d,
    0xf4a582, 0xfddbc7, 0xe0e0e0, 0xbababa, 0x878787, 0x4d4d4d,
    0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xffffff, 0xe0e0e0,
    0xbababa, 0x878787, 0x4d4d4d, 0x67001f, 0xb2182b, 0xd6604d,
    0xf4a582, 0xfddbc7, 0xe0e0e0, 0xbababa, 0x878787, 0x4d4d4d,
    0x1a1a1a, 0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7,
    0xffffff, 0xe0e0e0, 0xbababa, 0x878787, 0x4d4d4d, 0x1a1a1a,
    0xfde0dd, 0xfa9fb5, 0xc51b8a, 0xfeebe2, 0xfbb4b9, 0xf768a1,
    0xae017e, 0xfeebe2, 0xfbb4b9, 0xf768a1, 0xc51b8a, 0x7a0177,
    0xfeebe2, 0xfcc5c0, 0xfa9fb5, 0xf768a1, 0xc51b8a, 0x7a0177,
    0xfeebe2, 0xfcc5c0, 0xfa9fb5, 0xf768a1, 0xdd3497, 0xae017e,
    0x7a0177, 0xfff7f3, 0xfde0dd, 0xfcc5c0, 0xfa9fb5, 0xf768a1,
    0xdd3497, 0xae017e, 0x7a0177, 0xfff7f3, 0xfde0dd, 0xfcc5c0,
    0xfa9fb5, 0xf768a1, 0xdd3497, 0xae017e, 0x7a0177, 0x49006a,
    0xfc8d59, 0xffffbf, 0x91bfdb, 0xd7191c, 0xfdae61, 0xabd9e9,
    0x2c7bb6, 0xd7191c, 0xfdae61, 0xffffbf, 0xabd9e9, 0x2c7bb6,
    0xd73027, 0xfc8d59, 0xfee090, 0xe0f3f8, 0x91bfdb, 0x4575b4,
    0xd73027, 0xfc8d59, 0xfee090, 0xffffbf, 0xe0f3f8, 0x91bfdb,
    0x4575b4, 0xd73027, 0xf46d43, 0xfdae61, 0xfee090, 0xe0f3f8,
    0xabd9e9, 0x74add1, 0x4575b4, 0xd73027, 0xf46d43, 0xfdae61,
    0xfee090, 0xffffbf, 0xe0f3f8, 0xabd9e9, 0x74add1, 0x4575b4,
    0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee090, 0xe0f3f8,
    0xabd9e9, 0x74add1, 0x4575b4, 0x313695, 0xa50026, 0xd73027,
    0xf46d43, 0xfdae61, 0xfee090, 0xffffbf, 0xe0f3f8, 0xabd9e9,
    0x74add1, 0x4575b4, 0x313695, 0xfc8d59, 0xffffbf, 0x91cf60,
    0xd7191c, 0xfdae61, 0xa6d96a, 0x1a9641, 0xd7191c, 0xfdae61,
    0xffffbf, 0xa6d96a, 0x1a9641, 0xd73027, 0xfc8d59, 0xfee08b,
    0xd9ef8b, 0x91cf60, 0x1a9850, 0xd73027, 0xfc8d59, 0xfee08b,
    0xffffbf, 0xd9ef8b, 0x91cf60, 0x1a9850, 0xd73027, 0xf46d43,
    0xfdae61, 0xfee08b, 0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850,
    0xd73027, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xd9ef8b,
    0xa6d96a, 0x66bd63, 0x1a9850, 0xa50026, 0xd73027, 0xf46d43,
    0xfdae61, 0xfee08b, 0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850,
    0x006837, 0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee08b,
    0xffffbf, 0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850, 0x006837,
    0xfee0d2, 0xfc9272, 0xde2d26, 0xfee5d9, 0xfcae91, 0xfb6a4a,
    0xcb181d, 0xfee5d9, 0xfcae91, 0xfb6a4a, 0xde2d26, 0xa50f15,
    0xfee5d9, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xde2d26, 0xa50f15,
    0xfee5d9, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d,
    0x99000d, 0xfff5f0, 0xfee0d2, 0xfcbba1, 0xfc9272, 0xfb6a4a,
    0xef3b2c, 0xcb181d, 0x99000d, 0xfff5f0, 0xfee0d2, 0xfcbba1,
    0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d, 0xa50f15, 0x67000d,
    0xe41a1c, 0x377eb8, 0x4daf4a, 0xe41a1c, 0x377eb8, 0x4daf4a,
    0x984ea3, 0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00,
    0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00, 0xffff33,
    0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00, 0xffff33,
    0xa65628, 0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00,
    0xffff33, 0xa65628, 0xf781bf, 0xe41a1c, 0x377eb8, 0x4daf4a,
    0x984ea3, 0xff7f00, 0xffff33, 0xa65628, 0xf781bf, 0x999999,
    0x66c2a5, 0xfc8d62, 0x8da0cb, 0x66c2a5, 0xfc8d62, 0x8da0cb,
    0xe78ac3, 0x66c2a5, 0xfc8d62, 0x8da0cb, 0xe78ac3, 0xa6d854,
    0x66c2a5, 0xfc8d62, 0x8da0cb, 0xe78ac3, 0xa6d854, 0xffd92f,
    0x66c2a5, 0xfc8d62, 0x8da0cb, 0xe78ac3, 0xa6d854, 0xffd92f,
    0xe5c494, 0x66c2a5, 0xfc8d62, 0x8da0cb, 0xe78ac3, 0xa6d854,
    0xffd92f, 0xe5c494, 0xb3b3b3, 0x8dd3c7, 0xffffb3, 0xbebada,
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x8dd3c7, 0xffffb3,
    0xbebada, 0xfb8072, 0x80b1d3, 0x8dd3c7, 0xffffb3, 0xbebada,
    0xfb8072, 0x80b1d3, 0xfdb462, 0x8dd3c7, 0xffffb3, 0xbebada,
    0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0x8dd3c7, 0xffffb3,
    0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5,
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462,
    0xb3de69, 0xfccde5, 0xd9d9d9, 0x8dd3c7, 0xffffb3, 0xbebada,
    0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5, 0xd9d9d9,
    0xbc80bd, 0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3,
    0xfdb462, 0xb3de69, 0xfccde5, 0xd9d9d9, 0xbc80bd, 0xccebc5,
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462,
    0xb3de69, 0xfccde5, 0xd9d9d9, 0xbc80bd, 0xccebc5, 0xffed6f,
    0xfc8d59, 0xffffbf, 0x99d594, 0xd7191c, 0xfdae61, 0xabdda4,
    0x2b83ba, 0xd7191c, 0xfdae61, 0xffffbf, 0xabdda4, 0x2b83ba,
    0xd53e4f, 0xfc8d59, 0xfee08b, 0xe6f598, 0x99d594, 0x3288bd,
    0xd53e4f, 0xfc8d59, 0xfee08b, 0xffffbf, 0xe6f598, 0x99d594,
    0x3288bd, 0xd53e4f, 0xf46d43, 0xfdae61, 0xfee08b, 0xe6f598,
    0xabdda4, 0x66c2a5, 0x3288bd, 0xd53e4f, 0xf46d43, 0xfdae61,
    0xfee08b, 0xffffbf, 0xe6f598, 0xabdda4, 0x66c2a5, 0x3288bd,
    0x9e0142, 0xd53e4f, 0xf46d43, 0xfdae61, 0xfee08b, 0xe6f598,
    0xabdda4, 0x66c2a5, 0x3288bd, 0x5e4fa2, 0x9e0142, 0xd53e4f,
    0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xe6f598, 0xabdda4,
    0x66c2a5, 0x3288bd, 0x5e4fa2, 0xf7fcb9, 0xaddd8e, 0x31a354,
    0xffffcc, 0xc2e699, 0x78c679, 0x238443, 0xffffcc, 0xc2e699,
    0x78c679, 0x31a354, 0x006837, 0xffffcc, 0xd9f0a3, 0xaddd8e,
    0x78c679, 0x31a354, 0x006837, 0xffffcc, 0xd9f0a3, 0xaddd8e,
    0x78c679, 0x41ab5d, 0x238443, 0x005a32, 0xffffe5, 0xf7fcb9,
    0xd9f0a3, 0xaddd8e, 0x78c679, 0x41ab5d, 0x238443, 0x005a32,
    0xffffe5, 0xf7fcb9, 0xd9f0a3, 0xaddd8e, 0x78c679, 0x41ab5d,
    0x238443, 0x006837, 0x004529, 0xedf8b1, 0x7fcdbb, 0x2c7fb8,
    0xffffcc, 0xa1dab4, 0x41b6c4, 0x225ea8, 0xffffcc, 0xa1dab4,
    0x41b6c4, 0x2c7fb8, 0x253494, 0xffffcc, 0xc7e9b4, 0x7fcdbb,
    0x41b6c4, 0x2c7fb8, 0x253494, 0xffffcc, 0xc7e9b4, 0x7fcdbb,
    0x41b6c4, 0x1d91c0, 0x225ea8, 0x0c2c84, 0xffffd9, 0xedf8b1,
    0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x0c2c84,
    0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0,
    0x225ea8, 0x253494, 0x081d58, 0xfff7bc, 0xfec44f, 0xd95f0e,
    0xffffd4, 0xfed98e, 0xfe9929, 0xcc4c02, 0xffffd4, 0xfed98e,
    0xfe9929, 0xd95f0e, 0x993404, 0xffffd4, 0xfee391, 0xfec44f,
    0xfe9929, 0xd95f0e, 0x993404, 0xffffd4, 0xfee391, 0xfec44f,
    0xfe9929, 0xec7014, 0xcc4c02, 0x8c2d04, 0xffffe5, 0xfff7bc,
    0xfee391, 0xfec44f, 0xfe9929, 0xec7014, 0xcc4c02, 0x8c2d04,
    0xffffe5, 0xfff7bc, 0xfee391, 0xfec44f, 0xfe9929, 0xec7014,
    0xcc4c02, 0x993404, 0x662506, 0xffeda0, 0xfeb24c, 0xf03b20,
    0xffffb2, 0xfecc5c, 0xfd8d3c, 0xe31a1c, 0xffffb2, 0xfecc5c,
    0xfd8d3c, 0xf03b20, 0xbd0026, 0xffffb2, 0xfed976, 0xfeb24c,
    0xfd8d3c, 0xf03b20, 0xbd0026, 0xffffb2, 0xfed976, 0xfeb24c,
    0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xb10026, 0xffffcc, 0xffeda0,
    0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xb10026,
    0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a,
    0xe31a1c, 0xbd0026, 0x800026,
};

static const cb_scheme cb_schemes[265] = {
    {"Accent", RM__RAMP_QUALITATIVE, 3, 0},
    {"Accent", RM__RAMP_QUALITATIVE, 4, 3},
    {"Accent", RM__RAMP_QUALITATIVE, 5, 7},
    {"Accent", RM__RAMP_QUALITATIVE, 6, 12},
    {"Accent", RM__RAMP_QUALITATIVE, 7, 18},
    {"Accent", RM__RAMP_QUALITATIVE, 8, 25},
    {"Blues", RM__RAMP_SEQUENTIAL, 3, 33},
    {"Blues", RM__RAMP_SEQUENTIAL, 4, 36},
    {"Blues", RM__RAMP_SEQUENTIAL, 5, 40},
    {"Blues", RM__RAMP_SEQUENTIAL, 6, 45},
    {"Blues", RM__RAMP_SEQUENTIAL, 7, 51},
    {"Blues", RM__RAMP_SEQUENTIAL, 8, 58},
    {"Blues", RM__RAMP_SEQUENTIAL, 9, 66},
    {"BrBG", RM__RAMP_DIVERGING, 3, 75},
    {"BrBG", RM__RAMP_DIVERGING, 4, 78},
    {"BrBG", RM__RAMP_DIVERGING, 5, 82},
    {"BrBG", RM__RAMP_DIVERGING, 6, 87},
    {"BrBG", RM__RAMP_DIVERGING, 7, 93},
    {"BrBG", RM__RAMP_DIVERGING, 8, 100},
    {"BrBG", RM__RAMP_DIVERGING, 9, 108},
    {"BrBG", RM__RAMP_DIVERGING, 10, 117},
    {"BrBG", RM__RAMP_DIVERGING, 11, 127},
    {"BuGn", RM__RAMP_SEQUENTIAL, 3, 138},
    {"BuGn", RM__RAMP_SEQUENTIAL, 4, 141},
    {"BuGn", RM__RAMP_SEQUENTIAL, 5, 145},
    {"BuGn", RM__RAMP_SEQUENTIAL, 6, 150},
    {"BuGn", RM__RAMP_SEQUENTIAL, 7, 156},
    {"BuGn", RM__RAMP_SEQUENTIAL, 8, 163},
    {"BuGn", RM__RAMP_SEQUENTIAL, 9, 171},
    {"BuPu", RM__RAMP_SEQUENTIAL, 3, 180},
    {"BuPu", RM__RAMP_SEQUENTIAL, 4, 183},
    {"BuPu", RM__RAMP_SEQUENTIAL, 5, 187},
    {"BuPu", RM__RAMP_SEQUENTIAL, 6, 192},
    {"BuPu", RM__RAMP_SEQUENTIAL, 7, 198},
    {"BuPu", RM__RAMP_SEQUENTIAL, 8, 205},
    {"BuPu", RM__RAMP_SEQUENTIAL, 9, 213},
    {"Dark2", RM__RAMP_QUALITATIVE, 3, 222},
    {"Dark2", RM__RAMP_QUALITATIVE, 4, 225},
    {"Dark2", RM__RAMP_QUALITATIVE, 5, 229},
    {"Dark2", RM__RAMP_QUALITATIVE, 6, 234},
    {"Dark2", RM__RAMP_QUALITATIVE, 7, 240},
    {"Dark2", RM__RAMP_QUALITATIVE, 8, 247},
    {"GnBu", RM__RAMP_SEQUENTIAL, 3, 255},
    {"GnBu", RM__RAMP_SEQUENTIAL, 4, 258},
    {"GnBu", RM__RAMP_SEQUENTIAL, 5, 262},
    {"GnBu", RM__RAMP_SEQUENTIAL, 6, 267},
    {"GnBu", RM__RAMP_SEQUENTIAL, 7, 273},
    {"GnBu", RM__RAMP_SEQUENTIAL, 8, 280},
    {"GnBu", RM__RAMP_SEQUENTIAL, 9, 288},
    {"Greens", RM__RAMP_SEQUENTIAL, 3, 297},
    {"Greens", RM__RAMP_SEQUENTIAL, 4, 300},
    {"Greens", RM__RAMP_SEQUENTIAL, 5, 304},
    {"Greens", RM__RAMP_SEQUENTIAL, 6, 309},
    {"Greens", RM__RAMP_SEQUENTIAL, 7, 315},
    {"Greens", RM__RAMP_SEQUENTIAL, 8, 322},
    {"Greens", RM__RAMP_SEQUENTIAL, 9, 330},
    {"Greys", RM__RAMP_SEQUENTIAL, 3, 339},
    {"Greys", RM__RAMP_SEQUENTIAL, 4, 342},
    {"Greys", RM__RAMP_SEQUENTIAL, 5, 346},
    {"Greys", RM__RAMP_SEQUENTIAL, 6, 351},
    {"Greys", RM__RAMP_SEQUENTIAL, 7, 357},
    {"Greys", RM__RAMP_SEQUENTIAL, 8, 364},
    {"Greys", RM__RAMP_SEQUENTIAL, 9, 372},
    {"OrRd", RM__RAMP_SEQUENTIAL, 3, 381},
    {"OrRd", RM__RAMP_SEQUENTIAL, 4, 384},
    {"OrRd", RM__RAMP_SEQUENTIAL, 5, 388},
    {"OrRd", RM__RAMP_SEQUENTIAL, 6, 393},
    {"OrRd", RM__RAMP_SEQUENTIAL, 7, 399},
    {"OrRd", RM__RAMP_SEQUENTIAL, 8, 406},
    {"OrRd", RM__RAMP_SEQUENTIAL, 9, 414},
    {"Oranges", RM__RAMP_SEQUENTIAL, 3, 423},
    {"Oranges", RM__RAMP_SEQUENTIAL, 4, 426},
    {"Oranges", RM__RAMP_SEQUENTIAL, 5, 430},
    {"Oranges", RM__RAMP_SEQUENTIAL, 6, 435},
    {"Oranges", RM__RAMP_SEQUENTIAL, 7, 441},
    {"Oranges", RM__RAMP_SEQUENTIAL, 8, 448},
    {"Oranges", RM__RAMP_SEQUENTIAL, 9, 456},
    {"PRGn", RM__RAMP_DIVERGING, 3, 465},
    {"PRGn", RM__RAMP_DIVERGING, 4, 468},
    {"PRGn", RM__RAMP_DIVERGING, 5, 472},
    {"PRGn", RM__RAMP_DIVERGING, 6, 477},
    {"PRGn", RM__RAMP_DIVERGING, 7, 483},
    {"PRGn", RM__RAMP_DIVERGING, 8, 490},
    {"PRGn", RM__RAMP_DIVERGING, 9, 498},
    {"PRGn", RM__RAMP_DIVERGING, 10, 507},
    {"PRGn", RM__RAMP_DIVERGING, 11, 517},
    {"Paired", RM__RAMP_QUALITATIVE, 3, 528},
    {"Paired", RM__RAMP_QUALITATIVE, 4, 531},
    {"Paired", RM__RAMP_QUALITATIVE, 5, 535},
    {"Paired", RM__RAMP_QUALITATIVE, 6, 540},
    {"Paired", RM__RAMP_QUALITATIVE, 7, 546},
    {"Paired", RM__RAMP_QUALITATIVE, 8, 553},
    {"Paired", RM__RAMP_QUALITATIVE, 9, 561},
    {"Paired", RM__RAMP_QUALITATIVE, 10, 570},
    {"Paired", RM__RAMP_QUALITATIVE, 11, 580},
    {"Paired", RM__RAMP_QUALITATIVE, 12, 591},
    {"Pastel1", RM__RAMP_QUALITATIVE, 3, 603},
    {"Pastel1", RM__RAMP_QUALITATIVE, 4, 606},
    {"Pastel1", RM__RAMP_QUALITATIVE, 5, 610},
    {"Pastel1", RM__RAMP_QUALITATIVE, 6, 615},
    {"Pastel1", RM__RAMP_QUALITATIVE, 7, 621},
    {"Pastel1", RM__RAMP_QUALITATIVE, 8, 628},
    {"Pastel1", RM__RAMP_QUALITATIVE, 9, 636},
    {"Pastel2", RM__RAMP_QUALITATIVE, 3, 645},
    {"Pastel2", RM__RAMP_QUALITATIVE, 4, 648},
    {"Pastel2", RM__RAMP_QUALITATIVE, 5, 652},
    {"Pastel2", RM__RAMP_QUALITATIVE, 6, 657},
    {"Pastel2", RM__RAMP_QUALITATIVE, 7, 663},
    {"Pastel2", RM__RAMP_QUALITATIVE, 8, 670},
    {"PiYG", RM__RAMP_DIVERGING, 3, 678},
    {"PiYG", RM__RAMP_DIVERGING, 4, 681},
    {"PiYG", RM__RAMP_DIVERGING, 5, 685},
    {"PiYG", RM__RAMP_DIVERGING, 6, 690},
    {"PiYG", RM__RAMP_DIVERGING, 7, 696},
    {"PiYG", RM__RAMP_DIVERGING, 8, 703},
    {"PiYG", RM__RAMP_DIVERGING, 9, 711},
    {"PiYG", RM__RAMP_DIVERGING, 10, 720},
    {"PiYG", RM__RAMP_DIVERGING, 11, 730},
    {"PuBu", RM__RAMP_SEQUENTIAL, 3, 741},
    {"PuBu", RM__RAMP_SEQUENTIAL, 4, 744},
    {"PuBu", RM__RAMP_SEQUENTIAL, 5, 748},
    {"PuBu", RM__RAMP_SEQUENTIAL, 6, 753},
    {"PuBu", RM__RAMP_SEQUENTIAL, 7, 759},
    {"PuBu", RM__RAMP_SEQUENTIAL, 8, 766},
    {"PuBu", RM__RAMP_SEQUENTIAL, 9, 774},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 3, 783},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 4, 786},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 5, 790},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 6, 795},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 7, 801},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 8, 808},
    {"PuBuGn", RM__RAMP_SEQUENTIAL, 9, 816},
    {"PuOr", RM__RAMP_DIVERGING, 3, 825},
    {"PuOr", RM__RAMP_DIVERGING, 4, 828},
    {"PuOr", RM__RAMP_DIVERGING, 5, 832},
    {"PuOr", RM__RAMP_DIVERGING, 6, 837},
    {"PuOr", RM__RAMP_DIVERGING, 7, 843},
    {"PuOr", RM__RAMP_DIVERGING, 8, 850},
    {"PuOr", RM__RAMP_DIVERGING, 9, 858},
    {"PuOr", RM__RAMP_DIVERGING, 10, 867},
    {"PuOr", RM__RAMP_DIVERGING, 11, 877},
    {"PuRd", RM__RAMP_SEQUENTIAL, 3, 888},
    {"PuRd", RM__RAMP_SEQUENTIAL, 4, 891},
    {"PuRd", RM__RAMP_SEQUENTIAL, 5, 895},
    {"PuRd", RM__RAMP_SEQUENTIAL, 6, 900},
    {"PuRd", RM__RAMP_SEQUENTIAL, 7, 906},
    {"PuRd", RM__RAMP_SEQUENTIAL, 8, 913},
    {"PuRd", RM__RAMP_SEQUENTIAL, 9, 921},
    {"Purples", RM__RAMP_SEQUENTIAL, 3, 930},
    {"Purples", RM__RAMP_SEQUENTIAL, 4, 933},
    {"Purples", RM__RAMP_SEQUENTIAL, 5, 937},
    {"Purples", RM__RAMP_SEQUENTIAL, 6, 942},
    {"Purples", RM__RAMP_SEQUENTIAL, 7, 948},
    {"Purples", RM__RAMP_SEQUENTIAL, 8, 955},
    {"Purples", RM__RAMP_SEQUENTIAL, 9, 963},
    {"RdBu", RM__RAMP_DIVERGING, 3, 972},
    {"RdBu", RM__RAMP_DIVERGING, 4, 975},
    {"RdBu", RM__RAMP_DIVERGING, 5, 979},
    {"RdBu", RM__RAMP_DIVERGING, 6, 984},
    {"RdBu", RM__RAMP_DIVERGING, 7, 990},
    {"RdBu", RM__RAMP_DIVERGING, 8, 997},
    {"RdBu", RM__RAMP_DIVERGING, 9, 1005},
    {"RdBu", RM__RAMP_DIVERGING, 10, 1014},
    {"RdBu", RM__RAMP_DIVERGING, 11, 1024},
    {"RdGy", RM__RAMP_DIVERGING, 3, 1035},
    {"RdGy", RM__RAMP_DIVERGING, 4, 1038},
    {"RdGy", RM__RAMP_DIVERGING, 5, 1042},
    {"RdGy", RM__RAMP_DIVERGING, 6, 1047},
    {"RdGy", RM__RAMP_DIVERGING, 7, 1053},
    {"RdGy", RM__RAMP_DIVERGING, 8, 1060},
    {"RdGy", RM__RAMP_DIVERGING, 9, 1068},
    {"RdGy", RM__RAMP_DIVERGING, 10, 1077},
    {"RdGy", RM__RAMP_DIVERGING, 11, 1087},
    {"RdPu", RM__RAMP_SEQUENTIAL, 3, 1098},
    {"RdPu", RM__RAMP_SEQUENTIAL, 4, 1101},
    {"RdPu", RM__RAMP_SEQUENTIAL, 5, 1105},
    {"RdPu", RM__RAMP_SEQUENTIAL, 6, 1110},
    {"RdPu", RM__RAMP_SEQUENTIAL, 7, 1116},
    {"RdPu", RM__RAMP_SEQUENTIAL, 8, 1123},
    {"RdPu", RM__RAMP_SEQUENTIAL, 9, 1131},
    {"RdYlBu", RM__RAMP_DIVERGING, 3, 1140},
    {"RdYlBu", RM__RAMP_DIVERGING, 4, 1143},
    {"RdYlBu", RM__RAMP_DIVERGING, 5, 1147},
    {"RdYlBu", RM__RAMP_DIVERGING, 6, 1152},
    {"RdYlBu", RM__RAMP_DIVERGING, 7, 1158},
    {"RdYlBu", RM__RAMP_DIVERGING, 8, 1165},
    {"RdYlBu", RM__RAMP_DIVERGING, 9, 1173},
    {"RdYlBu", RM__RAMP_DIVERGING, 10, 1182},
    {"RdYlBu", RM__RAMP_DIVERGING, 11, 1192},
    {"RdYlGn", RM__RAMP_DIVERGING, 3, 1203},
    {"RdYlGn", RM__RAMP_DIVERGING, 4, 1206},
    {"RdYlGn", RM__RAMP_DIVERGING, 5, 1210},
    {"RdYlGn", RM__RAMP_DIVERGING, 6, 1215},
    {"RdYlGn", RM__RAMP_DIVERGING, 7, 1221},
    {"RdYlGn", RM__RAMP_DIVERGING, 8, 1228},
    {"RdYlGn", RM__RAMP_DIVERGING, 9, 1236},
    {"RdYlGn", RM__RAMP_DIVERGING, 10, 1245},
    {"RdYlGn", RM__RAMP_DIVERGING, 11, 1255},
    {"Reds", RM__RAMP_SEQUENTIAL, 3, 1266},
    {"Reds", RM__RAMP_SEQUENTIAL, 4, 1269},
    {"Reds", RM__RAMP_SEQUENTIAL, 5, 1273},
    {"Reds", RM__RAMP_SEQUENTIAL, 6, 1278},
    {"Reds", RM__RAMP_SEQUENTIAL, 7, 1284},
    {"Reds", RM__RAMP_SEQUENTIAL, 8, 1291},
    {"Reds", RM__RAMP_SEQUENTIAL, 9, 1299},
    {"Set1", RM__RAMP_QUALITATIVE, 3, 1308},
    {"Set1", RM__RAMP_QUALITATIVE, 4, 1311},
    {"Set1", RM__RAMP_QUALITATIVE, 5, 1315},
    {"Set1", RM__RAMP_QUALITATIVE, 6, 1320},
    {"Set1", RM__RAMP_QUALITATIVE, 7, 1326},
    {"Set1", RM__RAMP_QUALITATIVE, 8, 1333},
    {"Set1", RM__RAMP_QUALITATIVE, 9, 1341},
    {"Set2", RM__RAMP_QUALITATIVE, 3, 1350},
    {"Set2", RM__RAMP_QUALITATIVE, 4, 1353},
    {"Set2", RM__RAMP_QUALITATIVE, 5, 1357},
    {"Set2", RM__RAMP_QUALITATIVE, 6, 1362},
    {"Set2", RM__RAMP_QUALITATIVE, 7, 1368},
    {"Set2", RM__RAMP_QUALITATIVE, 8, 1375},
    {"Set3", RM__RAMP_QUALITATIVE, 3, 1383},
    {"Set3", RM__RAMP_QUALITATIVE, 4, 1386},
    {"Set3", RM__RAMP_QUALITATIVE, 5, 1390},
    {"Set3", RM__RAMP_QUALITATIVE, 6, 1395},
    {"Set3", RM__RAMP_QUALITATIVE, 7, 1401},
    {"Set3", RM__RAMP_QUALITATIVE, 8, 1408},
    {"Set3", RM__RAMP_QUALITATIVE, 9, 1416},
    {"Set3", RM__RAMP_QUALITATIVE, 10, 1425},
    {"Set3", RM__RAMP_QUALITATIVE, 11, 1435},
    {"Set3", RM__RAMP_QUALITATIVE, 12, 1446},
    {"Spectral", RM__RAMP_DIVERGING, 3, 1458},
    {"Spectral", RM__RAMP_DIVERGING, 4, 1461},
    {"Spectral", RM__RAMP_DIVERGING, 5, 1465},
    {"Spectral", RM__RAMP_DIVERGING, 6, 1470},
    {"Spectral", RM__RAMP_DIVERGING, 7, 1476},
    {"Spectral", RM__RAMP_DIVERGING, 8, 1483},
    {"Spectral", RM__RAMP_DIVERGING, 9, 1491},
    {"Spectral", RM__RAMP_DIVERGING, 10, 1500},
    {"Spectral", RM__RAMP_DIVERGING, 11, 1510},
    {"YlGn", RM__RAMP_SEQUENTIAL, 3, 1521},
    {"YlGn", RM__RAMP_SEQUENTIAL, 4, 1524},
    {"YlGn", RM__RAMP_SEQUENTIAL, 5, 1528},
    {"YlGn", RM__RAMP_SEQUENTIAL, 6, 1533},
    {"YlGn", RM__RAMP_SEQUENTIAL, 7, 1539},
    {"YlGn", RM__RAMP_SEQUENTIAL, 8, 1546},
    {"YlGn", RM__RAMP_SEQUENTIAL, 9, 1554},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 3, 1563},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 4, 1566},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 5, 1570},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 6, 1575},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 7, 1581},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 8, 1588},
    {"YlGnBu", RM__RAMP_SEQUENTIAL, 9, 1596},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 3, 1605},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 4, 1608},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 5, 1612},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 6, 1617},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 7, 1623},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 8, 1630},
    {"YlOrBr", RM__RAMP_SEQUENTIAL, 9, 1638},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 3, 1647},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 4, 1650},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 5, 1654},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 6, 1659},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 7, 1665},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 8, 1672},
    {"YlOrRd", RM__RAMP_SEQUENTIAL, 9, 1680},
};

#define N_SCHEMES (sizeof cb_schemes / sizeof *cb_schemes)

static rm__rgba rgb_of(uint32_t c)
{
    rm__rgba o = {((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0,
                  (c & 0xff) / 255.0, 1.0};
    return o;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int rm__color_parse(const char *s, rm__rgba *out)
{
    if (!s)
        return -1;
    if (!strcasecmp(s, "none") || !strcasecmp(s, "transparent")) {
        rm__rgba none = {0, 0, 0, 0};
        *out = none;
        return 0;
    }
    if (s[0] != '#')
        return -1;
    size_t n = strlen(s + 1);
    int v[8];
    for (size_t i = 0; i < n && i < 8; i++) {
        v[i] = hexval((unsigned char)s[1 + i]);
        if (v[i] < 0)
            return -1;
    }
    if (n == 3) {
        out->r = v[0] * 17 / 255.0;
        out->g = v[1] * 17 / 255.0;
        out->b = v[2] * 17 / 255.0;
        out->a = 1.0;
        return 0;
    }
    if (n != 6 && n != 8)
        return -1;
    out->r = (v[0] * 16 + v[1]) / 255.0;
    out->g = (v[2] * 16 + v[3]) / 255.0;
    out->b = (v[4] * 16 + v[5]) / 255.0;
    out->a = n == 8 ? (v[6] * 16 + v[7]) / 255.0 : 1.0;
    return 0;
}

/* The scheme entry with exactly n classes, or the largest when n == 0. */
static const cb_scheme *find(const char *name, int n)
{
    const cb_scheme *best = NULL;
    for (size_t i = 0; i < N_SCHEMES; i++) {
        if (strcasecmp(cb_schemes[i].name, name))
            continue;
        if (n > 0 && cb_schemes[i].n == n)
            return &cb_schemes[i];
        if (!best || cb_schemes[i].n > best->n)
            best = &cb_schemes[i];
    }
    return n > 0 ? NULL : best;
}

static rm__rgba lerp(rm__rgba a, rm__rgba b, double t)
{
    rm__rgba o = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t,
                  a.b + (b.b - a.b) * t, 1.0};
    return o;
}

const rm__ramp *rm__ramp_find(const char *name)
{
    return name ? find(name, 0) : NULL;
}

void rm__ramp_at(const rm__ramp *s, double t, rm__rgba *out)
{
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    double pos = t * (s->n - 1);
    int i = (int)floor(pos);
    if (i >= s->n - 1)
        i = s->n - 2;
    *out = lerp(rgb_of(cb_colors[s->offset + i]),
                rgb_of(cb_colors[s->offset + i + 1]), pos - i);
}

int rm__ramp_sample(const char *name, double t, rm__rgba *out)
{
    const rm__ramp *s = rm__ramp_find(name);
    if (!s)
        return -1;
    rm__ramp_at(s, t, out);
    return 0;
}

int rm__ramp_colors(const char *name, int n, rm__rgba *out,
                    rm__ramp_type *out_type)
{
    if (!name || n < 1)
        return -1;
    const cb_scheme *largest = find(name, 0);
    if (!largest)
        return -1;
    if (out_type)
        *out_type = (rm__ramp_type)largest->type;
    const cb_scheme *exact = find(name, n);
    if (exact) {
        for (int i = 0; i < n; i++)
            out[i] = rgb_of(cb_colors[exact->offset + i]);
        return 0;
    }
    if (n < 3) {
        /* Fewer than ColorBrewer's 3: the strongest of the 3-class list. */
        const cb_scheme *three = find(name, 3);
        for (int i = 0; i < n; i++)
            out[i] = rgb_of(cb_colors[three->offset + 3 - n + i]);
        if (largest->type == RM__RAMP_QUALITATIVE)
            for (int i = 0; i < n; i++)
                out[i] = rgb_of(cb_colors[three->offset + i]);
        return 0;
    }
    if (largest->type == RM__RAMP_QUALITATIVE) {
        for (int i = 0; i < n; i++)
            out[i] = rgb_of(cb_colors[largest->offset + i % largest->n]);
        return 0;
    }
    for (int i = 0; i < n; i++)
        rm__ramp_at(largest, (double)i / (n - 1), &out[i]);
    return 0;
}
