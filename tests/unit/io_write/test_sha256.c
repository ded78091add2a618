/*
 * Tests of rm_io_sha256_file: the FIPS 180-2 example digests ("abc", the
 * empty message, one million 'a'), padding edge lengths compared with the
 * `sha256sum` program, and the errors for a missing file or a folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "routemap/io.h"
#include "test_support.h"

static char tmpdir[1024];

static int setup(void **state)
{
    if (rmt_tmpdir(tmpdir, sizeof tmpdir, "sha") != RM_OK)
        return -1;
    return rmt_context_setup(state);
}

static const char *write_bytes(const char *name, const void *data, size_t n)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_fips_examples(void **state)
{
    rm_context *ctx = *state;
    char hex[65];
    assert_int_equal(
        rm_io_sha256_file(ctx, write_bytes("abc", "abc", 3), hex), RM_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");

    assert_int_equal(
        rm_io_sha256_file(ctx, write_bytes("empty", "", 0), hex), RM_OK);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                             "27ae41e4649b934ca495991b7852b855");

    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_int_equal(
        rm_io_sha256_file(ctx, write_bytes("two", two, strlen(two)), hex),
        RM_OK);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
                             "a33ce45964ff2167f6ecedd419db06c1");

    size_t n = 1000000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    assert_int_equal(
        rm_io_sha256_file(ctx, write_bytes("million", a, n), hex), RM_OK);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
                             "f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* Lengths around the 55/56/64-byte padding boundaries and a buffer edge,
 * compared with sha256sum (coreutils). */
static void test_matches_sha256sum(void **state)
{
    rm_context *ctx = *state;
    size_t lens[] = {1, 55, 56, 63, 64, 65, 119, 120, 65535, 65536, 65537,
                     200003};
    unsigned char *buf = malloc(200003);
    assert_non_null(buf);
    uint32_t x = 2463534242u; /* xorshift32, deterministic bytes */
    for (size_t i = 0; i < 200003; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        const char *p = write_bytes("blob", buf, lens[k]);
        char hex[65];
        assert_int_equal(rm_io_sha256_file(ctx, p, hex), RM_OK);
        char cmd[1300];
        snprintf(cmd, sizeof cmd, "sha256sum '%s'", p);
        FILE *pp = popen(cmd, "r");
        assert_non_null(pp);
        char ref[65] = "";
        assert_int_equal(fscanf(pp, "%64s", ref), 1);
        pclose(pp);
        assert_string_equal(hex, ref);
    }
    free(buf);
}

static void test_errors(void **state)
{
    rm_context *ctx = *state;
    char hex[65] = "junk";
    char missing[1200];
    snprintf(missing, sizeof missing, "%s/does_not_exist.gpkg", tmpdir);
    assert_int_equal(rm_io_sha256_file(ctx, missing, hex), RM_EIO_OPEN);
    assert_string_equal(hex, "");
    assert_non_null(strstr(rm_errmsg(ctx), "does_not_exist.gpkg"));
    assert_int_equal(rm_io_sha256_file(ctx, tmpdir, hex), RM_EIO_OPEN);
    assert_int_equal(rm_io_sha256_file(ctx, NULL, hex), RM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_examples),
        cmocka_unit_test(test_matches_sha256sum),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, rmt_context_teardown);
}
