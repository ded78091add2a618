/*
 * Tests of core/util/atomic: the temporary path sits beside the target and
 * keeps its extension, commit replaces the target whole, abort and every
 * failure leave the target's bytes as they were and no temporary file.
 */
#include <dirent.h>
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

#include "routemap/context.h"
#include "routemap/errors.h"
#include "test_support.h"
#include "util/atomic.h"

static char tmpdir[1024];

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "atomic") != RM_OK)
        return -1;
    return rmt_context_setup(state);
}

static char *path_in(const char *name)
{
    static char buf[4][1200];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

/* Number of entries in `dir` whose name contains ".tmp-". */
static int count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp-"))
            n++;
    closedir(d);
    return n;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static size_t read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return (size_t)-1;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void write_plain(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void test_temp_name_beside_target(void **state)
{
    rm_context *ctx = *state;
    rm__atomic a;
    const char *target = path_in("results.gpkg");
    assert_int_equal(rm__atomic_begin(ctx, &a, target), RM_OK);
    assert_int_equal(a.active, 1);
    /* Same folder, hidden, extension kept last. */
    size_t dl = strlen(tmpdir);
    assert_memory_equal(a.tmp, tmpdir, dl);
    assert_int_equal(a.tmp[dl], '/');
    assert_true(strncmp(a.tmp + dl + 1, ".results.tmp-", 13) == 0);
    size_t tl = strlen(a.tmp);
    assert_string_equal(a.tmp + tl - 5, ".gpkg");
    /* begin creates nothing. */
    struct stat st;
    assert_int_not_equal(lstat(a.tmp, &st), 0);
    rm__atomic_abort(&a);
    assert_int_equal(a.active, 0);
    assert_null(a.tmp);
    assert_int_equal(count_entries(tmpdir), 0);
}

static void test_two_begins_get_distinct_names(void **state)
{
    rm_context *ctx = *state;
    rm__atomic a, b;
    assert_int_equal(rm__atomic_begin(ctx, &a, path_in("x.json")), RM_OK);
    assert_int_equal(rm__atomic_begin(ctx, &b, path_in("x.json")), RM_OK);
    assert_string_not_equal(a.tmp, b.tmp);
    rm__atomic_abort(&a);
    rm__atomic_abort(&b);
}

static void test_write_buffer_new_and_replace(void **state)
{
    rm_context *ctx = *state;
    const char *target = path_in("manifest.json");
    const char *v1 = "{\"run\": 1}\n";
    assert_int_equal(rm__atomic_write_buffer(ctx, target, v1, strlen(v1)),
                     RM_OK);
    char buf[256];
    size_t n = read_file(target, buf, sizeof buf);
    assert_int_equal(n, strlen(v1));
    assert_memory_equal(buf, v1, n);

    const char *v2 = "{\"run\": 2, \"longer\": true}\n";
    assert_int_equal(rm__atomic_write_buffer(ctx, target, v2, strlen(v2)),
                     RM_OK);
    n = read_file(target, buf, sizeof buf);
    assert_int_equal(n, strlen(v2));
    assert_memory_equal(buf, v2, n);
    assert_int_equal(count_temp_files(tmpdir), 0);
    assert_int_equal(count_entries(tmpdir), 1);

    /* An empty buffer makes an empty file. */
    assert_int_equal(rm__atomic_write_buffer(ctx, target, "", 0), RM_OK);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_size, 0);
    unlink(target);
}

static void test_missing_folder_fails_cleanly(void **state)
{
    rm_context *ctx = *state;
    const char *target = path_in("no_such_dir/out.json");
    assert_int_equal(rm__atomic_write_buffer(ctx, target, "x", 1),
                     RM_EIO_WRITE);
    assert_int_equal(rm_errcode(ctx), RM_EIO_WRITE);
    /* The message names the path and what to do. */
    assert_non_null(strstr(rm_errmsg(ctx), "no_such_dir"));
    assert_non_null(strstr(rm_errmsg(ctx), "exists"));
    struct stat st;
    assert_int_not_equal(stat(target, &st), 0);
    assert_int_equal(count_entries(tmpdir), 0);

    rm__atomic a;
    assert_int_equal(rm__atomic_begin(ctx, &a, target), RM_EIO_WRITE);
    assert_int_equal(a.active, 0);
    rm__atomic_abort(&a); /* harmless after a failed begin */
}

static void test_folder_as_target_fails(void **state)
{
    rm_context *ctx = *state;
    const char *sub = path_in("sub");
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(rm__atomic_write_buffer(ctx, sub, "x", 1),
                     RM_EIO_WRITE);
    char trailing[1300];
    snprintf(trailing, sizeof trailing, "%s/", sub);
    assert_int_equal(rm__atomic_write_buffer(ctx, trailing, "x", 1),
                     RM_EIO_WRITE);
    /* A regular file used as the folder fails too. */
    const char *file = path_in("plain");
    write_plain(file, "keep");
    char under_file[1300];
    snprintf(under_file, sizeof under_file, "%s/out.json", file);
    assert_int_equal(rm__atomic_write_buffer(ctx, under_file, "x", 1),
                     RM_EIO_WRITE);
    assert_int_equal(count_temp_files(tmpdir), 0);
    assert_int_equal(count_temp_files(sub), 0);
    rmdir(sub);
    unlink(file);
}

static void test_abort_keeps_target(void **state)
{
    rm_context *ctx = *state;
    const char *target = path_in("keep.csv");
    write_plain(target, "a,b\n1,2\n");
    rm__atomic a;
    assert_int_equal(rm__atomic_begin(ctx, &a, target), RM_OK);
    write_plain(a.tmp, "half");
    /* SQLite side files of the temporary file go with it. */
    char side[1400];
    snprintf(side, sizeof side, "%s-journal", a.tmp);
    write_plain(side, "j");
    rm__atomic_abort(&a);
    char buf[64];
    size_t n = read_file(target, buf, sizeof buf);
    assert_int_equal(n, 8);
    assert_memory_equal(buf, "a,b\n1,2\n", 8);
    assert_int_equal(count_temp_files(tmpdir), 0);
    assert_int_equal(count_entries(tmpdir), 1);
    unlink(target);
}

static void test_commit_replaces_target(void **state)
{
    rm_context *ctx = *state;
    const char *target = path_in("swap.txt");
    write_plain(target, "old");
    rm__atomic a;
    assert_int_equal(rm__atomic_begin(ctx, &a, target), RM_OK);
    write_plain(a.tmp, "new content");
    /* Until commit the target is the old file. */
    char buf[64];
    assert_int_equal(read_file(target, buf, sizeof buf), 3);
    assert_int_equal(rm__atomic_commit(ctx, &a), RM_OK);
    assert_int_equal(a.active, 0);
    size_t n = read_file(target, buf, sizeof buf);
    assert_int_equal(n, 11);
    assert_memory_equal(buf, "new content", 11);
    assert_int_equal(count_temp_files(tmpdir), 0);
    unlink(target);
}

static void test_commit_without_file_fails(void **state)
{
    rm_context *ctx = *state;
    const char *target = path_in("never.tif");
    write_plain(target, "previous");
    rm__atomic a;
    assert_int_equal(rm__atomic_begin(ctx, &a, target), RM_OK);
    /* Nothing was written to a.tmp (e.g. a driver failed to create it). */
    assert_int_equal(rm__atomic_commit(ctx, &a), RM_EIO_WRITE);
    assert_int_equal(a.active, 0);
    char buf[64];
    size_t n = read_file(target, buf, sizeof buf);
    assert_int_equal(n, 8);
    assert_memory_equal(buf, "previous", 8);
    assert_int_equal(count_temp_files(tmpdir), 0);
    unlink(target);

    /* DOC: commit without begin is an error, not a crash. */
    rm__atomic z = RM__ATOMIC_INIT;
    assert_int_equal(rm__atomic_commit(ctx, &z), RM_EINTERNAL);
}

static void test_relative_target_and_no_extension(void **state)
{
    rm_context *ctx = *state;
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    rm__atomic a;
    assert_int_equal(rm__atomic_begin(ctx, &a, "README"), RM_OK);
    assert_true(strncmp(a.tmp, ".README.tmp-", 12) == 0);
    assert_null(strchr(a.tmp, '/'));
    rm__atomic_abort(&a);
    /* A leading dot is not an extension. */
    assert_int_equal(rm__atomic_begin(ctx, &a, ".hidden"), RM_OK);
    assert_true(strncmp(a.tmp, "..hidden.tmp-", 13) == 0);
    rm__atomic_abort(&a);
    assert_int_equal(rm__atomic_write_buffer(ctx, "rel.txt", "r", 1), RM_OK);
    assert_int_equal(chdir(cwd), 0);
    char buf[8];
    assert_int_equal(read_file(path_in("rel.txt"), buf, sizeof buf), 1);
    unlink(path_in("rel.txt"));
    assert_int_equal(count_entries(tmpdir), 0);
}

static void test_forced_extension(void **state)
{
    rm_context *ctx = *state;
    rm__atomic a;
    /* DOC: the temporary name ends in `ext` when the target's does not. */
    assert_int_equal(rm__atomic_begin_ext(ctx, &a, path_in("pts.txt"),
                                          ".csv"),
                     RM_OK);
    size_t n = strlen(a.tmp);
    assert_string_equal(a.tmp + n - 8, ".txt.csv");
    rm__atomic_abort(&a);
    assert_int_equal(rm__atomic_begin_ext(ctx, &a, path_in("pts.CSV"),
                                          ".csv"),
                     RM_OK);
    n = strlen(a.tmp);
    assert_string_equal(a.tmp + n - 4, ".CSV");
    assert_null(strstr(a.tmp, ".csv"));
    rm__atomic_abort(&a);
    assert_int_equal(rm__atomic_begin_ext(ctx, &a, path_in("pts.csv"), NULL),
                     RM_OK);
    n = strlen(a.tmp);
    assert_string_equal(a.tmp + n - 4, ".csv");
    assert_string_not_equal(a.tmp + n - 8, ".csv.csv");
    rm__atomic_abort(&a);
}

static void test_bad_arguments(void **state)
{
    rm_context *ctx = *state;
    rm__atomic a;
    assert_int_equal(rm__atomic_begin(ctx, &a, NULL), RM_EINVAL);
    assert_int_equal(rm__atomic_begin(ctx, &a, ""), RM_EINVAL);
    rm__atomic_abort(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temp_name_beside_target),
        cmocka_unit_test(test_two_begins_get_distinct_names),
        cmocka_unit_test(test_write_buffer_new_and_replace),
        cmocka_unit_test(test_missing_folder_fails_cleanly),
        cmocka_unit_test(test_folder_as_target_fails),
        cmocka_unit_test(test_abort_keeps_target),
        cmocka_unit_test(test_commit_replaces_target),
        cmocka_unit_test(test_commit_without_file_fails),
        cmocka_unit_test(test_relative_target_and_no_extension),
        cmocka_unit_test(test_forced_extension),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
