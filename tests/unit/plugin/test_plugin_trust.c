/*
 * Tests of which plugin files the registry trusts: files and folders that
 * another user could change (writable by everyone, by a shared group, or
 * owned by another user) are refused with the reason and the way out,
 * and load, with a warning, only when rm_registry_allow_writable allowed
 * them. Ownership cases need root to set up and are skipped otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
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

#define FIX RM_BAD_PLUGIN_DIR

static rm_context *ctx;
static char log_text[8192];

static void logger(void *ud, rm_log_level level, const char *msg)
{
    (void)ud;
    size_t len = strlen(log_text);
    snprintf(log_text + len, sizeof log_text - len, "%d|%s\n", (int)level,
             msg);
}

static int setup(void **state)
{
    (void)state;
    unsetenv("ROUTEMAP_PLUGIN_PATH");
    const char *tmp = getenv("RM_TEST_TMP");
    if (!tmp)
        return -1;
    mkdir(tmp, 0755);
    chmod(tmp, 0755);
    if (rm_context_create(&ctx))
        return -1;
    rm_context_set_logger(ctx, logger, NULL);
    rm_context_set_log_level(ctx, RM_LOG_WARN);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_context_destroy(ctx);
    return 0;
}

/* A fresh folder tmp/name (mode 0755) holding a copy of the echo fixture
 * (mode `mode`); returns the folder, *plugin the file. */
static const char *prepare(const char *name, mode_t mode, char *plugin,
                           size_t n)
{
    static char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", getenv("RM_TEST_TMP"), name);
    mkdir(dir, 0755);
    assert_int_equal(chmod(dir, 0755), 0);
    snprintf(plugin, n, "%s/routemap-echo.so", dir);
    unlink(plugin);
    FILE *in = fopen(FIX "/routemap-echo.so", "rb");
    FILE *out = fopen(plugin, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, k, out), k);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(chmod(plugin, mode), 0);
    return dir;
}

static rm_registry *scan(const char *dir, int allow)
{
    rm_registry *reg = NULL;
    log_text[0] = '\0';
    assert_int_equal(rm_registry_create(ctx, &reg), RM_OK);
    assert_int_equal(rm_registry_allow_writable(reg, allow), RM_OK);
    assert_int_equal(rm_registry_add_path(reg, dir), RM_OK);
    assert_int_equal(rm_registry_scan(reg), RM_OK);
    return reg;
}

static const char *reason_for(const rm_registry *reg, const char *path)
{
    for (size_t i = 0; i < rm_registry_refused_count(reg); i++)
        if (strcmp(rm_registry_refused_path(reg, i), path) == 0)
            return rm_registry_refused_reason(reg, i);
    return NULL;
}

static void assert_contains(const char *text, const char *part)
{
    if (!text || !strstr(text, part))
        print_error("'%s' lacks '%s'\n", text ? text : "(null)", part);
    assert_non_null(text);
    assert_non_null(strstr(text, part));
}

/* Refused by default with `parts` in the reason; loaded with a warning
 * naming the file when allowed. */
static void refused_then_allowed(const char *dir, const char *plugin,
                                 const char *const *parts)
{
    rm_registry *reg = scan(dir, 0);
    assert_null(rm_registry_find(reg, "echo"));
    const char *why = reason_for(reg, plugin);
    for (size_t i = 0; parts[i]; i++)
        assert_contains(why, parts[i]);
    assert_contains(why, "or pass --allow-writable-plugins to load it "
                         "anyway");
    rm_registry_destroy(reg);

    reg = scan(dir, 1);
    assert_non_null(rm_registry_find(reg, "echo"));
    assert_null(reason_for(reg, plugin));
    assert_contains(log_text, plugin);
    assert_contains(log_text, "(allowed by --allow-writable-plugins)");
    assert_contains(log_text, parts[0]);
    rm_registry_destroy(reg);
}

static void test_private_file_loads(void **state)
{
    (void)state;
    char plugin[PATH_MAX];
    const char *dir = prepare("private", 0755, plugin, sizeof plugin);
    rm_registry *reg = scan(dir, 0);
    assert_non_null(rm_registry_find(reg, "echo"));
    assert_int_equal(rm_registry_refused_count(reg), 0);
    assert_string_equal(log_text, "");
    rm_registry_destroy(reg);
}

static void test_world_writable_file(void **state)
{
    (void)state;
    char plugin[PATH_MAX];
    const char *dir = prepare("ww_file", 0757, plugin, sizeof plugin);
    refused_then_allowed(dir, plugin,
                         (const char *const[]){"is writable by every user",
                                               "chmod o-w", NULL});
}

static void test_world_writable_dir(void **state)
{
    (void)state;
    char plugin[PATH_MAX];
    const char *dir = prepare("ww_dir", 0755, plugin, sizeof plugin);
    assert_int_equal(chmod(dir, 01777), 0); /* even sticky, like /tmp */
    refused_then_allowed(dir, plugin,
                         (const char *const[]){"the directory",
                                               "is writable by every user",
                                               "chmod o-w", NULL});
    chmod(dir, 0755);
}

/* A group other than our own primary group: for a file we own, not our
 * private group. */
static gid_t shared_group(void)
{
    setgrent();
    struct group *g;
    gid_t found = (gid_t)-1;
    while ((g = getgrent()) != NULL)
        if (g->gr_gid != getegid()) {
            found = g->gr_gid;
            break;
        }
    endgrent();
    return found;
}

static void test_group_writable(void **state)
{
    (void)state;
    gid_t g = shared_group();
    if (geteuid() != 0 || g == (gid_t)-1)
        skip(); /* needs root to hand the file to another group */
    char plugin[PATH_MAX];
    const char *dir = prepare("grp", 0775, plugin, sizeof plugin);
    assert_int_equal(chown(plugin, (uid_t)-1, g), 0);
    assert_int_equal(chmod(plugin, 0775), 0);
    refused_then_allowed(dir, plugin,
                         (const char *const[]){"is writable by its group",
                                               "chmod g-w", NULL});
    /* Without group write the same file loads. */
    assert_int_equal(chmod(plugin, 0755), 0);
    rm_registry *reg = scan(dir, 0);
    assert_non_null(rm_registry_find(reg, "echo"));
    rm_registry_destroy(reg);
}

static void test_other_owner(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* needs root to give the file away */
    char plugin[PATH_MAX];
    const char *dir = prepare("owner", 0755, plugin, sizeof plugin);
    assert_int_equal(chown(plugin, 54321, (gid_t)-1), 0);
    refused_then_allowed(dir, plugin,
                         (const char *const[]){"belongs to another user "
                                               "(uid 54321)", NULL});
    assert_int_equal(chown(plugin, 0, (gid_t)-1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_private_file_loads),
        cmocka_unit_test(test_world_writable_file),
        cmocka_unit_test(test_world_writable_dir),
        cmocka_unit_test(test_group_writable),
        cmocka_unit_test(test_other_owner),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
