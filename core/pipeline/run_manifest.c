/*
 * manifest.json: what a run used and made, so that a result can be traced
 * and reproduced — every input's SHA-256, the resolved parameters, plugin
 * names and versions, the CRS and why it was chosen, the time of the run,
 * and every output's SHA-256. Sensitive fields never appear: the manifest
 * names no field values, and connection strings lose their passwords.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "routemap/io.h"
#include "run_state.h"
#include "util/atomic.h"
#include "util/util.h"

/* A connection string without its password=... value. */
static void append_redacted(rm_strbuf *sb, const char *source)
{
    const char *p = strstr(source, "password=");
    if (!p) {
        rm_strbuf_json_string(sb, source);
        return;
    }
    rm_strbuf tmp = RM_STRBUF_INIT;
    rm_strbuf_append_n(&tmp, source, (size_t)(p - source));
    rm_strbuf_append(&tmp, "password=***");
    const char *end = p + strlen("password=");
    while (*end && *end != ' ' && *end != ';')
        end++;
    rm_strbuf_append(&tmp, end);
    rm_strbuf_json_string(sb, tmp.data ? tmp.data : "");
    rm_strbuf_free(&tmp);
}

/* The SHA-256 of a regular file into hex; "" when there is none (a
 * database, a folder, an unreadable file). */
static void sha_of(rm__run *r, const char *path, char hex[65])
{
    struct stat st;
    hex[0] = '\0';
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        rm_io_sha256_file(r->ctx, path, hex) != RM_OK)
        hex[0] = '\0';
}

static void append_sha(rm_strbuf *sb, const char *hex)
{
    if (hex[0])
        rm_strbuf_printf(sb, "\"%s\"", hex);
    else
        rm_strbuf_append(sb, "null");
}

static void append_file_sha(rm__run *r, rm_strbuf *sb, const char *path)
{
    char hex[65];
    sha_of(r, path, hex);
    append_sha(sb, hex);
}

static void append_box(rm_strbuf *sb, rm_bbox b)
{
    rm_strbuf_printf(sb, "[%.17g,%.17g,%.17g,%.17g]", b.minx, b.miny, b.maxx,
                     b.maxy);
}

static void append_time(rm_strbuf *sb, int64_t ms)
{
    char buf[40];
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rm_strbuf_printf(sb, "\"%s\"", buf);
}

static void append_inputs(rm__run *r, rm_strbuf *sb)
{
    const rm__spec *s = r->b->spec;
    /* A file several layers read is hashed once. */
    char (*hexes)[65] = rm_callocarray(s->n_layers, sizeof *hexes);
    rm_strbuf_append(sb, "  \"inputs\": [");
    for (size_t i = 0; i < s->n_layers; i++) {
        const rm__input_record *in = &r->inputs[i];
        const rm__spec_layer *sl = &s->layers[i];
        const char *source = in->source ? in->source : "";
        char own[65];
        char *hex = hexes ? hexes[i] : own;
        size_t j = 0;
        while (hexes && j < i &&
               strcmp(r->inputs[j].source ? r->inputs[j].source : "",
                      source) != 0)
            j++;
        if (hexes && j < i)
            memcpy(hex, hexes[j], sizeof *hexes);
        else
            sha_of(r, source, hex);
        rm_strbuf_append(sb, i ? ",\n    {" : "\n    {");
        rm_strbuf_append(sb, "\"name\": ");
        rm_strbuf_json_string(sb, sl->name);
        rm_strbuf_append(sb, ", \"source\": ");
        append_redacted(sb, in->source ? in->source : "");
        if (sl->layer.s) {
            rm_strbuf_append(sb, ", \"layer\": ");
            rm_strbuf_json_string(sb, sl->layer.s);
        }
        if (sl->where.s) {
            rm_strbuf_append(sb, ", \"where\": ");
            rm_strbuf_json_string(sb, sl->where.s);
        }
        rm_strbuf_append(sb, ", \"sha256\": ");
        append_sha(sb, hex);
        rm_strbuf_printf(sb,
                         ", \"features\": %zu, \"filtered\": %zu, "
                         "\"repaired\": %zu, \"dropped\": %zu, "
                         "\"sensitive_fields_withheld\": %zu}",
                         in->report.n_kept, in->report.n_filtered,
                         in->report.n_repaired, in->report.n_dropped,
                         sl->sensitive.n);
    }
    free(hexes);
    rm_strbuf_append(sb, "\n  ],\n");
}

static void append_steps(rm__run *r, rm_strbuf *sb)
{
    const rm__spec *s = r->b->spec;
    rm_strbuf_append(sb, "  \"steps\": [");
    for (size_t i = 0; i < s->n_steps; i++) {
        const rm_plugin_desc *d = r->b->plugins[i];
        const rm__step_record *rec = &r->steps[i];
        rm_strbuf_append(sb, i ? ",\n    {" : "\n    {");
        rm_strbuf_append(sb, "\"id\": ");
        rm_strbuf_json_string(sb, s->steps[i].id);
        rm_strbuf_append(sb, ", \"plugin\": ");
        rm_strbuf_json_string(sb, d->name);
        rm_strbuf_append(sb, ", \"plugin_version\": ");
        rm_strbuf_json_string(sb, d->version);
        rm_strbuf_append(sb, ", \"plugin_file\": ");
        rm_strbuf_json_string(sb, r->b->plugin_paths[i]);
        rm_strbuf_printf(sb, ", \"plugin_abi\": \"%u.%u\"",
                         (unsigned)d->abi_major, (unsigned)d->abi_minor);
        rm_strbuf_printf(sb, ",\n     \"isolation\": \"%s\"",
                         rec->in_process ? "in-process" : "child");
        if (rec->timeout_s > 0)
            rm_strbuf_printf(sb, ", \"timeout_s\": %.17g", rec->timeout_s);
        else
            rm_strbuf_append(sb, ", \"timeout_s\": null");
        if (rec->memory_mb > 0)
            rm_strbuf_printf(sb, ", \"memory_mb\": %llu",
                             (unsigned long long)rec->memory_mb);
        else
            rm_strbuf_append(sb, ", \"memory_mb\": null");
        rm_strbuf_printf(sb, ",\n     \"parameters\": %s",
                         rec->params_json ? rec->params_json : "{}");
        rm_strbuf_printf(sb, ",\n     \"notes\": %s",
                         rec->notes_json ? rec->notes_json : "{}");
        rm_strbuf_printf(sb, ",\n     \"outputs\": %s}",
                         rec->outputs_json ? rec->outputs_json : "{}");
    }
    rm_strbuf_append(sb, "\n  ],\n");
}

int rm__run_manifest(rm__run *r)
{
    const rm__spec *s = r->b->spec;
    const rm__spec_briefing *bf = &s->briefing;
    rm_strbuf sb = RM_STRBUF_INIT;
    rm_strbuf_append(&sb, "{\n  \"routemap_version\": \"" RM_VERSION_STRING
                          "\",\n  \"run_time\": ");
    rm_strbuf_printf(&sb, "\"%s\",\n  \"briefing\": {\"path\": ",
                     r->run_time);
    char *bpath = rm__asprintf("%s", s->path);
    rm_strbuf_json_string(&sb, bpath ? bpath : "");
    rm_strbuf_append(&sb, ", \"sha256\": ");
    append_file_sha(r, &sb, s->path);
    rm_strbuf_append(&sb, ", \"title\": ");
    rm_strbuf_json_string(&sb, bf->title.s);
    rm_strbuf_append(&sb, ", \"date\": ");
    append_time(&sb, bf->date_ms);
    rm_strbuf_append(&sb, "},\n  \"crs\": {\"definition\": ");
    rm_strbuf_json_string(&sb, r->crs);
    rm_strbuf_append(&sb, ", \"name\": ");
    rm_strbuf_json_string(&sb, r->crs_name);
    rm_strbuf_append(&sb, ", \"chosen\": ");
    rm_strbuf_json_string(&sb, r->crs_reason);
    rm_strbuf_append(&sb, "},\n");
    if (bf->has_area) {
        rm_strbuf_append(&sb, "  \"area_lonlat\": ");
        append_box(&sb, bf->area);
        rm_strbuf_append(&sb, ",\n  \"area_analysis_crs\": ");
        append_box(&sb, r->area);
        rm_strbuf_append(&sb, ",\n");
    }
    if (bf->has_period) {
        rm_strbuf_append(&sb, "  \"period\": [");
        append_time(&sb, bf->period_start_ms);
        rm_strbuf_append(&sb, ", ");
        append_time(&sb, bf->period_end_ms);
        rm_strbuf_append(&sb, "],\n");
    }
    append_inputs(r, &sb);
    append_steps(r, &sb);
    rm_strbuf_append(&sb, "  \"outputs\": [");
    for (size_t i = 0; i < r->n_staged; i++) {
        rm_strbuf_append(&sb, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        rm_strbuf_json_string(&sb, r->staged[i].shown);
        rm_strbuf_append(&sb, ", \"sha256\": ");
        append_file_sha(r, &sb, r->staged[i].staged);
        rm_strbuf_append(&sb, "}");
    }
    rm_strbuf_append(&sb, "\n  ]\n}\n");
    free(bpath);
    char *text = rm_strbuf_take(&sb);
    if (!text)
        return RM_ENOMEM;
    const char *name = s->outputs.manifest.s ? s->outputs.manifest.s
                                              : "manifest.json";
    const char *staged;
    int rc = rm__run_stage(r, name, &staged);
    if (rc == RM_OK)
        rc = rm__atomic_write_buffer(r->ctx, staged, text, strlen(text));
    free(text);
    return rc;
}
