/*
 * Tests of plugin discovery and loading: the search order, the broken
 * fixtures of tests/plugins/bad (each refusal must name its cause), files
 * writable by everyone, linked-in plugins, and `plugins info` as text and
 * as JSON (parsed with json-c).
 */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "routemap/errors.h"
#include "routemap/registry.h"

int rm_plugin_buffer_init_static(const rm_host_api *api,
                                 rm_plugin_desc *out);

#define FIX RM_BAD_PLUGIN_DIR
#define FIX_AGAIN RM_BAD_PLUGIN_DIR "/again"

static rm_context *ctx;

static int setup(void **state)
{
    (void)state;
    unsetenv("ROUTEMAP_PLUGIN_PATH");
    const char *tmp = getenv("RM_TEST_TMP");
    assert_non_null(tmp);
    mkdir(tmp, 0755);
    return rm_context_create(&ctx);
}

static int teardown(void **state)
{
    (void)state;
    rm_context_destroy(ctx);
    return 0;
}

static rm_registry *scan(const char *const *dirs)
{
    rm_registry *reg = NULL;
    assert_int_equal(rm_registry_create(ctx, &reg), RM_OK);
    for (size_t i = 0; dirs && dirs[i]; i++)
        assert_int_equal(rm_registry_add_path(reg, dirs[i]), RM_OK);
    assert_int_equal(rm_registry_scan(reg), RM_OK);
    return reg;
}

/* The reason the file `path` was refused, or NULL. */
static const char *reason_for(const rm_registry *reg, const char *path)
{
    for (size_t i = 0; i < rm_registry_refused_count(reg); i++)
        if (strcmp(rm_registry_refused_path(reg, i), path) == 0)
            return rm_registry_refused_reason(reg, i);
    return NULL;
}

static void expect_refused(const rm_registry *reg, const char *path,
                           const char *const *parts)
{
    const char *why = reason_for(reg, path);
    if (!why)
        print_error("%s was not refused\n", path);
    assert_non_null(why);
    for (size_t i = 0; parts[i]; i++) {
        if (!strstr(why, parts[i]))
            print_error("reason '%s' lacks '%s'\n", why, parts[i]);
        assert_non_null(strstr(why, parts[i]));
    }
}

/* Refusals of paths under `dir` (other directories on the search path,
 * such as the build's own plugins, may hold other engineers' plugins). */
static size_t refused_under(const rm_registry *reg, const char *dir)
{
    size_t n = 0, len = strlen(dir);
    for (size_t i = 0; i < rm_registry_refused_count(reg); i++) {
        const char *p = rm_registry_refused_path(reg, i);
        n += strncmp(p, dir, len) == 0 && p[len] == '/';
    }
    return n;
}

static const char *loaded_path(const rm_registry *reg, const char *name)
{
    for (size_t i = 0; i < rm_registry_count(reg); i++)
        if (strcmp(rm_registry_plugin(reg, i)->name, name) == 0)
            return rm_registry_plugin_path(reg, i);
    return NULL;
}

static void test_fixture_refusals(void **state)
{
    (void)state;
    rm_registry *reg = scan((const char *const[]){FIX, FIX_AGAIN, NULL});
    expect_refused(reg, FIX "/routemap-abi2.so",
                   (const char *const[]){
                       "built for plugin ABI 2.0; this routemap supports "
                       "1.0",
                       "rebuild the plugin against routemap's current "
                       "plugin.h",
                       NULL});
    expect_refused(reg, FIX "/routemap-abinewer.so",
                   (const char *const[]){"plugin ABI 1.9", "newer", NULL});
    expect_refused(reg, FIX "/routemap-noentry.so",
                   (const char *const[]){
                       "no entry symbol rm_plugin_noentry_init",
                       "RM_PLUGIN_DEFINE(noentry, ...)", NULL});
    char small[80];
    /* The 1.0 descriptor: 3 header fields padded to 8 bytes, 4 strings,
     * 2 arrays with counts, run and help: 8 + 4*8 + 4*8 + 8 + 8 = 88. */
    snprintf(small, sizeof small,
             "descriptor size 16 smaller than ABI 1.0's %zu",
             sizeof(rm_plugin_desc));
    assert_int_equal(sizeof(rm_plugin_desc), 88);
    expect_refused(reg, FIX "/routemap-small.so",
                   (const char *const[]){small, NULL});
    expect_refused(reg, FIX "/routemap-misnamed.so",
                   (const char *const[]){
                       "name in descriptor 'other' does not match file "
                       "name 'misnamed'", NULL});
    expect_refused(reg, FIX_AGAIN "/routemap-dup.so",
                   (const char *const[]){
                       "a plugin named 'dup' was already loaded from "
                       FIX "/routemap-dup.so", NULL});
    expect_refused(reg, FIX "/routemap-undef.so",
                   (const char *const[]){"cannot be loaded",
                                         "rm_fixture_symbol_nobody_defines",
                                         NULL});
    expect_refused(reg, FIX "/routemap-initfail.so",
                   (const char *const[]){"rm_plugin_initfail_init failed "
                                         "with code -3", NULL});
    expect_refused(reg, FIX "/routemap-norun.so",
                   (const char *const[]){"no run function", NULL});
    expect_refused(reg, FIX "/routemap-badname.so",
                   (const char *const[]){"\"Distance\"",
                                         "only a-z, 0-9 and _", NULL});
    expect_refused(reg, FIX "/routemap-badtype.so",
                   (const char *const[]){"'weird'", "unknown type 42",
                                         NULL});
    expect_refused(reg, FIX "/routemap-badbounds.so",
                   (const char *const[]){"'count'", "default",
                                         "between 1 and 10", NULL});
    expect_refused(reg, FIX "/routemap-badenum.so",
                   (const char *const[]){"'shape'",
                                         "'circle' is not one of hex|square",
                                         NULL});
    expect_refused(reg, FIX "/routemap-dupparam.so",
                   (const char *const[]){"duplicate parameter name "
                                         "\"radius\"", NULL});
    expect_refused(reg, FIX "/routemap-badunit.so",
                   (const char *const[]){"'reach'", "\"miles\"", NULL});
    expect_refused(reg, FIX "/routemap-badoutput.so",
                   (const char *const[]){"output 1 name \"Buffers-Out\"",
                                         NULL});
    /* Exactly those 16, and nothing else there, were refused. */
    assert_int_equal(refused_under(reg, FIX), 16); /* "again" is under FIX */

    /* The valid fixtures loaded, dashes map to underscores, the first of
     * a name wins. */
    assert_non_null(rm_registry_find(reg, "my-thing"));
    assert_string_equal(loaded_path(reg, "dup"), FIX "/routemap-dup.so");
    static const char *ok[] = {"fail", "silentfail", "undeclared", "nan",
                               "wrongtype", "badring", "crash", "abort",
                               "exit", "undeclparam", "writeinput", "echo",
                               "quit", "garble"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_non_null(rm_registry_find(reg, ok[i]));
    assert_null(rm_registry_find(reg, "other"));
    assert_null(rm_registry_find(reg, "abi2"));

    /* A second scan changes nothing. */
    size_t n = rm_registry_count(reg);
    size_t nr = rm_registry_refused_count(reg);
    assert_int_equal(rm_registry_scan(reg), RM_OK);
    assert_int_equal(rm_registry_count(reg), n);
    assert_int_equal(rm_registry_refused_count(reg), nr);
    /* DOC: out-of-range indexes give NULL. */
    assert_null(rm_registry_plugin(reg, n));
    assert_null(rm_registry_plugin_path(reg, n));
    assert_null(rm_registry_refused_path(reg, nr));
    assert_null(rm_registry_refused_reason(reg, nr));
    rm_registry_destroy(reg);
    /* DOC: rm_registry_destroy(NULL) is a no-op. */
    rm_registry_destroy(NULL);
}

static char *tmp_path(const char *name)
{
    char *p = malloc(PATH_MAX);
    assert_non_null(p);
    snprintf(p, PATH_MAX, "%s/%s", getenv("RM_TEST_TMP"), name);
    return p;
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
    FILE *in = fopen(from, "rb");
    assert_non_null(in);
    unlink(to);
    FILE *out = fopen(to, "wb");
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(chmod(to, mode), 0);
}

static void make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) != 0)
        assert_int_equal(errno, EEXIST);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_files_in_a_directory(void **state)
{
    (void)state;
    char *dir = tmp_path("misc");
    make_dir(dir, 0755);
    char path[PATH_MAX];
    /* Not an ELF file. */
    snprintf(path, sizeof path, "%s/routemap-garbage.so", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a shared object\n", f);
    fclose(f);
    /* Files that are not named like plugins are ignored. */
    static const char *ignored[] = {"notes.txt", "routemap-x.so.1",
                                    "libroutemap-y.so", "routemap-.so"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, ignored[i]);
        f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
    }
    /* A copy of a good plugin under a name that is no valid name. */
    snprintf(path, sizeof path, "%s/routemap-Echo.so", dir);
    copy_file(FIX "/routemap-echo.so", path, 0755);
    /* A directory named like a plugin. */
    snprintf(path, sizeof path, "%s/routemap-dir.so", dir);
    make_dir(path, 0755);

    rm_registry *reg = scan((const char *const[]){dir, NULL});
    snprintf(path, sizeof path, "%s/routemap-garbage.so", dir);
    expect_refused(reg, path, (const char *const[]){"cannot be loaded",
                                                    "routemap-garbage.so",
                                                    NULL});
    snprintf(path, sizeof path, "%s/routemap-Echo.so", dir);
    expect_refused(reg, path, (const char *const[]){"'Echo'",
                                                    "a-z, 0-9, _ and -",
                                                    NULL});
    snprintf(path, sizeof path, "%s/routemap-dir.so", dir);
    expect_refused(reg, path, (const char *const[]){"not a regular file",
                                                    NULL});
    assert_int_equal(refused_under(reg, dir), 3);
    rm_registry_destroy(reg);
    free(dir);
}

static void test_world_writable(void **state)
{
    (void)state;
    char *fdir = tmp_path("ww_file");
    char *ddir = tmp_path("ww_dir");
    make_dir(fdir, 0755);
    char file_plugin[PATH_MAX], dir_plugin[PATH_MAX];
    snprintf(file_plugin, sizeof file_plugin, "%s/routemap-echo.so", fdir);
    copy_file(FIX "/routemap-echo.so", file_plugin, 0757);
    make_dir(ddir, 0755);
    snprintf(dir_plugin, sizeof dir_plugin, "%s/routemap-fail.so", ddir);
    copy_file(FIX "/routemap-fail.so", dir_plugin, 0755);
    assert_int_equal(chmod(ddir, 0777), 0);

    rm_registry *reg = scan((const char *const[]){fdir, ddir, NULL});
    expect_refused(reg, file_plugin,
                   (const char *const[]){"writable by every user",
                                         "chmod o-w", NULL});
    expect_refused(reg, dir_plugin,
                   (const char *const[]){"directory", ddir,
                                         "writable by every user",
                                         "chmod o-w", NULL});
    assert_null(rm_registry_find(reg, "echo"));
    assert_null(rm_registry_find(reg, "fail"));
    rm_registry_destroy(reg);

    /* Once the permission is gone, both load. */
    assert_int_equal(chmod(ddir, 0755), 0);
    assert_int_equal(chmod(file_plugin, 0755), 0);
    reg = scan((const char *const[]){fdir, ddir, NULL});
    assert_non_null(rm_registry_find(reg, "echo"));
    assert_non_null(rm_registry_find(reg, "fail"));
    assert_int_equal(refused_under(reg, fdir) + refused_under(reg, ddir), 0);
    rm_registry_destroy(reg);
    free(fdir);
    free(ddir);
}

static void test_search_order(void **state)
{
    (void)state;
    /* The environment alone: dup comes from the "again" directory; a
     * missing directory there is reported. */
    setenv("ROUTEMAP_PLUGIN_PATH", "/nonexistent/routemap::" FIX_AGAIN, 1);
    rm_registry *reg = scan(NULL);
    assert_string_equal(loaded_path(reg, "dup"), FIX_AGAIN "/routemap-dup.so");
    expect_refused(reg, "/nonexistent/routemap",
                   (const char *const[]){"cannot open the plugin directory",
                                         NULL});
    rm_registry_destroy(reg);

    /* --plugin-path comes before the environment. */
    reg = scan((const char *const[]){FIX, NULL});
    assert_string_equal(loaded_path(reg, "dup"), FIX "/routemap-dup.so");
    expect_refused(reg, FIX_AGAIN "/routemap-dup.so",
                   (const char *const[]){"already loaded from " FIX, NULL});
    rm_registry_destroy(reg);
    unsetenv("ROUTEMAP_PLUGIN_PATH");

    /* Nothing given: the directory beside the program (bin/../lib/...)
     * holds the build's plugins. */
    reg = scan(NULL);
    const char *p = loaded_path(reg, "buffer");
    assert_non_null(p);
    if (access(RM_PLUGIN_INSTALL_DIR "/routemap-buffer.so", F_OK) != 0) {
        char *want = realpath(RM_BUILD_PLUGIN_DIR "/routemap-buffer.so",
                              NULL);
        char *got = realpath(p, NULL);
        assert_non_null(want);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(want);
        free(got);
    }
    /* The same directory named again is not scanned twice. */
    rm_registry *again = scan((const char *const[]){RM_BUILD_PLUGIN_DIR,
                                                    NULL});
    assert_int_equal(rm_registry_refused_count(again),
                     rm_registry_refused_count(reg));
    assert_int_equal(rm_registry_count(again), rm_registry_count(reg));
    rm_registry_destroy(again);
    rm_registry_destroy(reg);

    rm_registry *r = NULL;
    assert_int_equal(rm_registry_create(ctx, &r), RM_OK);
    assert_int_equal(rm_registry_add_path(r, ""), RM_EINVAL);
    rm_registry_destroy(r);
}

static int abi2_init(const rm_host_api *api, rm_plugin_desc *out)
{
    int rc = rm_plugin_buffer_init_static(api, out);
    out->abi_major = 2;
    return rc;
}

static void test_static(void **state)
{
    (void)state;
    rm_registry *reg = NULL;
    assert_int_equal(rm_registry_create(ctx, &reg), RM_OK);
    assert_int_equal(rm_registry_add_static(reg, rm_plugin_buffer_init_static,
                                            "linked buffer"), RM_OK);
    assert_string_equal(loaded_path(reg, "buffer"), "linked buffer");
    /* The host handed the entry a table with its size and version. */
    assert_int_equal(rm_registry_add_static(reg, abi2_init, "old build"),
                     RM_EPLUGIN_ABI);
    assert_non_null(strstr(rm_errmsg(ctx), "built for plugin ABI 2.0"));
    expect_refused(reg, "old build",
                   (const char *const[]){"plugin ABI 2.0", NULL});
    assert_int_equal(rm_registry_add_static(reg, rm_plugin_buffer_init_static,
                                            "again"), RM_EPLUGIN_LOAD);
    expect_refused(reg, "again",
                   (const char *const[]){"already loaded from linked buffer",
                                         NULL});
    /* The build's buffer.so is now a duplicate. */
    assert_int_equal(rm_registry_add_path(reg, RM_BUILD_PLUGIN_DIR), RM_OK);
    assert_int_equal(rm_registry_scan(reg), RM_OK);
    expect_refused(reg, RM_BUILD_PLUGIN_DIR "/routemap-buffer.so",
                   (const char *const[]){"already loaded from linked buffer",
                                         NULL});
    rm_registry_destroy(reg);
}

static void test_describe_text(void **state)
{
    (void)state;
    rm_registry *reg = scan((const char *const[]){RM_BUILD_PLUGIN_DIR, NULL});
    const rm_plugin_desc *d = rm_registry_find(reg, "buffer");
    assert_non_null(d);
    char *text = NULL;
    assert_int_equal(rm_registry_describe(d, 0, &text), RM_OK);
    static const char *parts[] = {
        "buffer 1.0.0\n",
        "license: Apache-2.0",
        "Parameters:\n",
        "name      type",
        "input     layer (points, lines, polygons)",
        "distance  distance (m)",
        "1000",
        ">= 0",
        "segments  int",
        "1..64",
        "dissolve  bool",
        "false",
        "Outputs:\n  buffers  polygons",
        "Units:",
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!strstr(text, parts[i]))
            print_error("text lacks '%s':\n%s\n", parts[i], text);
        assert_non_null(strstr(text, parts[i]));
    }
    /* The required input row says yes, the others no. */
    const char *row = strstr(text, "\n  input ");
    assert_non_null(row);
    const char *eol = strchr(row + 1, '\n');
    assert_non_null(strstr(row, " yes "));
    assert_true(strstr(row, " yes ") < eol);
    free(text);
    rm_registry_destroy(reg);
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    assert_true(json_object_object_get_ex(o, key, &v));
    return v;
}

static void test_describe_json(void **state)
{
    (void)state;
    rm_registry *reg = scan((const char *const[]){RM_BUILD_PLUGIN_DIR, NULL});
    const rm_plugin_desc *d = rm_registry_find(reg, "buffer");
    char *text = NULL;
    assert_int_equal(rm_registry_describe(d, 1, &text), RM_OK);
    json_object *root = json_tokener_parse(text);
    assert_non_null(root);
    assert_string_equal(json_object_get_string(member(root, "name")),
                        "buffer");
    assert_string_equal(json_object_get_string(member(root, "abi")), "1.0");
    json_object *params = member(root, "params");
    assert_int_equal(json_object_array_length(params), 4);
    json_object *dist = json_object_array_get_idx(params, 1);
    assert_string_equal(json_object_get_string(member(dist, "name")),
                        "distance");
    assert_string_equal(json_object_get_string(member(dist, "type")),
                        "distance");
    assert_string_equal(json_object_get_string(member(dist, "unit")), "m");
    assert_string_equal(json_object_get_string(member(dist, "default")),
                        "1000");
    assert_true(json_object_get_double(member(dist, "min")) == 0.0);
    assert_null(member(dist, "max"));
    assert_false(json_object_get_boolean(member(dist, "required")));
    json_object *seg = json_object_array_get_idx(params, 2);
    assert_true(json_object_get_double(member(seg, "max")) == 64.0);
    json_object *in = json_object_array_get_idx(params, 0);
    assert_true(json_object_get_boolean(member(in, "required")));
    json_object *acc = member(in, "accept");
    assert_int_equal(json_object_array_length(acc), 3);
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(acc, 2)), "polygon");
    json_object *outs = member(root, "outputs");
    assert_int_equal(json_object_array_length(outs), 1);
    json_object *o = json_object_array_get_idx(outs, 0);
    assert_string_equal(json_object_get_string(member(o, "name")), "buffers");
    assert_string_equal(json_object_get_string(member(o, "type")),
                        "polygons");
    assert_non_null(strstr(json_object_get_string(member(root, "help")),
                           "metres"));
    json_object_put(root);
    free(text);

    /* An enum's choices become an array. */
    static const rm_param_desc P[] = {
        {"shape", RM_PARAM_ENUM, NULL, "hex", 0, NAN, NAN, "hex|square", 0,
         "cell \"shape\""},
    };
    rm_plugin_desc e = RM_PLUGIN_DESC_INIT;
    e.name = "grid";
    e.version = "0.1";
    e.summary = "s";
    e.params = P;
    e.n_params = 1;
    assert_int_equal(rm_registry_describe(&e, 1, &text), RM_OK);
    root = json_tokener_parse(text);
    assert_non_null(root);
    json_object *sp = json_object_array_get_idx(member(root, "params"), 0);
    json_object *ch = member(sp, "choices");
    assert_int_equal(json_object_array_length(ch), 2);
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(ch, 1)), "square");
    assert_string_equal(json_object_get_string(member(sp, "help")),
                        "cell \"shape\"");
    assert_null(member(root, "license"));
    json_object_put(root);
    free(text);
    assert_int_equal(rm_registry_describe(&e, 0, &text), RM_OK);
    assert_non_null(strstr(text, "enum: hex|square"));
    assert_non_null(strstr(text, "Outputs:\n  (none)"));
    free(text);
    rm_registry_destroy(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_refusals),
        cmocka_unit_test(test_files_in_a_directory),
        cmocka_unit_test(test_world_writable),
        cmocka_unit_test(test_search_order),
        cmocka_unit_test(test_static),
        cmocka_unit_test(test_describe_text),
        cmocka_unit_test(test_describe_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
