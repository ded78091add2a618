/*
 * Fuzz target: the briefing parser (YAML text to spec). Any bytes must
 * give either a spec or an error with a location, never a crash, a leak
 * or a read past the input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pipeline/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_context *ctx = rm_fuzz_context();
    char *text = malloc(size + 1);
    if (!ctx || !text) {
        free(text);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    rm__spec *spec = NULL;
    int rc = rm__spec_parse_string(ctx, &spec, text, "fuzz/briefing.yaml");
    if (rc == RM_OK) {
        /* A parsed spec is complete: walk what the run would read. */
        for (size_t i = 0; i < spec->n_steps; i++)
            if (!spec->steps[i].id || !spec->steps[i].plugin)
                __builtin_trap();
        for (size_t i = 0; i < spec->n_layers; i++) {
            char *path = NULL;
            if (!spec->layers[i].source.s)
                __builtin_trap();
            if (rm__spec_resolve_path(spec, spec->layers[i].source.s,
                                      &path) == RM_OK)
                free(path);
        }
    } else if (spec) {
        __builtin_trap(); /* an error returns no spec */
    } else if (!rm_errmsg(ctx) || !*rm_errmsg(ctx)) {
        __builtin_trap(); /* every error says what */
    }
    rm__spec_destroy(spec);
    free(text);
    return 0;
}
