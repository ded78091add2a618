/*
 * Atomic output: a temporary path beside the target, fsync + rename on
 * commit, unlink on abort. The target is only ever replaced by rename(2),
 * so a reader sees either the old file or the complete new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "util.h"

static atomic_uint tmp_counter;

static const char *const side_suffixes[] = {"-journal", "-wal", "-shm",
                                            ".aux.xml"};

static void atomic_free(rm__atomic *a)
{
    free(a->target);
    free(a->tmp);
    free(a->dir);
    a->target = a->tmp = a->dir = NULL;
    a->active = 0;
}

static void unlink_side_files(const char *path)
{
    for (size_t i = 0; i < sizeof side_suffixes / sizeof *side_suffixes;
         i++) {
        char *p = rm__asprintf("%s%s", path, side_suffixes[i]);
        if (p)
            unlink(p);
        free(p);
    }
}

int rm__atomic_begin(rm_context *ctx, rm__atomic *a, const char *target)
{
    return rm__atomic_begin_ext(ctx, a, target, NULL);
}

int rm__atomic_begin_ext(rm_context *ctx, rm__atomic *a, const char *target,
                         const char *force_ext)
{
    rm__atomic zero = RM__ATOMIC_INIT;
    *a = zero;
    if (!target || !*target)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "no output path given; name the file to write");
    rm_location loc = rm__loc_file(target, 0, 0);
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (!*base)
        return rm__error(ctx, RM_EIO_WRITE, &loc,
                         "the output path names a folder, not a file; add "
                         "a file name");
    if (slash == target)
        a->dir = rm__strdup("/");
    else if (slash) {
        size_t n = (size_t)(slash - target);
        a->dir = rm_mallocarray(n + 1, 1);
        if (a->dir) {
            memcpy(a->dir, target, n);
            a->dir[n] = '\0';
        }
    } else
        a->dir = rm__strdup(".");
    a->target = rm__strdup(target);
    if (!a->dir || !a->target) {
        atomic_free(a);
        return rm__error(ctx, RM_ENOMEM, &loc, "out of memory");
    }

    struct stat st;
    if (stat(a->dir, &st) != 0) {
        int e = errno;
        int code = rm__error(ctx, RM_EIO_WRITE, &loc,
                             "cannot write into folder '%s': %s; check "
                             "that the folder exists and is writable",
                             a->dir, strerror(e));
        atomic_free(a);
        return code;
    }
    if (!S_ISDIR(st.st_mode)) {
        int code = rm__error(ctx, RM_EIO_WRITE, &loc,
                             "cannot write into '%s': it is not a folder; "
                             "choose another output path",
                             a->dir);
        atomic_free(a);
        return code;
    }
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        atomic_free(a);
        return rm__error(ctx, RM_EIO_WRITE, &loc,
                         "a folder of that name exists; choose a file "
                         "name for the output");
    }

    /* Keep the extension last: drivers look at it. */
    const char *dot = strrchr(base, '.');
    if (dot == base)
        dot = NULL;
    const char *ext = dot ? dot : "";
    int stem_len = (int)(dot ? (size_t)(dot - base) : strlen(base));
    const char *extra = "";
    if (force_ext && *force_ext) {
        size_t bl = strlen(base), el = strlen(force_ext);
        if (bl < el || strcasecmp(base + bl - el, force_ext) != 0)
            extra = force_ext;
    }
    const char *sep = slash ? "/" : "";
    int dir_len = slash ? (int)(slash - target) : 0;
    for (int tries = 0; tries < 1000; tries++) {
        unsigned n = atomic_fetch_add(&tmp_counter, 1u);
        char *tmp = rm__asprintf("%.*s%s.%.*s.tmp-%ld-%u%s%s", dir_len,
                                 target, sep, stem_len, base, (long)getpid(),
                                 n, ext, extra);
        if (!tmp) {
            atomic_free(a);
            return rm__error(ctx, RM_ENOMEM, &loc, "out of memory");
        }
        if (lstat(tmp, &st) != 0 && errno == ENOENT) {
            a->tmp = tmp;
            a->active = 1;
            return RM_OK;
        }
        free(tmp);
    }
    int code = rm__error(ctx, RM_EIO_WRITE, &loc,
                         "cannot find a free temporary file name in '%s'; "
                         "remove stale '.*.tmp-*' files there",
                         a->dir);
    atomic_free(a);
    return code;
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int rm__atomic_commit(rm_context *ctx, rm__atomic *a)
{
    if (!a || !a->active)
        return rm__error(ctx, RM_EINTERNAL, NULL,
                         "atomic commit without begin; please report");
    rm_location loc = rm__loc_file(a->target, 0, 0);
    if (fsync_path(a->tmp, O_RDONLY) != 0) {
        int e = errno;
        int code = rm__error(ctx, RM_EIO_WRITE, &loc,
                             "cannot flush temporary file '%s': %s; check "
                             "that the disk is not full and the folder is "
                             "writable",
                             a->tmp, strerror(e));
        rm__atomic_abort(a);
        return code;
    }
    if (rename(a->tmp, a->target) != 0) {
        int e = errno;
        int code = rm__error(ctx, RM_EIO_WRITE, &loc,
                             "cannot move temporary file '%s' into place: "
                             "%s; check that the folder is writable",
                             a->tmp, strerror(e));
        rm__atomic_abort(a);
        return code;
    }
    /* A driver's PAM side file follows its data file. */
    char *aux = rm__asprintf("%s.aux.xml", a->tmp);
    char *aux_target = rm__asprintf("%s.aux.xml", a->target);
    struct stat st;
    if (aux && aux_target && lstat(aux, &st) == 0)
        rename(aux, aux_target);
    free(aux);
    free(aux_target);
    /* The rename is durable once the directory is; best effort. */
    (void)fsync_path(a->dir, O_RDONLY | O_DIRECTORY);
    atomic_free(a);
    return RM_OK;
}

void rm__atomic_abort(rm__atomic *a)
{
    if (!a)
        return;
    if (a->active && a->tmp) {
        unlink(a->tmp);
        unlink_side_files(a->tmp);
    }
    atomic_free(a);
}

int rm__atomic_write_buffer(rm_context *ctx, const char *target,
                            const void *data, size_t len)
{
    rm__atomic a;
    int rc = rm__atomic_begin(ctx, &a, target);
    if (rc)
        return rc;
    rm_location loc = rm__loc_file(target, 0, 0);
    int fd = open(a.tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        rc = rm__error(ctx, RM_EIO_WRITE, &loc,
                       "cannot create temporary file '%s': %s; check that "
                       "the folder is writable",
                       a.tmp, strerror(e));
        rm__atomic_abort(&a);
        return rc;
    }
    const unsigned char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            close(fd);
            rc = rm__error(ctx, RM_EIO_WRITE, &loc,
                           "cannot write '%s': %s; check that the disk is "
                           "not full",
                           a.tmp, strerror(e));
            rm__atomic_abort(&a);
            return rc;
        }
        p += w;
        left -= (size_t)w;
    }
    int frc = fsync(fd);
    int e = errno;
    if (close(fd) != 0 && frc == 0) {
        frc = -1;
        e = errno;
    }
    if (frc != 0) {
        rc = rm__error(ctx, RM_EIO_WRITE, &loc,
                       "cannot write '%s': %s; check that the disk is not "
                       "full",
                       a.tmp, strerror(e));
        rm__atomic_abort(&a);
        return rc;
    }
    return rm__atomic_commit(ctx, &a);
}
