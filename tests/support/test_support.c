/*
 * The setup the unit tests share: each test's temporary folder below
 * $RM_TEST_TMP, emptied before the group runs, and the context that cmocka
 * passes to every test as its state, with logging silenced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routemap/context.h"
#include "routemap/errors.h"
#include "test_support.h"

int rmt_tmpdir(char *out, size_t cap, const char *name)
{
    const char *t = getenv("RM_TEST_TMP");
    int n = t ? snprintf(out, cap, "%s/%s", t, name)
              : snprintf(out, cap, "/tmp/rm_%s/%s", name, name);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "rmt_tmpdir: the folder for %s does not fit in %zu "
                "bytes; shorten RM_TEST_TMP\n", name, cap);
        return RM_EINVAL;
    }
    if (strchr(out, '\'')) {
        fprintf(stderr, "rmt_tmpdir: %s holds a quote, which the shell "
                "command cannot take; set RM_TEST_TMP without one\n", out);
        return RM_EINVAL;
    }
    char cmd[2 * 4096 + 32];
    n = snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", out, out);
    if (n < 0 || (size_t)n >= sizeof cmd || system(cmd) != 0) {
        fprintf(stderr, "rmt_tmpdir: cannot empty and make %s; check that "
                "its parent is writable\n", out);
        return RM_EIO_WRITE;
    }
    return RM_OK;
}

int rmt_context_setup(void **state)
{
    rm_context *ctx = NULL;
    if (rm_context_create(&ctx) != RM_OK)
        return -1;
    rm_context_set_logger(ctx, NULL, NULL);
    *state = ctx;
    return 0;
}

int rmt_context_teardown(void **state)
{
    rm_context_destroy(*state);
    return 0;
}
