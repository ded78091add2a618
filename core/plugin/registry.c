/*
 * The plugin registry: walks the search path (--plugin-path directories,
 * ROUTEMAP_PLUGIN_PATH, the install directory and the one beside the
 * running program), loads every routemap-*.so through the loader and keeps
 * what passed, plus every refusal with its path and reason. The first
 * plugin of a name wins. A file, or the folder holding it, that another
 * user could change (writable by everyone, by a shared group, or owned by
 * someone other than root or us) is refused unless the caller allowed it.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/loader.h"
#include "routemap/registry.h"
#include "util/util.h"

#ifndef RM_PLUGIN_INSTALL_DIR
#define RM_PLUGIN_INSTALL_DIR "/usr/local/lib/routemap/plugins"
#endif
#ifndef RM_PLUGIN_SUBDIR
#define RM_PLUGIN_SUBDIR "lib/routemap/plugins"
#endif

typedef struct refusal {
    char *path;
    char *reason;
} refusal;

typedef struct loaded {
    rm__plugin plugin;
    char *real; /* resolved path, to recognise the same file again */
} loaded;

struct rm_registry {
    rm_context *ctx;
    char **paths; /* added with rm_registry_add_path, in order */
    size_t n_paths, cap_paths;
    loaded *plugins;
    size_t n_plugins, cap_plugins;
    refusal *refused;
    size_t n_refused, cap_refused;
    int allow_writable; /* 1: load files others could change, warn */
};

int rm_registry_create(rm_context *ctx, rm_registry **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return rm__error(ctx, RM_ENOMEM, NULL, "out of memory");
    (*out)->ctx = ctx;
    return RM_OK;
}

void rm_registry_destroy(rm_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_paths; i++)
        free(reg->paths[i]);
    free(reg->paths);
    for (size_t i = 0; i < reg->n_plugins; i++) {
        rm__plugin_close(&reg->plugins[i].plugin);
        free(reg->plugins[i].real);
    }
    free(reg->plugins);
    for (size_t i = 0; i < reg->n_refused; i++) {
        free(reg->refused[i].path);
        free(reg->refused[i].reason);
    }
    free(reg->refused);
    free(reg);
}

int rm_registry_add_path(rm_registry *reg, const char *dir)
{
    if (!dir || !*dir)
        return rm__error(reg->ctx, RM_EINVAL, NULL,
                         "empty plugin directory; give a directory path");
    char *copy = rm__strdup(dir);
    if (!copy || rm__grow((void **)&reg->paths, &reg->cap_paths,
                          reg->n_paths + 1, sizeof *reg->paths)) {
        free(copy);
        return rm__error(reg->ctx, RM_ENOMEM, NULL, "out of memory");
    }
    reg->paths[reg->n_paths++] = copy;
    return RM_OK;
}

/* Record a refusal (taking `reason`); the same one twice is kept once. */
static int refuse(rm_registry *reg, const char *path, char *reason)
{
    if (!reason)
        return RM_ENOMEM;
    for (size_t i = 0; i < reg->n_refused; i++) {
        if (strcmp(reg->refused[i].path, path) == 0 &&
            strcmp(reg->refused[i].reason, reason) == 0) {
            free(reason);
            return RM_OK;
        }
    }
    char *p = rm__strdup(path);
    if (!p || rm__grow((void **)&reg->refused, &reg->cap_refused,
                       reg->n_refused + 1, sizeof *reg->refused)) {
        free(p);
        free(reason);
        return RM_ENOMEM;
    }
    reg->refused[reg->n_refused].path = p;
    reg->refused[reg->n_refused].reason = reason;
    reg->n_refused++;
    rm_log(reg->ctx, RM_LOG_INFO, "plugin %s refused: %s", path,
           reg->refused[reg->n_refused - 1].reason);
    return RM_OK;
}

static const loaded *find_loaded(const rm_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->n_plugins; i++)
        if (strcmp(reg->plugins[i].plugin.desc.name, name) == 0)
            return &reg->plugins[i];
    return NULL;
}

static int keep(rm_registry *reg, rm__plugin *p, char *real)
{
    if (rm__grow((void **)&reg->plugins, &reg->cap_plugins,
                 reg->n_plugins + 1, sizeof *reg->plugins)) {
        rm__plugin_close(p);
        free(real);
        return RM_ENOMEM;
    }
    reg->plugins[reg->n_plugins].plugin = *p;
    reg->plugins[reg->n_plugins].real = real;
    reg->n_plugins++;
    return RM_OK;
}

int rm_registry_allow_writable(rm_registry *reg, int allow)
{
    reg->allow_writable = allow != 0;
    return RM_OK;
}

/* 1 when group `gid` is the private group of user `uid`: the user's
 * primary group, with no other member listed. */
static int private_group(uid_t uid, gid_t gid)
{
    char buf[16384];
    struct passwd pw, *pwp = NULL;
    struct group gr, *grp = NULL;
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &pwp) != 0 || !pwp ||
        pw.pw_gid != gid)
        return 0;
    char name[256];
    snprintf(name, sizeof name, "%s", pw.pw_name);
    if (getgrgid_r(gid, &gr, buf, sizeof buf, &grp) != 0 || !grp)
        return 0;
    for (char **m = gr.gr_mem; m && *m; m++)
        if (strcmp(*m, name) != 0)
            return 0;
    return 1;
}

/*
 * Why another user could change the file or folder `path`, or NULL when
 * no one but root and us can. `what` is "file" or "directory".
 */
static char *others_can_write(const char *path, const struct stat *st,
                              const char *what)
{
    if (st->st_mode & S_IWOTH)
        return rm__asprintf("the %s %s is writable by every user, so "
                            "anyone could change it — remove that "
                            "permission (chmod o-w %s)", what, path, path);
    if ((st->st_mode & S_IWGRP) && !private_group(st->st_uid, st->st_gid))
        return rm__asprintf("the %s %s is writable by its group (gid %ld), "
                            "so other users could change it — remove that "
                            "permission (chmod g-w %s)", what, path,
                            (long)st->st_gid, path);
    if (st->st_uid != 0 && st->st_uid != geteuid())
        return rm__asprintf("the %s %s belongs to another user (uid %ld), "
                            "who could change it — copy it into a folder "
                            "of your own", what, path, (long)st->st_uid);
    return NULL;
}

/* Refuse a file others could change (taking `why`), or load it with a
 * warning when allowed; 1 when refused. */
static int untrusted(rm_registry *reg, const char *path, char *why, int *rc)
{
    if (!why)
        return 0;
    if (reg->allow_writable) {
        rm_log(reg->ctx, RM_LOG_WARN, "plugin %s loaded although %s "
               "(allowed by --allow-writable-plugins)", path, why);
        free(why);
        return 0;
    }
    char *reason = rm__asprintf("%s; or pass --allow-writable-plugins to "
                                "load it anyway", why);
    free(why);
    *rc = refuse(reg, path, reason);
    return 1;
}

/* Consider one file of a plugin directory; `dir_why` says why others
 * could change the directory (NULL: they cannot). */
static int scan_file(rm_registry *reg, const char *dir, const char *dir_why,
                     const char *file)
{
    char *name = rm__plugin_name_of_file(file);
    if (!name)
        return RM_OK; /* not a plugin file: ignored */
    char *path = rm__asprintf("%s/%s", dir, file);
    char *real = path ? realpath(path, NULL) : NULL;
    int rc = RM_OK;
    struct stat st;
    if (!path) {
        rc = RM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; real && i < reg->n_plugins; i++)
        if (reg->plugins[i].real && strcmp(reg->plugins[i].real, real) == 0)
            goto done; /* this very file is loaded already */
    if (stat(path, &st) != 0) {
        rc = refuse(reg, path, rm__asprintf("cannot read it: %s",
                                            strerror(errno)));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = refuse(reg, path, rm__strdup("not a regular file"));
        goto done;
    }
    if (dir_why && untrusted(reg, path, rm__strdup(dir_why), &rc))
        goto done;
    if (untrusted(reg, path, others_can_write(path, &st, "file"), &rc))
        goto done;
    const loaded *prev = find_loaded(reg, name);
    if (prev) {
        rc = refuse(reg, path, rm__asprintf(
            "a plugin named '%s' was already loaded from %s; the first on "
            "the search path wins — remove or rename one of them",
            name, prev->plugin.path));
        goto done;
    }
    rm__plugin p;
    char *why = NULL;
    int lrc = rm__plugin_open(&p, path, name, &why);
    if (lrc == RM_ENOMEM) {
        rc = lrc;
    } else if (lrc) {
        rc = refuse(reg, path, why);
        why = NULL;
    } else {
        rc = keep(reg, &p, real);
        real = NULL;
    }
    free(why);
done:
    free(real);
    free(path);
    free(name);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Scan one directory. `must_exist`: a missing directory is worth a
 * refusal line (explicit and environment paths), not so the defaults.
 */
static int scan_dir(rm_registry *reg, const char *dir, int must_exist)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (!must_exist && (errno == ENOENT || errno == ENOTDIR))
            return RM_OK;
        return refuse(reg, dir, rm__asprintf("cannot open the plugin "
                                             "directory: %s",
                                             strerror(errno)));
    }
    struct stat dst;
    char *dir_why = stat(dir, &dst) == 0
                        ? others_can_write(dir, &dst, "directory")
                        : NULL;
    char **files = NULL;
    size_t n = 0, cap = 0;
    int rc = RM_OK;
    struct dirent *e;
    while (rc == RM_OK && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "routemap-", 9) != 0)
            continue;
        char *f = rm__strdup(e->d_name);
        if (!f || rm__grow((void **)&files, &cap, n + 1, sizeof *files)) {
            free(f);
            rc = RM_ENOMEM;
            break;
        }
        files[n++] = f;
    }
    closedir(d);
    if (n > 1)
        qsort(files, n, sizeof *files, by_name);
    for (size_t i = 0; i < n; i++) {
        if (rc == RM_OK)
            rc = scan_file(reg, dir, dir_why, files[i]);
        free(files[i]);
    }
    free(files);
    free(dir_why);
    return rc;
}

/* The plugin directory relative to the running program, or NULL. */
static char *exe_relative_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return rm__asprintf("%s/../%s", exe, RM_PLUGIN_SUBDIR);
}

typedef struct dir_list {
    char **dirs;
    int *must;
    size_t n, cap;
} dir_list;

static int add_dir(dir_list *l, const char *dir, size_t len, int must)
{
    size_t cap = l->cap;
    if (rm__grow((void **)&l->dirs, &cap, l->n + 1, sizeof *l->dirs))
        return RM_ENOMEM;
    cap = l->cap;
    if (rm__grow((void **)&l->must, &cap, l->n + 1, sizeof *l->must))
        return RM_ENOMEM;
    l->cap = cap;
    char *d = malloc(len + 1);
    if (!d)
        return RM_ENOMEM;
    memcpy(d, dir, len);
    d[len] = '\0';
    l->dirs[l->n] = d;
    l->must[l->n] = must;
    l->n++;
    return RM_OK;
}

static void free_dirs(dir_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->dirs[i]);
    free(l->dirs);
    free(l->must);
}

/* The search path, in order, without repeats of the same directory. */
static int search_path(const rm_registry *reg, dir_list *l)
{
    int rc = RM_OK;
    for (size_t i = 0; rc == RM_OK && i < reg->n_paths; i++)
        rc = add_dir(l, reg->paths[i], strlen(reg->paths[i]), 1);
    const char *env = getenv("ROUTEMAP_PLUGIN_PATH");
    for (const char *p = env; rc == RM_OK && p && *p;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (len > 0)
            rc = add_dir(l, p, len, 1);
        p = colon ? colon + 1 : p + len;
    }
    if (rc == RM_OK)
        rc = add_dir(l, RM_PLUGIN_INSTALL_DIR, strlen(RM_PLUGIN_INSTALL_DIR),
                     0);
    char *rel = exe_relative_dir();
    if (rc == RM_OK && rel)
        rc = add_dir(l, rel, strlen(rel), 0);
    free(rel);
    return rc;
}

int rm_registry_scan(rm_registry *reg)
{
    dir_list l = {NULL, NULL, 0, 0};
    int rc = search_path(reg, &l);
    char **seen = rm_callocarray(l.n ? l.n : 1, sizeof *seen);
    if (!seen)
        rc = RM_ENOMEM;
    for (size_t i = 0; rc == RM_OK && i < l.n; i++) {
        seen[i] = realpath(l.dirs[i], NULL);
        int repeat = 0;
        for (size_t j = 0; seen[i] && j < i && !repeat; j++)
            repeat = seen[j] && strcmp(seen[i], seen[j]) == 0;
        if (!repeat)
            rc = scan_dir(reg, l.dirs[i], l.must[i]);
    }
    for (size_t i = 0; seen && i < l.n; i++)
        free(seen[i]);
    free(seen);
    free_dirs(&l);
    if (rc)
        return rm__error(reg->ctx, rc, NULL,
                         "out of memory while scanning for plugins");
    return RM_OK;
}

int rm_registry_add_static(rm_registry *reg, rm_plugin_init_fn init,
                           const char *origin)
{
    rm__plugin p;
    char *why = NULL;
    const char *where = origin ? origin : "(linked in)";
    int rc = rm__plugin_from_init(&p, init, where, NULL, &why);
    if (rc == RM_ENOMEM) {
        free(why);
        return rm__error(reg->ctx, rc, NULL, "out of memory");
    }
    if (rc == RM_OK) {
        const loaded *prev = find_loaded(reg, p.desc.name);
        if (prev) {
            why = rm__asprintf("a plugin named '%s' was already loaded from "
                               "%s", p.desc.name, prev->plugin.path);
            rm__plugin_close(&p);
            rc = RM_EPLUGIN_LOAD;
        }
    }
    if (rc) {
        int code = rc;
        rm__error(reg->ctx, code, NULL, "plugin %s refused: %s", where,
                  why ? why : "out of memory");
        if (refuse(reg, where, why) == RM_ENOMEM)
            return rm__error(reg->ctx, RM_ENOMEM, NULL, "out of memory");
        return code;
    }
    if (keep(reg, &p, NULL))
        return rm__error(reg->ctx, RM_ENOMEM, NULL, "out of memory");
    return RM_OK;
}

size_t rm_registry_count(const rm_registry *reg)
{
    return reg ? reg->n_plugins : 0;
}

const rm_plugin_desc *rm_registry_plugin(const rm_registry *reg, size_t i)
{
    return reg && i < reg->n_plugins ? &reg->plugins[i].plugin.desc : NULL;
}

const char *rm_registry_plugin_path(const rm_registry *reg, size_t i)
{
    return reg && i < reg->n_plugins ? reg->plugins[i].plugin.path : NULL;
}

const rm_plugin_desc *rm_registry_find(const rm_registry *reg,
                                       const char *name)
{
    if (!reg || !name)
        return NULL;
    const loaded *l = find_loaded(reg, name);
    return l ? &l->plugin.desc : NULL;
}

size_t rm_registry_refused_count(const rm_registry *reg)
{
    return reg ? reg->n_refused : 0;
}

const char *rm_registry_refused_path(const rm_registry *reg, size_t i)
{
    return reg && i < reg->n_refused ? reg->refused[i].path : NULL;
}

const char *rm_registry_refused_reason(const rm_registry *reg, size_t i)
{
    return reg && i < reg->n_refused ? reg->refused[i].reason : NULL;
}
