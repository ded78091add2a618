/*
 * Tests of `routemap new-plugin`, run as a user would: the files it
 * writes, the name substituted everywhere (dashes become underscores in C
 * names), the refusals (bad names, folders in the way) that leave nothing
 * behind, and JSON output. Building the project is install_sdk.sh's job.
 */
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

#include "../e2e/e2e_util.h"
#include "routemap/plugin.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 16);
    size_t n = fread(s, 1, (1 << 16) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static e2e_result run2(const char *a, const char *b)
{
    const char *args[] = {"new-plugin", a, b, NULL};
    return e2e_run(args);
}

static void assert_file_has(const char *path, const char *text)
{
    char *s = read_all(path);
    assert_non_null(s);
    if (!strstr(s, text))
        fail_msg("%s lacks \"%s\"", path, text);
    free(s);
}

static const char *const FILES[] = {"count-in-zones.c",
                                    "test_count-in-zones.c",
                                    "CMakeLists.txt", "README.md",
                                    ".gitignore"};

static void test_writes_project(void **state)
{
    (void)state;
    char dir[1200];
    snprintf(dir, sizeof dir, "%s", e2e_path("proj"));
    e2e_result r = run2("count-in-zones", dir);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "Created the plugin project"));
    assert_int_equal(e2e_count_files(dir), 5);
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, FILES[i]);
        char *s = read_all(path);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        /* Every placeholder was replaced. */
        assert_null(strstr(s, "@NAME@"));
        assert_null(strstr(s, "@IDENT@"));
        assert_null(strstr(s, "@ABI@"));
        assert_null(strstr(s, "@VERSION@"));
        free(s);
    }
    char path[1400];
    snprintf(path, sizeof path, "%s/count-in-zones.c", dir);
    assert_file_has(path, "RM_PLUGIN_DEFINE(count_in_zones, fill)");
    assert_file_has(path, "d.name = \"count-in-zones\";");
    snprintf(path, sizeof path, "%s/test_count-in-zones.c", dir);
    assert_file_has(path, "rm_plugin_count_in_zones_init_static(");
    snprintf(path, sizeof path, "%s/README.md", dir);
    char abi[64];
    snprintf(abi, sizeof abi, "Plugin ABI of this template: %d.%d.",
             RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR);
    assert_file_has(path, abi);
    /* The CMake project: four lines, the last one the whole plugin. */
    snprintf(path, sizeof path, "%s/CMakeLists.txt", dir);
    char *cm = read_all(path);
    assert_non_null(cm);
    int lines = 0;
    for (const char *p = cm; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    assert_non_null(strstr(cm, "find_package(routemap 0.1 REQUIRED)\n"
                               "routemap_add_plugin(count-in-zones "
                               "count-in-zones.c TEST "
                               "test_count-in-zones.c)\n"));
    free(cm);
    e2e_free(&r);
}

static void test_default_dir_and_parents(void **state)
{
    (void)state;
    char cwd[1200];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(e2e_tmp()), 0);
    const char *args[] = {"new-plugin", "zones", NULL};
    e2e_result r = e2e_run(args);
    const char *quiet[] = {"--quiet", "new-plugin", "zones2", NULL};
    e2e_result q = e2e_run(quiet);
    assert_int_equal(chdir(cwd), 0);
    /* DIR defaults to ./NAME. */
    assert_int_equal(r.exit_code, 0);
    assert_true(e2e_exists(e2e_path("zones/zones.c")));
    /* --quiet prints nothing on success. */
    assert_int_equal(q.exit_code, 0);
    assert_string_equal(q.out, "");
    assert_true(e2e_exists(e2e_path("zones2/CMakeLists.txt")));
    e2e_free(&r);
    e2e_free(&q);
    /* Missing parents are made. */
    e2e_result p = run2("deep", e2e_path("a/b/c"));
    assert_int_equal(p.exit_code, 0);
    assert_true(e2e_exists(e2e_path("a/b/c/deep.c")));
    e2e_free(&p);
}

static void test_refuses_occupied_folder(void **state)
{
    (void)state;
    mkdir(e2e_path("occupied"), 0777);
    e2e_write("occupied/keep.txt", "mine\n");
    e2e_result r = run2("demo", e2e_path("occupied"));
    /* DOC: new-plugin never overwrites files. */
    assert_int_equal(r.exit_code, 6);
    assert_non_null(strstr(r.err, "already exists and is not an empty"));
    assert_int_equal(e2e_count_files(e2e_path("occupied")), 1);
    char *kept = read_all(e2e_path("occupied/keep.txt"));
    assert_string_equal(kept, "mine\n");
    free(kept);
    e2e_free(&r);

    /* A file where DIR should be, or where one of its parents should. */
    e2e_write("plain", "a file\n");
    r = run2("demo", e2e_path("plain"));
    assert_int_equal(r.exit_code, 6);
    e2e_free(&r);
    r = run2("demo", e2e_path("plain/sub"));
    assert_int_equal(r.exit_code, 6);
    assert_non_null(strstr(r.err, "cannot create the folder"));
    e2e_free(&r);
    char *still = read_all(e2e_path("plain"));
    assert_string_equal(still, "a file\n");
    free(still);
}

static void test_empty_folder_is_fine(void **state)
{
    (void)state;
    mkdir(e2e_path("empty"), 0777);
    e2e_result r = run2("demo", e2e_path("empty"));
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(e2e_count_files(e2e_path("empty")), 5);
    e2e_free(&r);
}

static void test_bad_names(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "Demo", "9lives", "two words", "a/b", "dot.ted", "-x",
        "a23456789012345678901234567890123456789012345678x", /* 49 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e2e_result r = run2(bad[i], e2e_path("badname"));
        if (r.exit_code != 2)
            fail_msg("name '%s': exit %d, stderr %s", bad[i], r.exit_code,
                     r.err);
        assert_non_null(strstr(r.err, "new-plugin"));
        assert_false(e2e_exists(e2e_path("badname")));
        e2e_free(&r);
    }
    /* 48 characters, digits, _ and - are fine. */
    e2e_result ok = run2("a2345678901234567890123456789012345678901234_-7x",
                         e2e_path("longname"));
    assert_int_equal(ok.exit_code, 0);
    e2e_free(&ok);
}

static void test_usage(void **state)
{
    (void)state;
    const char *none[] = {"new-plugin", NULL};
    e2e_result r = e2e_run(none);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "expected a plugin NAME"));
    e2e_free(&r);
    const char *three[] = {"new-plugin", "a", "b", "c", NULL};
    r = e2e_run(three);
    assert_int_equal(r.exit_code, 2);
    e2e_free(&r);
    const char *help[] = {"new-plugin", "--help", NULL};
    r = e2e_run(help);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "usage: routemap new-plugin NAME [DIR]"));
    e2e_free(&r);
    const char *top[] = {"--help", NULL};
    r = e2e_run(top);
    assert_non_null(strstr(r.out, "new-plugin NAME [DIR]"));
    e2e_free(&r);
}

static void test_json(void **state)
{
    (void)state;
    const char *args[] = {"--json", "new-plugin", "demo",
                          e2e_path("json"), NULL};
    e2e_result r = e2e_run(args);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "{\"ok\":true,\"name\":\"demo\""));
    assert_non_null(strstr(r.out, "\"files\":[\"demo.c\",\"test_demo.c\","
                                  "\"CMakeLists.txt\",\"README.md\","
                                  "\".gitignore\"]}"));
    e2e_free(&r);
    const char *bad[] = {"--json", "new-plugin", "demo", e2e_path("json"),
                         NULL};
    r = e2e_run(bad);
    assert_int_equal(r.exit_code, 6);
    assert_non_null(strstr(r.out, "{\"ok\":false,\"code\":-50,"
                                  "\"exit_code\":6,\"error\":"));
    e2e_free(&r);
}

int main(void)
{
    e2e_tmp();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_project),
        cmocka_unit_test(test_default_dir_and_parents),
        cmocka_unit_test(test_refuses_occupied_folder),
        cmocka_unit_test(test_empty_folder_is_fine),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
