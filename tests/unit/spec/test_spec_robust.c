/*
 * Hostile input for the YAML tree and the briefing parser: deep nesting,
 * alias bombs, self-referencing aliases, NUL characters, huge mappings, and
 * a deterministic mutation run over a valid briefing. Every input must give
 * RM_OK or a briefing error with a location, never a crash or a leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/spec.h"
#include "pipeline/yaml_tree.h"
#include "routemap/context.h"
#include "routemap/errors.h"
#include "util/util.h"

static rm_context *ctx;

static int setup(void **state)
{
    (void)state;
    return rm_context_create(&ctx) == RM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rm_context_destroy(ctx);
    return 0;
}

/* Parse; on failure check the promises every error keeps. */
static int parse_any(const char *text, size_t len)
{
    rm__ynode *root = (rm__ynode *)1;
    rm_error_clear(ctx);
    int rc = rm__ytree_parse(ctx, &root, text, len, "f.yaml");
    if (rc == RM_OK) {
        rm__ynode_free(root);
    } else {
        assert_null(root);
        assert_int_equal(rm_errcode(ctx), rc);
        assert_true(rc == RM_ESPEC_SYNTAX || rc == RM_ESPEC_KEY ||
                    rc == RM_ESPEC_TYPE || rc == RM_ESPEC_VALUE);
        assert_true(rm_errloc(ctx)->line >= 1);
        assert_true(strncmp(rm_errmsg(ctx), "f.yaml:", 7) == 0);
    }
    if (memchr(text, '\0', len))
        return rc; /* the spec parser takes C strings */
    rm__spec *s = (rm__spec *)1;
    rm_error_clear(ctx);
    int rc2 = rm__spec_parse_string(ctx, &s, text, "f.yaml");
    if (rc2 == RM_OK) {
        assert_non_null(s);
        rm__spec_destroy(s);
    } else {
        assert_null(s);
        assert_true(rc2 <= RM_ESPEC_SYNTAX && rc2 >= RM_ESPEC_REF);
        assert_true(rm_errloc(ctx)->line >= 1);
        assert_true(rm_errloc(ctx)->column >= 1);
        assert_true(strncmp(rm_errmsg(ctx), "f.yaml:", 7) == 0);
    }
    return rc2;
}

static void expect(const char *text, int code, int line, int column)
{
    int rc = parse_any(text, strlen(text));
    if (rc != code || rm_errloc(ctx)->line != line ||
        rm_errloc(ctx)->column != column)
        print_error("got %d: %s\n", rc, rm_errmsg(ctx));
    assert_int_equal(rc, code);
    assert_int_equal(rm_errloc(ctx)->line, line);
    assert_int_equal(rm_errloc(ctx)->column, column);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t n = 200000;
    char *t = malloc(n + 8);
    assert_non_null(t);
    /* "a: [[[[...": the root mapping is level 1, the 32nd '[' is level
       33 and sits at column 4 + 31 */
    memcpy(t, "a: ", 3);
    memset(t + 3, '[', n);
    t[n + 3] = '\0';
    expect(t, RM_ESPEC_SYNTAX, 1, 35);
    /* flow mappings: "{a: " repeated, the 33rd '{' is at 1 + 32 * 4 */
    size_t len = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(t + len, "{a: ", 4);
        len += 4;
    }
    t[len] = '\0';
    expect(t, RM_ESPEC_SYNTAX, 1, 129);
    /* block sequences: "- " nested on one line, 33rd dash at column 65 */
    len = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(t + len, "- ", 2);
        len += 2;
    }
    memcpy(t + len, "x\n", 3);
    expect(t, RM_ESPEC_SYNTAX, 1, 65);
    free(t);

    /* 32 levels are accepted */
    char ok[128] = "a: ";
    memset(ok + 3, '[', 31);
    memset(ok + 34, ']', 31);
    ok[65] = '\0';
    rm__ynode *root = NULL;
    assert_int_equal(rm__ytree_parse(ctx, &root, ok, strlen(ok), "f"),
                     RM_OK);
    rm__ynode_free(root);
}

static void test_aliases(void **state)
{
    (void)state;
    /* a billion laughs: ten times ten times ... */
    const char *bomb =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    int rc = parse_any(bomb, strlen(bomb));
    assert_int_equal(rc, RM_ESPEC_VALUE);
    assert_non_null(strstr(rm_errmsg(ctx), "expands the briefing"));

    /* long text copied many times hits the byte budget */
    rm_strbuf sb = RM_STRBUF_INIT;
    rm_strbuf_append(&sb, "a: &a \"");
    for (int i = 0; i < 1 << 20; i++)
        rm_strbuf_append(&sb, "x");
    rm_strbuf_append(&sb, "\"\nb: [");
    for (int i = 0; i < 40; i++)
        rm_strbuf_append(&sb, "*a, ");
    rm_strbuf_append(&sb, "*a]\n");
    assert_false(sb.failed);
    rc = parse_any(sb.data, sb.len);
    assert_int_equal(rc, RM_ESPEC_VALUE);
    rm_strbuf_free(&sb);

    /* an alias inside its own anchor, and an unknown alias */
    expect("a: &x [1, *x]\n", RM_ESPEC_SYNTAX, 1, 11);
    expect("a: &x {k: *x}\n", RM_ESPEC_SYNTAX, 1, 11);
    expect("a: *nope\n", RM_ESPEC_SYNTAX, 1, 4);

    /* aliases that stay small are expanded */
    const char *text = "briefing:\n"
                       "  title: T\n"
                       "  date: 2026-10-01\n"
                       "  area: &box [-6, 14, 5, 22]\n"
                       "layers: {a: &src a.gpkg, b: *src}\n"
                       "pages:\n"
                       "  - {title: P, layers: [a], extent: *box}\n";
    rm__spec *s = NULL;
    assert_int_equal(rm__spec_parse_string(ctx, &s, text, "f.yaml"), RM_OK);
    assert_string_equal(s->layers[1].source.s, "a.gpkg");
    assert_int_equal(s->pages[0].extent, RM__SPEC_EXTENT_BOX);
    assert_true(s->pages[0].extent_box.minx == -6.0 &&
                s->pages[0].extent_box.maxy == 22.0);
    /* the copy is located where the alias is written */
    assert_int_equal(s->pages[0].extent_loc.line, 7);
    assert_int_equal(s->pages[0].extent_loc.column, 37);
    rm__spec_destroy(s);

    /* an alias key that is a mapping is refused */
    expect("a: &m {k: v}\n*m : 1\n", RM_ESPEC_TYPE, 2, 1);
}

static void test_odd_text(void **state)
{
    (void)state;
    /* a NUL written as an escape */
    expect("briefing:\n  title: \"a\\0b\"\n", RM_ESPEC_VALUE, 2, 10);
    /* a complex key */
    expect("? [a, b]\n: c\n", RM_ESPEC_TYPE, 1, 3);
    /* control character */
    expect("briefing:\n  title: a\x01\n", RM_ESPEC_SYNTAX, 2, 11);
    /* a key far too long for a suggestion: still a clean message */
    char key[1010];
    memset(key, 'k', sizeof key - 10);
    memcpy(key + sizeof key - 10, ": 1\n", 5);
    expect(key, RM_ESPEC_KEY, 1, 1);
    assert_true(strlen(rm_errmsg(ctx)) < 400);
    /* a BOM and CRLF line ends are fine */
    const char *crlf = "\xef\xbb\xbf"
                       "briefing:\r\n  title: T\r\n  date: 2026-10-01\r\n"
                       "layers:\r\n  a: a.gpkg\r\n  B: b\r\n";
    expect(crlf, RM_ESPEC_VALUE, 6, 3);
    /* tags are ignored: the text is taken as written */
    rm__spec *s = NULL;
    assert_int_equal(rm__spec_parse_string(ctx, &s,
                                           "briefing: {title: !!str 5, "
                                           "date: 2026-10-01}\n"
                                           "layers: {a: !custom a.gpkg}\n",
                                           "f.yaml"),
                     RM_OK);
    assert_string_equal(s->briefing.title.s, "5");
    assert_string_equal(s->layers[0].source.s, "a.gpkg");
    rm__spec_destroy(s);
}

static void test_large_mappings(void **state)
{
    (void)state;
    /* 60000 distinct keys then one repeat: found, and fast */
    rm_strbuf sb = RM_STRBUF_INIT;
    for (int i = 0; i < 60000; i++)
        rm_strbuf_printf(&sb, "k%d: %d\n", i, i);
    rm_strbuf_append(&sb, "k123: again\n");
    assert_false(sb.failed);
    int rc = parse_any(sb.data, sb.len);
    assert_int_equal(rc, RM_ESPEC_KEY);
    assert_int_equal(rm_errloc(ctx)->line, 60001);
    assert_int_equal(rm_errloc(ctx)->column, 1);
    assert_non_null(strstr(rm_errmsg(ctx), "first at line 124"));
    rm_strbuf_free(&sb);

    /* 20000 steps, the last repeating the first id */
    rm_strbuf_append(&sb, "briefing: {title: T, date: 2026-10-01}\n"
                          "layers: {a: a.gpkg}\nsteps:\n");
    for (int i = 0; i < 20000; i++)
        rm_strbuf_printf(&sb, "  - {id: s%d, plugin: p}\n", i);
    rm_strbuf_append(&sb, "  - {id: s0, plugin: p}\n");
    rc = parse_any(sb.data, sb.len);
    assert_int_equal(rc, RM_ESPEC_VALUE);
    assert_int_equal(rm_errloc(ctx)->line, 20004);
    assert_int_equal(rm_errloc(ctx)->column, 10);
    rm_strbuf_free(&sb);

    /* too many values in total */
    rm_strbuf_append(&sb, "a: [");
    for (int i = 0; i < 210000; i++)
        rm_strbuf_append(&sb, "1,");
    rm_strbuf_append(&sb, "1]\n");
    rc = parse_any(sb.data, sb.len);
    assert_int_equal(rc, RM_ESPEC_VALUE);
    rm_strbuf_free(&sb);
}

/* xorshift64*: a fixed sequence, so failures reproduce */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

static const char *seed =
    "briefing:\n"
    "  title: T\n"
    "  classification_color: \"#c00000\"\n"
    "  date: 2026-10-01\n"
    "  area: [-6.0, 14.0, 5.0, 22.0]\n"
    "  period: [2026-07-01, 2026-09-30T12:00:00Z]\n"
    "layers:\n"
    "  incidents: {source: data/i.gpkg, time: t, sensitive: [informant]}\n"
    "  tracks:\n"
    "    source: data/t.gpx\n"
    "    layer: tracks\n"
    "  lines: &l data/l.gpkg\n"
    "steps:\n"
    "  - {id: cross, plugin: crossings, tracks: tracks, lines: [lines]}\n"
    "  - id: hot\n"
    "    plugin: hotspots\n"
    "    cell: 10 km\n"
    "pages:\n"
    "  - {title: P, layers: [incidents, cross.points], extent: area,\n"
    "     styles: {cross.points: red}, grid: mgrs, labels: [lines]}\n"
    "  - title: Q\n"
    "    layers: [tracks]\n"
    "    extent: [-1, 1, 2, 3]\n"
    "    atlas: incidents\n"
    "    atlas_title: name\n"
    "outputs: {pdf: b.pdf, png: 200, export: r.gpkg, export_crs: wgs84,\n"
    "          export_layers: [hot.cells]}\n";

static void test_mutations(void **state)
{
    (void)state;
    static const char specials[] = "{}[]:,-?&*!|>'\"%@`#\n\t ~.0\\\xff\xc3";
    size_t n = strlen(seed);
    char *buf = malloc(n * 2 + 64);
    assert_non_null(buf);
    int ok = 0, failed = 0;
    assert_int_equal(parse_any(seed, n), RM_OK);
    for (int iter = 0; iter < 4000; iter++) {
        memcpy(buf, seed, n + 1);
        size_t len = n;
        int edits = 1 + (int)(rnd() % 4);
        for (int e = 0; e < edits; e++) {
            size_t pos = rnd() % len;
            switch (rnd() % 4) {
            case 0: /* replace */
                buf[pos] = specials[rnd() % (sizeof specials - 1)];
                break;
            case 1: /* delete */
                memmove(buf + pos, buf + pos + 1, len - pos);
                len--;
                break;
            case 2: /* insert */
                memmove(buf + pos + 1, buf + pos, len - pos + 1);
                buf[pos] = specials[rnd() % (sizeof specials - 1)];
                len++;
                break;
            default: /* duplicate a span */
                if (len + 16 < n * 2) {
                    size_t span = rnd() % 16;
                    if (pos + span > len)
                        span = len - pos;
                    memmove(buf + pos + span, buf + pos, len - pos + 1);
                    len += span;
                }
                break;
            }
        }
        buf[len] = '\0';
        if (parse_any(buf, len) == RM_OK)
            ok++;
        else
            failed++;
    }
    /* both outcomes occur: the mutations reach past the syntax layer */
    assert_true(ok > 0);
    assert_true(failed > 0);
    free(buf);
}

static void test_garbage(void **state)
{
    (void)state;
    unsigned char buf[512];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = rnd() % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            uint32_t r = rnd();
            /* mostly YAML punctuation and letters, some raw bytes */
            buf[i] = (r & 3) ? (unsigned char)"a:- [{,}]\n &*!'\"#"[r % 17]
                             : (unsigned char)(r >> 8);
        }
        parse_any((const char *)buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_odd_text),
        cmocka_unit_test(test_large_mappings),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
