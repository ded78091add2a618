/*
 * A growable, always NUL-terminated string buffer with sticky failure, and
 * whole-string number parsing used by every parser in the core.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int reserve(rm_strbuf *sb, size_t extra)
{
    if (sb->failed)
        return -1;
    if (extra > SIZE_MAX - sb->len - 1 ||
        rm__grow((void **)&sb->data, &sb->cap, sb->len + extra + 1, 1)) {
        sb->failed = 1;
        return -1;
    }
    return 0;
}

void rm_strbuf_append_n(rm_strbuf *sb, const char *s, size_t n)
{
    if (reserve(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void rm_strbuf_append(rm_strbuf *sb, const char *s)
{
    rm_strbuf_append_n(sb, s, strlen(s));
}

void rm_strbuf_printf(rm_strbuf *sb, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && reserve(sb, (size_t)n) == 0) {
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, aq);
        sb->len += (size_t)n;
    } else if (n < 0) {
        sb->failed = 1;
    }
    va_end(aq);
}

void rm_strbuf_json_string(rm_strbuf *sb, const char *s)
{
    rm_strbuf_append_n(sb, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': rm_strbuf_append_n(sb, "\\\"", 2); break;
        case '\\': rm_strbuf_append_n(sb, "\\\\", 2); break;
        case '\n': rm_strbuf_append_n(sb, "\\n", 2); break;
        case '\r': rm_strbuf_append_n(sb, "\\r", 2); break;
        case '\t': rm_strbuf_append_n(sb, "\\t", 2); break;
        default:
            if (*p < 0x20)
                rm_strbuf_printf(sb, "\\u%04x", *p);
            else
                rm_strbuf_append_n(sb, (const char *)p, 1);
        }
    }
    rm_strbuf_append_n(sb, "\"", 1);
}

char *rm_strbuf_take(rm_strbuf *sb)
{
    if (sb->failed) {
        rm_strbuf_free(sb);
        return NULL;
    }
    char *d = sb->data ? sb->data : rm__strdup("");
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return d;
}

void rm_strbuf_free(rm_strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = 0;
}

int rm__parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int rm__parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return -1;
    *out = (int64_t)v;
    return 0;
}
