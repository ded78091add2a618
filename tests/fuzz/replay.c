/*
 * The standalone driver that makes each fuzz target a ctest: it feeds
 * every file of the target's seed corpus (tests/fuzz/corpus/<target>/, or
 * the folders and files given as arguments) to LLVMFuzzerTestOneInput,
 * one cmocka test per file, in name order. Replaying a crash file found by
 * libFuzzer is `<target>_replay path/to/crash-...`.
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

#include <cmocka.h>

#include "fuzz.h"

typedef struct seeds {
    char **paths;
    size_t n, cap;
} seeds;

static void add(seeds *s, const char *path)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **p = realloc(s->paths, cap * sizeof *p);
        if (!p)
            return;
        s->paths = p;
        s->cap = cap;
    }
    size_t len = strlen(path) + 1;
    char *copy = malloc(len);
    if (copy) {
        memcpy(copy, path, len);
        s->paths[s->n++] = copy;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(seeds *s, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        add(s, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            add(s, full);
    }
    closedir(d);
}

static void replay_one(void **state)
{
    const char *path = *state;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *p = realloc(buf, cap);
            assert_non_null(p);
            buf = p;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    /* An exact-size copy, so a read past the input is caught by ASan. */
    uint8_t *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, buf, len);
    free(buf);
    assert_int_equal(LLVMFuzzerTestOneInput(exact, len), 0);
    free(exact);
}

int main(int argc, char **argv)
{
    seeds s = {NULL, 0, 0};
    if (argc > 1)
        for (int i = 1; i < argc; i++)
            collect(&s, argv[i]);
    else
        collect(&s, RM_FUZZ_CORPUS);
    if (s.n == 0) {
        fprintf(stderr, "no seed files found in %s\n",
                argc > 1 ? argv[1] : RM_FUZZ_CORPUS);
        return 1;
    }
    qsort(s.paths, s.n, sizeof *s.paths, by_name);
    struct CMUnitTest *tests = calloc(s.n, sizeof *tests);
    if (!tests)
        return 1;
    for (size_t i = 0; i < s.n; i++) {
        const char *slash = strrchr(s.paths[i], '/');
        tests[i].name = slash ? slash + 1 : s.paths[i];
        tests[i].test_func = replay_one;
        tests[i].initial_state = s.paths[i];
    }
    int failed = _cmocka_run_group_tests(RM_FUZZ_TARGET, tests, s.n, NULL,
                                         NULL);
    free(tests);
    for (size_t i = 0; i < s.n; i++)
        free(s.paths[i]);
    free(s.paths);
    return failed ? 1 : 0;
}
