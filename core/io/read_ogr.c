/*
 * The feature-loop reading path, for every driver without a fast Arrow
 * stream (files such as GeoJSON, Shapefile, CSV, GPX, KML): one OGR
 * feature at a time, its geometry staged through read_geom.c and its
 * attributes written straight into the layer's columns. Date-times keep
 * their time-zone offset (converted to UTC).
 */
#include <math.h>
#include <string.h>

#include "io/read_internal.h"
#include "layer/layer_internal.h"

static int64_t field_ms(OGRFeatureH f, int src)
{
    int y, mo, d, h, mi, tz;
    float s;
    OGR_F_GetFieldAsDateTimeEx(f, src, &y, &mo, &d, &h, &mi, &s, &tz);
    return rm__ogr_datetime_ms(y, mo, d, h, mi, (double)s, tz);
}

static int set_attributes(rd_reader *r, OGRFeatureH f, size_t row)
{
    rm_layer *l = r->out;
    for (int k = 0; k < r->n_fields; k++) {
        const rd_field *fd = &r->fields[k];
        if (!OGR_F_IsFieldSetAndNotNull(f, fd->src)) {
            if (fd->type == RM_FIELD_STRING &&
                rd_set_string(l, fd->col, row, NULL, 0))
                return RM_ENOMEM;
            continue;
        }
        switch (fd->type) {
        case RM_FIELD_INT:
            rd_set_int(l, fd->col, row, OGR_F_GetFieldAsInteger64(f, fd->src));
            break;
        case RM_FIELD_BOOL:
            rd_set_bool(l, fd->col, row,
                        OGR_F_GetFieldAsInteger64(f, fd->src) != 0);
            break;
        case RM_FIELD_REAL:
            rd_set_real(l, fd->col, row, OGR_F_GetFieldAsDouble(f, fd->src));
            break;
        case RM_FIELD_DATETIME:
            rd_set_int(l, fd->col, row, field_ms(f, fd->src));
            break;
        case RM_FIELD_STRING: {
            const char *s = OGR_F_GetFieldAsString(f, fd->src);
            if (rd_set_string(l, fd->col, row, s, strlen(s)))
                return RM_ENOMEM;
            break;
        }
        }
    }
    return RM_OK;
}

int rd_read_features(rd_reader *r)
{
    OGR_L_ResetReading(r->lyr);
    int before = r->cap.n_failures;
    OGRFeatureH f;
    int rc = RM_OK;
    int64_t seq = 0;
    while (!rc && (f = OGR_L_GetNextFeature(r->lyr)) != NULL) {
        r->n_read++;
        int64_t fid = OGR_F_GetFID(f);
        if (fid == OGRNullFID)
            fid = seq;
        seq++;
        if (r->period_on) {
            int src = r->fields[r->time_field].src;
            if (!OGR_F_IsFieldSetAndNotNull(f, src) ||
                !rd_in_period(r, field_ms(f, src))) {
                r->rep.n_filtered++;
                OGR_F_Destroy(f);
                continue;
            }
        }
        int status = RD_KEEP;
        if (r->has_geom) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            if (!g) {
                rd_note_dropped(r, fid);
                OGR_F_Destroy(f);
                continue;
            }
            rc = rd_stage_geometry(r, fid, NULL, 0, g, &status);
        } else {
            rd_geom_reset(&r->g);
        }
        if (!rc && status == RD_KEEP) {
            rc = rd_commit_feature(r, fid);
            if (!rc && set_attributes(r, f, r->out->n_features - 1))
                rc = rd_error(r, RM_ENOMEM, fid, "out of memory");
        }
        OGR_F_Destroy(f);
    }
    if (!rc && r->cap.n_failures > before)
        rc = rd_error(r, RM_EIO_READ, -1,
                      "reading stopped after %zu features: %s; check that "
                      "the file is complete and readable",
                      r->n_read, rm__gdal_reason(&r->cap));
    return rc;
}
