/*
 * What the unit tests share to get going: an emptied temporary folder of
 * their own below $RM_TEST_TMP, and a silent context handed to cmocka as the
 * group's state. Each test names its own folder; nothing here asserts.
 */
#ifndef RM_TEST_SUPPORT_H
#define RM_TEST_SUPPORT_H

#include <stddef.h>

/**
 * Empties and makes the folder $RM_TEST_TMP/name (/tmp/rm_name/name when
 * RM_TEST_TMP is unset) and writes its path to out.
 * @return RM_OK; RM_EINVAL when the path does not fit in cap or holds a
 *         quote; RM_EIO_WRITE when the folder cannot be made.
 */
int rmt_tmpdir(char *out, size_t cap, const char *name);

/** A cmocka setup: a new context with no logger in *state. 0 or -1. */
int rmt_context_setup(void **state);

/** The cmocka teardown of rmt_context_setup: destroys *state. Always 0. */
int rmt_context_teardown(void **state);

#endif
