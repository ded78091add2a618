/*
 * Writing the crossings step's outputs (report.c): points, segments,
 * tracks and approaches, in the host's output layers. Rows are written as
 * tracks are processed; segments once at the end, ranked.
 */
#ifndef CROSSINGS_REPORT_H
#define CROSSINGS_REPORT_H

#include "crossings_internal.h"

typedef struct crossings_report crossings_report;

/**
 * Create the output layers and their fields. `name_a` / `name_b` are the
 * side names (left of the line's direction or inside a ring first).
 * @param[out] out destroy with crossings_report_destroy, also on error.
 * @return RM_OK or the code given to api->fail.
 */
int crossings_report_create(crossings_report **out, const rm_host_api *api,
                            rm_step *step, const crossings_lines *lines,
                            const rm_layer *lines_layer,
                            const crossings_tracks *tracks, double seg_km,
                            const char *name_a, const char *name_b);

/**
 * Write one track's crossing points, its track row and its approaches
 * (the line features near_features[k], with closest approach near[k],
 * that it came near; those it also crossed are left out).
 */
int crossings_report_track(crossings_report *r, size_t track,
                           const crossings_hit *hits, size_t n_hits,
                           const size_t *near_features,
                           const crossings_near *near, size_t n_near);

/** Write the segments with their counts and rank. */
int crossings_report_finish(crossings_report *r);

void crossings_report_destroy(crossings_report *r);

#endif
