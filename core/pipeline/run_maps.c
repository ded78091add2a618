/*
 * The briefing's map pages. Rendering is wired in here once the renderer
 * is part of the build; until then a briefing with pages is refused with
 * a clear message instead of silently producing no maps.
 */
#include "run_state.h"
#include "util/util.h"

int rm__run_maps(rm__run *r)
{
    if (r->b->spec->n_pages == 0)
        return RM_OK;
    return rm__error(r->ctx, RM_ERENDER, NULL,
                     "this build of routemap cannot draw map pages yet; "
                     "remove `pages` from the briefing to run the analyses "
                     "and exports");
}
