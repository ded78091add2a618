/*
 * Every member and constant of plugin ABI 1.0, in declaration order. This
 * list is frozen with tests/abi/v1: later minors add members after these
 * and constants beside them, and never move or renumber one of them.
 */
#ifndef RM_TESTS_ABI_V1_MEMBERS_H
#define RM_TESTS_ABI_V1_MEMBERS_H

#define RM_ABI_V1_HOST(X)                                                    \
    X(size) X(abi_major) X(abi_minor) X(log) X(progress) X(cancelled)        \
    X(fail) X(param_is_set) X(param_int) X(param_real) X(param_bool)         \
    X(param_string) X(param_layer) X(param_count) X(param_list_real)         \
    X(param_list_string) X(param_list_layer) X(analysis_crs)                 \
    X(analysis_area) X(layer_name) X(layer_geom_type)                        \
    X(layer_feature_count) X(layer_part_count) X(layer_coord_count)          \
    X(layer_fids) X(layer_feature_offsets) X(layer_part_offsets)             \
    X(layer_part_outer) X(layer_xy) X(layer_vertex_times) X(layer_extent)    \
    X(layer_field_count) X(layer_field_name) X(layer_field_type)             \
    X(layer_field_index) X(layer_role_field) X(layer_field_ints)             \
    X(layer_field_reals) X(layer_field_bools) X(layer_field_string)          \
    X(layer_field_is_null) X(layer_field_as_real) X(raster_width)            \
    X(raster_height) X(raster_geotransform) X(raster_cdata)                  \
    X(output_vector) X(output_raster) X(add_field) X(begin_feature)          \
    X(add_part) X(set_int) X(set_real) X(set_string) X(set_datetime)         \
    X(set_bool) X(raster_data) X(manifest_note)

#define RM_ABI_V1_DESC(X)                                                    \
    X(size) X(abi_major) X(abi_minor) X(name) X(version) X(summary)          \
    X(license) X(params) X(n_params) X(outputs) X(n_outputs) X(run) X(help)

#define RM_ABI_V1_PARAM(X)                                                   \
    X(name) X(type) X(unit) X(default_value) X(required) X(min) X(max)       \
    X(choices) X(accept) X(help)

#define RM_ABI_V1_OUTPUT(X) X(name) X(type) X(help)

/* RM_ROLE_COUNT and RM_PLUGIN_ABI_MINOR are left out on purpose: both
 * grow when roles or minors are added. */
#define RM_ABI_V1_CONSTANTS(X)                                               \
    X(RM_PLUGIN_ABI_MAJOR) X(RM_PARAM_LAYER) X(RM_PARAM_INT)                 \
    X(RM_PARAM_REAL) X(RM_PARAM_DISTANCE) X(RM_PARAM_DURATION)               \
    X(RM_PARAM_BOOL) X(RM_PARAM_STRING) X(RM_PARAM_ENUM) X(RM_PARAM_LIST)    \
    X(RM_ACCEPT_POINT) X(RM_ACCEPT_LINE) X(RM_ACCEPT_POLYGON)                \
    X(RM_ACCEPT_RASTER) X(RM_ACCEPT_VECTOR) X(RM_PLUGIN_LOG_ERROR)           \
    X(RM_PLUGIN_LOG_WARN) X(RM_PLUGIN_LOG_INFO) X(RM_PLUGIN_LOG_DEBUG)       \
    X(RM_GEOM_NONE) X(RM_GEOM_POINT) X(RM_GEOM_LINE) X(RM_GEOM_POLYGON)      \
    X(RM_GEOM_RASTER) X(RM_FIELD_INT) X(RM_FIELD_REAL) X(RM_FIELD_STRING)    \
    X(RM_FIELD_DATETIME) X(RM_FIELD_BOOL) X(RM_ROLE_ID) X(RM_ROLE_TIME)      \
    X(RM_ROLE_KIND) X(RM_ROLE_WEIGHT)

#endif
