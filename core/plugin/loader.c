/*
 * The loader: opens a plugin file with RTLD_NOW|RTLD_LOCAL, finds its one
 * entry rm_plugin_<name>_init, calls it with the host table and checks the
 * ABI version, the descriptor size and the whole schema before anything of
 * the plugin is used. The descriptor is copied into host memory; a plugin
 * that fails any check is closed again and described by a reason.
 */
#include <dlfcn.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/host_api.h"
#include "plugin/loader.h"
#include "plugin/params.h"
#include "util/util.h"

#define PREFIX "routemap-"
#define SUFFIX ".so"

/* Room the plugin may write its descriptor into: far more than any 1.x. */
#define DESC_ROOM 4096

static int plugin_name_ok(const char *name)
{
    if (!name || !*name)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            return 0;
    return 1;
}

char *rm__plugin_name_of_file(const char *file)
{
    size_t lp = strlen(PREFIX), ls = strlen(SUFFIX), len = strlen(file);
    if (len <= lp + ls || strncmp(file, PREFIX, lp) != 0 ||
        strcmp(file + len - ls, SUFFIX) != 0)
        return NULL;
    size_t n = len - lp - ls;
    char *name = malloc(n + 1);
    if (name) {
        memcpy(name, file + lp, n);
        name[n] = '\0';
    }
    return name;
}

static char *entry_symbol(const char *name)
{
    char *sym = rm__asprintf("rm_plugin_%s_init", name);
    for (char *p = sym; p && *p; p++)
        if (*p == '-')
            *p = '_';
    return sym;
}

static const char *geom_name(int t)
{
    switch (t) {
    case RM_GEOM_NONE: return "none";
    case RM_GEOM_POINT: return "point";
    case RM_GEOM_LINE: return "line";
    case RM_GEOM_POLYGON: return "polygon";
    case RM_GEOM_RASTER: return "raster";
    }
    return NULL;
}

static int unit_ok(int base, const char *unit)
{
    static const char *dist[] = {"m", "km", NULL};
    static const char *dur[] = {"s", "min", "h", "d", NULL};
    const char **list = base == RM_PARAM_DISTANCE ? dist : dur;
    for (size_t i = 0; unit && list[i]; i++)
        if (strcmp(unit, list[i]) == 0)
            return 1;
    return 0;
}

/* Choices "a|b|c": each non-empty, no blanks or commas, no repeats. */
static char *check_choices(const char *choices)
{
    if (!choices || !*choices)
        return rm__strdup("an enum needs choices such as \"hex|square\"");
    const char *p = choices;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == 0)
            return rm__asprintf("choices \"%s\" contain an empty choice",
                                choices);
        for (size_t i = 0; i < len; i++)
            if (p[i] == ',' || p[i] == ' ' || p[i] == '\t')
                return rm__asprintf("choices \"%s\" may not contain blanks "
                                    "or commas", choices);
        for (const char *q = choices; q < p;) {
            const char *qb = strchr(q, '|');
            size_t ql = (size_t)(qb - q);
            if (ql == len && memcmp(q, p, len) == 0)
                return rm__asprintf("choices \"%s\" repeat \"%.*s\"",
                                    choices, (int)len, p);
            q = qb + 1;
        }
        if (!bar)
            break;
        p = bar + 1;
    }
    return NULL;
}

static char *check_param(const rm_param_desc *pd)
{
    int base = pd->type & 0xff;
    if (pd->type & ~(0xff | RM_PARAM_LIST) || base < RM_PARAM_LAYER ||
        base > RM_PARAM_ENUM)
        return rm__asprintf("unknown type %d; use an rm_param_type value, "
                            "optionally | RM_PARAM_LIST", pd->type);
    if (base == RM_PARAM_DISTANCE && !unit_ok(base, pd->unit))
        return rm__asprintf("a distance needs the unit \"m\" or \"km\", not "
                            "\"%s\"", pd->unit ? pd->unit : "(none)");
    if (base == RM_PARAM_DURATION && !unit_ok(base, pd->unit))
        return rm__asprintf("a duration needs the unit \"s\", \"min\", "
                            "\"h\" or \"d\", not \"%s\"",
                            pd->unit ? pd->unit : "(none)");
    if (base == RM_PARAM_ENUM) {
        char *why = check_choices(pd->choices);
        if (why)
            return why;
    }
    if (base == RM_PARAM_LAYER &&
        (pd->accept & ~(unsigned)(RM_ACCEPT_VECTOR | RM_ACCEPT_RASTER)))
        return rm__asprintf("accept mask 0x%x has unknown bits; use "
                            "RM_ACCEPT_* values", pd->accept);
    int numeric = base == RM_PARAM_INT || base == RM_PARAM_REAL ||
                  base == RM_PARAM_DISTANCE || base == RM_PARAM_DURATION;
    if (numeric && !isnan(pd->min) && !isnan(pd->max) && pd->min > pd->max)
        return rm__asprintf("min %g is larger than max %g", pd->min,
                            pd->max);
    if (pd->required && pd->default_value)
        return rm__asprintf("it is required and has the default \"%s\"; a "
                            "required parameter has no default",
                            pd->default_value);
    return rm__param_check_default(pd);
}

char *rm__plugin_desc_check(const rm_plugin_desc *d)
{
    static const char *reserved[] = {"id", "plugin", "timeout_s",
                                     "memory_mb", NULL};
    if (!plugin_name_ok(d->name))
        return rm__asprintf("invalid descriptor: name \"%s\" must use only "
                            "a-z, 0-9, _ and -", d->name ? d->name : "");
    if (!d->version || !*d->version)
        return rm__strdup("invalid descriptor: no version; set e.g. "
                          "\"1.0.0\"");
    if (!d->summary || !*d->summary)
        return rm__strdup("invalid descriptor: no summary line");
    if (!d->run)
        return rm__strdup("invalid descriptor: no run function");
    if (d->n_params > 0 && !d->params)
        return rm__asprintf("invalid descriptor: n_params is %zu but params "
                            "is NULL", d->n_params);
    if (d->n_outputs > 0 && !d->outputs)
        return rm__asprintf("invalid descriptor: n_outputs is %zu but "
                            "outputs is NULL", d->n_outputs);
    if (d->n_params > 1000 || d->n_outputs > 1000)
        return rm__strdup("invalid descriptor: more than 1000 parameters "
                          "or outputs");
    for (size_t i = 0; i < d->n_params; i++) {
        const rm_param_desc *pd = &d->params[i];
        if (!rm__param_name_ok(pd->name))
            return rm__asprintf("invalid descriptor: parameter %zu name "
                                "\"%s\" must use only a-z, 0-9 and _",
                                i + 1, pd->name ? pd->name : "");
        for (size_t r = 0; reserved[r]; r++)
            if (strcmp(pd->name, reserved[r]) == 0)
                return rm__asprintf("invalid descriptor: parameter name "
                                    "\"%s\" is reserved for the step itself",
                                    pd->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->params[j].name, pd->name) == 0)
                return rm__asprintf("invalid descriptor: duplicate "
                                    "parameter name \"%s\"", pd->name);
        char *why = check_param(pd);
        if (why) {
            char *r = rm__asprintf("invalid descriptor: parameter '%s': %s",
                                   pd->name, why);
            free(why);
            return r;
        }
    }
    for (size_t i = 0; i < d->n_outputs; i++) {
        const rm_output_desc *od = &d->outputs[i];
        if (!rm__param_name_ok(od->name))
            return rm__asprintf("invalid descriptor: output %zu name \"%s\" "
                                "must use only a-z, 0-9 and _", i + 1,
                                od->name ? od->name : "");
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->outputs[j].name, od->name) == 0)
                return rm__asprintf("invalid descriptor: duplicate output "
                                    "name \"%s\"", od->name);
        if (!geom_name((int)od->type))
            return rm__asprintf("invalid descriptor: output '%s' has the "
                                "unknown geometry type %d", od->name,
                                (int)od->type);
    }
    return NULL;
}

/* Call the entry and check everything it returned. */
static int take_desc(rm__plugin *out, rm_plugin_init_fn init,
                     const char *sym, const char *name, char **why)
{
    union {
        rm_plugin_desc d;
        unsigned char room[DESC_ROOM];
    } buf;
    memset(&buf, 0, sizeof buf);
    int rc = init(rm__host_api(), &buf.d);
    if (rc != RM_OK) {
        *why = rm__asprintf("its entry %s failed with code %d (%s)", sym, rc,
                            rm_strerror(rc));
        return RM_EPLUGIN_LOAD;
    }
    const rm_plugin_desc *d = &buf.d;
    if (d->abi_major != RM_PLUGIN_ABI_MAJOR) {
        *why = rm__asprintf("built for plugin ABI %u.%u; this routemap "
                            "supports %d.%d — rebuild the plugin against "
                            "routemap's current plugin.h",
                            (unsigned)d->abi_major, (unsigned)d->abi_minor,
                            RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR);
        return RM_EPLUGIN_ABI;
    }
    if (d->abi_minor > RM_PLUGIN_ABI_MINOR) {
        *why = rm__asprintf("built for plugin ABI %u.%u, newer than this "
                            "routemap's %d.%d — update routemap, or rebuild "
                            "the plugin against this routemap's plugin.h",
                            (unsigned)d->abi_major, (unsigned)d->abi_minor,
                            RM_PLUGIN_ABI_MAJOR, RM_PLUGIN_ABI_MINOR);
        return RM_EPLUGIN_ABI;
    }
    if (d->size < RM__DESC_SIZE_1_0) {
        *why = rm__asprintf("descriptor size %u smaller than ABI 1.0's %zu "
                            "— fill the descriptor with RM_PLUGIN_DESC_INIT",
                            (unsigned)d->size, (size_t)RM__DESC_SIZE_1_0);
        return RM_EPLUGIN_ABI;
    }
    if (d->size > sizeof(rm_plugin_desc)) {
        *why = rm__asprintf("descriptor size %u larger than ABI %d.%d's %zu "
                            "although it claims ABI %u.%u — rebuild the "
                            "plugin against routemap's current plugin.h",
                            (unsigned)d->size, RM_PLUGIN_ABI_MAJOR,
                            RM_PLUGIN_ABI_MINOR, sizeof(rm_plugin_desc),
                            (unsigned)d->abi_major, (unsigned)d->abi_minor);
        return RM_EPLUGIN_ABI;
    }
    memset(&out->desc, 0, sizeof out->desc);
    memcpy(&out->desc, d, d->size);
    if (name && (!out->desc.name || strcmp(out->desc.name, name) != 0)) {
        *why = rm__asprintf("name in descriptor '%s' does not match file "
                            "name '%s' — rename the file routemap-%s.so or "
                            "fix the name",
                            out->desc.name ? out->desc.name : "(none)", name,
                            out->desc.name ? out->desc.name : name);
        return RM_EPLUGIN_LOAD;
    }
    *why = rm__plugin_desc_check(&out->desc);
    return *why ? RM_EPLUGIN_LOAD : RM_OK;
}

int rm__plugin_open(rm__plugin *out, const char *path, const char *name,
                    char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (!plugin_name_ok(name)) {
        *why = rm__asprintf("file name does not give a valid plugin name "
                            "'%s' — plugin names use only a-z, 0-9, _ and -",
                            name);
        return RM_EPLUGIN_LOAD;
    }
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        *why = rm__asprintf("cannot be loaded: %s — check that it is a "
                            "plugin built for this system and that the "
                            "libraries it needs are installed (ldd %s)",
                            e ? e : "unknown error", path);
        return RM_EPLUGIN_LOAD;
    }
    char *sym = entry_symbol(name);
    if (!sym) {
        dlclose(h);
        return RM_ENOMEM;
    }
    dlerror();
    void *addr = dlsym(h, sym);
    if (!addr) {
        char *us = rm__strdup(name);
        for (char *p = us; p && *p; p++)
            if (*p == '-')
                *p = '_';
        *why = rm__asprintf("no entry symbol %s: define it with "
                            "RM_PLUGIN_DEFINE(%s, ...)", sym,
                            us ? us : name);
        free(us);
        free(sym);
        dlclose(h);
        return RM_EPLUGIN_LOAD;
    }
    rm_plugin_init_fn init;
    memcpy(&init, &addr, sizeof init);
    int rc = take_desc(out, init, sym, name, why);
    free(sym);
    if (rc) {
        dlclose(h);
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->handle = h;
    out->path = rm__strdup(path);
    if (!out->path) {
        rm__plugin_close(out);
        return RM_ENOMEM;
    }
    return RM_OK;
}

int rm__plugin_from_init(rm__plugin *out, rm_plugin_init_fn init,
                         const char *origin, const char *name, char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (!init) {
        *why = rm__strdup("no entry function given");
        return RM_EINVAL;
    }
    int rc = take_desc(out, init, "function", name, why);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->path = rm__strdup(origin ? origin : "(linked in)");
    if (!out->path)
        return RM_ENOMEM;
    return RM_OK;
}

void rm__plugin_close(rm__plugin *p)
{
    if (!p)
        return;
    if (p->handle)
        dlclose(p->handle);
    free(p->path);
    memset(p, 0, sizeof *p);
}
