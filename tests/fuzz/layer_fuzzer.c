/*
 * Fuzz target: the decoder of a plugin child's output (rm_layer_
 * deserialize), the trust boundary between a plugin process and the host.
 * Any bytes must decode or be refused; what decodes must pass or fail the
 * host's output check without crashing, and encode back to the same
 * bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "plugin/step.h"
#include "routemap/layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_layer *l = NULL;
    int rc = rm_layer_deserialize(&l, data, size);
    if (rc != RM_OK) {
        if (l)
            __builtin_trap(); /* a refused buffer yields no layer */
        return 0;
    }
    /* What the host does next: check it against its declaration. */
    rm_output_desc od = {"out", rm_layer_geom_type(l), NULL};
    free(rm__step_check_output(&od, l));
    (void)rm_layer_extent(l);
    /* The encoding is canonical: decode(encode(x)) == x, byte for byte. */
    uint8_t *again = NULL;
    size_t n = 0;
    if (rm_layer_serialize(l, &again, &n) == RM_OK) {
        rm_layer *l2 = NULL;
        if (rm_layer_deserialize(&l2, again, n) != RM_OK)
            __builtin_trap();
        uint8_t *third = NULL;
        size_t n3 = 0;
        if (rm_layer_serialize(l2, &third, &n3) == RM_OK &&
            (n3 != n || memcmp(third, again, n) != 0))
            __builtin_trap();
        free(third);
        rm_layer_destroy(l2);
    }
    free(again);
    rm_layer_destroy(l);
    return 0;
}
