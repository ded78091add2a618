/*
 * ABI discipline, by the numbers: every member of the frozen v1 host table
 * and descriptors sits at the same offset with the same size in the
 * current headers, the structs only grow (the arrays plugins index,
 * rm_param_desc and rm_output_desc, never change size), and no v1
 * constant or error code has changed value. The two layouts come from
 * separate translation units compiled against the two header sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi_layout.h"

static void same_prefix(const char *what, const abi_struct *v1,
                        const abi_struct *now)
{
    assert_true(now->n == v1->n);
    for (size_t i = 0; i < v1->n; i++) {
        const abi_member *a = &v1->members[i], *b = &now->members[i];
        assert_string_equal(a->name, b->name);
        if (a->offset != b->offset || a->size != b->size)
            fail_msg("%s.%s moved: v1 offset %zu size %zu, now offset %zu "
                     "size %zu", what, a->name, a->offset, a->size,
                     b->offset, b->size);
    }
}

/* The hand-written v1 list names every member of the frozen struct: in
 * order, without gaps beyond padding, up to its last byte. */
static void list_is_complete(const char *what, const abi_struct *v1)
{
    size_t end = 0;
    for (size_t i = 0; i < v1->n; i++) {
        const abi_member *m = &v1->members[i];
        if (m->offset < end || m->offset - end >= 8)
            fail_msg("%s: v1 list out of order or missing a member before "
                     "%s", what, m->name);
        end = m->offset + m->size;
    }
    if (end != v1->size)
        fail_msg("%s: the v1 list ends at %zu of %zu bytes", what, end,
                 v1->size);
}

static void test_lists_cover_v1(void **state)
{
    (void)state;
    list_is_complete("rm_host_api", &abi_v1_layout.host);
    list_is_complete("rm_plugin_desc", &abi_v1_layout.desc);
    list_is_complete("rm_param_desc", &abi_v1_layout.param);
    list_is_complete("rm_output_desc", &abi_v1_layout.output);
}

static void test_host_table_only_grows(void **state)
{
    (void)state;
    /* DOC: rm_host_api and rm_plugin_desc only ever grow at the end. */
    same_prefix("rm_host_api", &abi_v1_layout.host, &abi_now_layout.host);
    assert_true(abi_now_layout.host.size >= abi_v1_layout.host.size);
    assert_int_equal(abi_v1_layout.host.members[0].offset, 0);
    assert_string_equal(abi_v1_layout.host.members[0].name, "size");
}

static void test_descriptors_only_grow(void **state)
{
    (void)state;
    same_prefix("rm_plugin_desc", &abi_v1_layout.desc, &abi_now_layout.desc);
    assert_true(abi_now_layout.desc.size >= abi_v1_layout.desc.size);
    /* Plugins hand over arrays of these, indexed with their own sizeof:
     * the size is fixed for every 1.x. */
    same_prefix("rm_param_desc", &abi_v1_layout.param,
                &abi_now_layout.param);
    assert_int_equal(abi_now_layout.param.size, abi_v1_layout.param.size);
    same_prefix("rm_output_desc", &abi_v1_layout.output,
                &abi_now_layout.output);
    assert_int_equal(abi_now_layout.output.size,
                     abi_v1_layout.output.size);
}

static void test_constants_kept(void **state)
{
    (void)state;
    assert_int_equal(abi_now_layout.abi_major, abi_v1_layout.abi_major);
    assert_true(abi_now_layout.abi_minor >= abi_v1_layout.abi_minor);
    assert_int_equal(abi_now_layout.n_constants, abi_v1_layout.n_constants);
    for (size_t i = 0; i < abi_v1_layout.n_constants; i++) {
        const abi_value *a = &abi_v1_layout.constants[i];
        const abi_value *b = &abi_now_layout.constants[i];
        if (a->value != b->value)
            fail_msg("%s was %ld in v1 and is %ld now", a->name, a->value,
                     b->value);
    }
}

static void test_error_codes_kept(void **state)
{
    (void)state;
    /* DOC (types.h): values only ever get added, never renumbered. */
    assert_true(abi_now_layout.n_errors >= abi_v1_layout.n_errors);
    for (size_t i = 0; i < abi_v1_layout.n_errors; i++) {
        const abi_value *a = &abi_v1_layout.errors[i];
        size_t j = 0;
        while (j < abi_now_layout.n_errors &&
               strcmp(abi_now_layout.errors[j].name, a->name) != 0)
            j++;
        if (j == abi_now_layout.n_errors)
            fail_msg("error code %s of v1 is gone", a->name);
        if (abi_now_layout.errors[j].value != a->value)
            fail_msg("%s was %ld in v1 and is %ld now", a->name, a->value,
                     abi_now_layout.errors[j].value);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_cover_v1),
        cmocka_unit_test(test_host_table_only_grows),
        cmocka_unit_test(test_descriptors_only_grow),
        cmocka_unit_test(test_constants_kept),
        cmocka_unit_test(test_error_codes_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
