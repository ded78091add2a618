/*
 * A briefing run from start to end: load, analyse, export, render, write
 * the manifest. Outputs are written into a private staging folder inside
 * the output folder and renamed into place only when everything
 * succeeded; a failed run removes its staging folder and leaves earlier
 * outputs untouched. Each rename is atomic, so every output is at any
 * moment either the previous complete file or the new complete file, even
 * if the run is killed; a killed run's staging folder is removed by the
 * next run into the same folder.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run_state.h"
#include "util/context_internal.h"
#include "util/util.h"

/* mkdir -p; returns 0 or -1 with errno. */
static int make_dirs(const char *path)
{
    char *p = rm__strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static char *parent_dir(const char *path)
{
    char *d = rm__strdup(path);
    char *slash = d ? strrchr(d, '/') : NULL;
    if (slash && slash != d)
        *slash = '\0';
    else if (slash)
        slash[1] = '\0';
    return d;
}

static int check_rel(rm__run *r, const char *rel)
{
    if (!rel || !*rel || rel[0] == '/' || strstr(rel, ".."))
        return rm__error(r->ctx, RM_ESPEC_VALUE, NULL,
                         "output path '%s' must be relative to the output "
                         "folder and stay inside it",
                         rel ? rel : "");
    for (size_t i = 0; i < r->n_staged; i++)
        if (strcmp(r->staged[i].shown, rel) == 0)
            return rm__error(r->ctx, RM_ESPEC_VALUE, NULL,
                             "two outputs would both be written to '%s'; "
                             "give them different names in `outputs`",
                             rel);
    if (rm__grow((void **)&r->staged, &r->cap_staged, r->n_staged + 1,
                 sizeof *r->staged))
        return RM_ENOMEM;
    return RM_OK;
}

static int add_staged(rm__run *r, char *staged, const char *rel)
{
    rm__staged *s = &r->staged[r->n_staged];
    s->staged = staged;
    s->target = rm__asprintf("%s/%s", r->out_dir, rel);
    s->shown = rm__strdup(rel);
    if (!s->staged || !s->target || !s->shown) {
        free(s->staged);
        free(s->target);
        free(s->shown);
        return RM_ENOMEM;
    }
    r->n_staged++;
    return RM_OK;
}

int rm__run_adopt(rm__run *r, const char *staged_path, const char *rel)
{
    int rc = check_rel(r, rel);
    return rc ? rc : add_staged(r, rm__strdup(staged_path), rel);
}

int rm__run_stage(rm__run *r, const char *rel, const char **out)
{
    int rc = check_rel(r, rel);
    if (rc)
        return rc;
    /* Flatten the relative path into one staged file name. */
    char *flat = rm__strdup(rel);
    if (!flat)
        return RM_ENOMEM;
    for (char *c = flat; *c; c++)
        if (*c == '/')
            *c = '_';
    char *staged = rm__asprintf("%s/%zu-%s", r->stage_dir, r->n_staged,
                                flat);
    free(flat);
    rc = add_staged(r, staged, rel);
    if (rc == RM_OK)
        *out = r->staged[r->n_staged - 1].staged;
    return rc;
}

static void remove_stage(rm__run *r)
{
    if (!r->stage_dir)
        return;
    for (size_t i = 0; i < r->n_staged; i++)
        unlink(r->staged[i].staged);
    char *maps = rm__asprintf("%s/maps", r->stage_dir);
    if (maps)
        rmdir(maps);
    free(maps);
    rmdir(r->stage_dir);
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Move every staged file into place; the manifest was staged last, so it
 * lands last and names only outputs already in place. */
static int commit_stage(rm__run *r)
{
    for (size_t i = 0; i < r->n_staged; i++) {
        rm__staged *s = &r->staged[i];
        char *dir = parent_dir(s->target);
        int bad = !dir || make_dirs(dir) != 0;
        if (!bad && rename(s->staged, s->target) != 0)
            bad = 1;
        if (!bad)
            fsync_dir(dir);
        free(dir);
        if (bad)
            return rm__error(r->ctx, RM_EIO_WRITE, NULL,
                             "cannot move output into place as '%s': %s; "
                             "check that the output folder is writable",
                             s->target, strerror(errno));
    }
    return RM_OK;
}

#define STAGE_PREFIX ".routemap-stage-"

/* Remove a folder and what it holds, `depth` levels of folders deep. */
static void remove_tree(const char *path, int depth)
{
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *sub = rm__asprintf("%s/%s", path, e->d_name);
        struct stat st;
        if (sub && lstat(sub, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth > 0)
                remove_tree(sub, depth - 1);
            else
                unlink(sub);
        }
        free(sub);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

/*
 * Remove the staging folders of runs that were killed: STAGE_PREFIX<pid>
 * whose process no longer exists (on this machine). A folder of a live
 * run, ours or another's, is left alone.
 */
static void remove_stale_stages(rm__run *r)
{
    DIR *d = opendir(r->out_dir);
    if (!d)
        return;
    size_t plen = strlen(STAGE_PREFIX);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, STAGE_PREFIX, plen) != 0)
            continue;
        const char *digits = e->d_name + plen;
        char *end;
        errno = 0;
        long pid = strtol(digits, &end, 10);
        if (end == digits || *end || errno || pid <= 0 ||
            (pid_t)pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to judge */
        char *path = rm__asprintf("%s/%s", r->out_dir, e->d_name);
        if (!path)
            break;
        remove_tree(path, 4);
        rm_log(r->ctx, RM_LOG_INFO, "removed %s, left by a run that was "
               "stopped", path);
        free(path);
    }
    closedir(d);
}

static int prepare_out_dir(rm__run *r)
{
    const char *dir = r->opt->out_dir ? r->opt->out_dir : r->b->spec->dir;
    r->out_dir = rm__strdup(dir);
    if (!r->out_dir)
        return RM_ENOMEM;
    if (make_dirs(r->out_dir) != 0)
        return rm__error(r->ctx, RM_EIO_WRITE, NULL,
                         "cannot create the output folder '%s': %s; choose "
                         "a writable folder with -o DIR",
                         r->out_dir, strerror(errno));
    remove_stale_stages(r);
    r->stage_dir = rm__asprintf("%s/" STAGE_PREFIX "%ld", r->out_dir,
                                (long)getpid());
    if (!r->stage_dir)
        return RM_ENOMEM;
    if (mkdir(r->stage_dir, 0700) != 0) {
        int e = errno;
        free(r->stage_dir);
        r->stage_dir = NULL;
        return rm__error(r->ctx, RM_EIO_WRITE, NULL,
                         "cannot write into the output folder '%s': %s; "
                         "choose a writable folder with -o DIR",
                         r->out_dir, strerror(e));
    }
    return RM_OK;
}

static void free_run(rm__run *r)
{
    rm__catalog_free(&r->catalog);
    if (r->inputs)
        for (size_t i = 0; i < r->b->spec->n_layers; i++)
            free(r->inputs[i].source);
    free(r->inputs);
    if (r->steps)
        for (size_t i = 0; i < r->b->spec->n_steps; i++) {
            free(r->steps[i].params_json);
            free(r->steps[i].notes_json);
            free(r->steps[i].outputs_json);
        }
    free(r->steps);
    for (size_t i = 0; i < r->n_staged; i++) {
        free(r->staged[i].staged);
        free(r->staged[i].target);
        free(r->staged[i].shown);
    }
    free(r->staged);
    free(r->crs);
    free(r->crs_name);
    free(r->out_dir);
    free(r->stage_dir);
}

/* At info level, how long a part of the run took ("loading the layers"),
 * from the clock read at its start. */
static void log_part(rm__run *r, const char *what, const double start[2])
{
    if (r->ctx->log_level < RM_LOG_INFO)
        return;
    double wall, cpu;
    rm__clock_now(&wall, &cpu);
    rm_log(r->ctx, RM_LOG_INFO, "%s: %.1f ms, %.1f ms CPU", what,
           1e3 * (wall - start[0]), 1e3 * (cpu - start[1]));
}

/* The parts of a run, in order, and what each has done when it ends. */
static const struct {
    int (*run)(rm__run *r);
    const char *done;
} PARTS[] = {
    {rm__run_load_inputs, "layers loaded"},
    {rm__run_steps, "steps run"},
    {rm__run_exports, "exports written"},
    {rm__run_maps, "maps drawn"},
};

int rm__briefing_execute(rm_context *ctx, rm_briefing *b, rm_registry *reg,
                         const rm_run_options *opt)
{
    (void)reg;
    rm__run r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.b = b;
    r.opt = opt;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r.run_time, sizeof r.run_time, "%Y-%m-%dT%H:%M:%SZ", &tm);
    r.inputs = rm_callocarray(b->spec->n_layers, sizeof *r.inputs);
    r.steps = rm_callocarray(b->spec->n_steps, sizeof *r.steps);
    int rc = r.inputs && r.steps ? RM_OK : RM_ENOMEM;
    double run_start[2];
    rm__clock_now(&run_start[0], &run_start[1]);
    if (rc == RM_OK)
        rc = prepare_out_dir(&r);
    for (size_t i = 0; rc == RM_OK && i < sizeof PARTS / sizeof *PARTS;
         i++) {
        double start[2];
        rm__clock_now(&start[0], &start[1]);
        if ((rc = PARTS[i].run(&r)) == RM_OK)
            log_part(&r, PARTS[i].done, start);
    }
    if (rc == RM_OK)
        rc = rm__run_manifest(&r);
    if (rc == RM_OK)
        rc = commit_stage(&r);
    if (rc == RM_OK)
        log_part(&r, "run done", run_start);
    remove_stage(&r);
    free_run(&r);
    return rc;
}
