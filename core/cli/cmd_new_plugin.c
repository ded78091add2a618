/*
 * `routemap new-plugin NAME [DIR]`: writes a working plugin project (source,
 * CMakeLists.txt, cmocka test, README) from the embedded template into a
 * new or empty folder. It never overwrites a file: on any failure the files
 * and folders it made are removed again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "templates.h"

#ifndef RM_CMAKE_PACKAGE_SUBDIR
#define RM_CMAKE_PACKAGE_SUBDIR "lib/cmake/routemap"
#endif

#define NAME_MAX_LEN 48
#define MAX_MADE 16

static const char HELP[] =
    "usage: routemap new-plugin NAME [DIR]\n"
    "\n"
    "Writes a plugin project into DIR (default: ./NAME), which must not\n"
    "exist or be empty: NAME.c (a working plugin that counts points in\n"
    "polygons), test_NAME.c (cmocka tests through a small host table),\n"
    "CMakeLists.txt (find_package(routemap) and routemap_add_plugin),\n"
    "README.md and .gitignore. NAME uses a-z, 0-9, _ and -, starts with a\n"
    "letter, and is what briefings write after `plugin:`; the plugin builds\n"
    "as routemap-NAME.so. Build it against an installed routemap:\n"
    "  cmake -S DIR -B DIR/build -DCMAKE_PREFIX_PATH=PREFIX\n"
    "  cmake --build DIR/build && ctest --test-dir DIR/build\n"
    "  routemap --plugin-path DIR/build plugins info NAME\n"
    "The guide: docs/PLUGINS.md (installed in share/doc/routemap).\n";

/* Where each template file goes: prefix + NAME + suffix, or `fixed`. */
static const struct {
    const char *template_name;
    const char *prefix, *suffix; /* file = prefix NAME suffix */
    const char *fixed;           /* or this fixed file name */
} FILES[] = {
    {"plugin.c", "", ".c", NULL},
    {"test_plugin.c", "test_", ".c", NULL},
    {"CMakeLists.txt", NULL, NULL, "CMakeLists.txt"},
    {"README.md", NULL, NULL, "README.md"},
    {"gitignore", NULL, NULL, ".gitignore"},
};
#define N_FILES (sizeof FILES / sizeof FILES[0])

/* What this run created, to remove again on failure. */
typedef struct made {
    char *files[N_FILES];
    size_t n_files;
    char *dirs[MAX_MADE]; /* in creation order */
    size_t n_dirs;
} made;

static void undo(made *m)
{
    for (size_t i = 0; i < m->n_files; i++)
        unlink(m->files[i]);
    for (size_t i = m->n_dirs; i-- > 0;)
        rmdir(m->dirs[i]);
}

static void made_free(made *m)
{
    for (size_t i = 0; i < m->n_files; i++)
        free(m->files[i]);
    for (size_t i = 0; i < m->n_dirs; i++)
        free(m->dirs[i]);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb);
        memcpy(s + la + lb, c, lc + 1);
    }
    return s;
}

/* An error as rm_cli_fail prints it: text on stderr, JSON on stdout. */
static int fail(rm_cli *cli, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(rm_cli *cli, int code, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cli->json) {
        printf("{\"ok\":false,\"code\":%d,\"exit_code\":%d,\"error\":", code,
               rm_exit_code(code));
        rm_cli_json_string(msg);
        printf("}\n");
    }
    fprintf(stderr, "routemap: error: %s\n", msg);
    return rm_exit_code(code);
}

/* NULL when `name` is a usable plugin name, else why not. */
static const char *name_problem(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return "is empty";
    if (n > NAME_MAX_LEN)
        return "is longer than 48 characters";
    if (name[0] < 'a' || name[0] > 'z')
        return "must start with a letter a-z";
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return "may use only a-z, 0-9, _ and -";
    }
    return NULL;
}

/* Replace every @KEY@ of `text` by its value; NULL on out of memory. */
static char *substitute(const char *text, const char *const *keys,
                        const char *const *values, size_t n_keys)
{
    size_t cap = strlen(text) + 1, len = 0;
    char *out = malloc(cap);
    for (const char *p = text; out && *p;) {
        const char *value = NULL;
        size_t skip = 1;
        for (size_t k = 0; *p == '@' && k < n_keys; k++) {
            size_t kl = strlen(keys[k]);
            if (strncmp(p, keys[k], kl) == 0) {
                value = values[k];
                skip = kl;
                break;
            }
        }
        size_t add = value ? strlen(value) : 1;
        if (len + add + 1 > cap) {
            cap = 2 * cap + add;
            char *bigger = realloc(out, cap);
            if (!bigger) {
                free(out);
                return NULL;
            }
            out = bigger;
        }
        memcpy(out + len, value ? value : p, add);
        len += add;
        p += skip;
    }
    if (out)
        out[len] = '\0';
    return out;
}

/* 1 when `dir` is a folder without entries. */
static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

/* Create `dir` and any missing parents, noting what was created. */
static int make_dirs(rm_cli *cli, const char *dir, made *m)
{
    size_t n = strlen(dir);
    for (size_t i = 1; i <= n; i++) {
        if (i < n && dir[i] != '/')
            continue;
        if (dir[i - 1] == '/')
            continue;
        char *part = dup_n(dir, i);
        if (!part)
            return fail(cli, RM_ENOMEM, "out of memory");
        if (mkdir(part, 0777) == 0) {
            if (m->n_dirs == MAX_MADE) {
                free(part);
                return fail(cli, RM_EIO_WRITE, "'%s' is nested too deep; "
                            "create its parent folders first", dir);
            }
            m->dirs[m->n_dirs++] = part;
            continue;
        }
        int err = errno;
        struct stat st;
        if (err == EEXIST && stat(part, &st) == 0 && S_ISDIR(st.st_mode)) {
            free(part);
            continue;
        }
        int code = fail(cli, RM_EIO_WRITE, "cannot create the folder '%s': "
                        "%s; choose a DIR you may write to", part,
                        strerror(err));
        free(part);
        return code;
    }
    return 0;
}

/* Write `len` bytes to a new file `path`; never replaces a file. */
static int write_new(rm_cli *cli, const char *path, const char *text,
                     size_t len, made *m)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return fail(cli, RM_EIO_WRITE, "cannot create '%s': %s", path,
                    strerror(errno));
    char *copy = join3(path, "", "");
    if (!copy) {
        close(fd);
        unlink(path);
        return fail(cli, RM_ENOMEM, "out of memory");
    }
    m->files[m->n_files++] = copy;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int err = errno;
            close(fd);
            return fail(cli, RM_EIO_WRITE, "cannot write '%s': %s", path,
                        strerror(err));
        }
        done += (size_t)w;
    }
    if (close(fd) != 0)
        return fail(cli, RM_EIO_WRITE, "cannot write '%s': %s", path,
                    strerror(errno));
    return 0;
}

static const rm_cli_template *find_template(const char *name)
{
    for (size_t i = 0; i < rm_cli_n_templates; i++)
        if (strcmp(rm_cli_templates[i].name, name) == 0)
            return &rm_cli_templates[i];
    return NULL;
}

/* File i's name inside the project. */
static char *file_name(size_t i, const char *name)
{
    if (FILES[i].fixed)
        return join3(FILES[i].fixed, "", "");
    return join3(FILES[i].prefix, name, FILES[i].suffix);
}

static int write_files(rm_cli *cli, const char *dir, const char *name,
                       made *m)
{
    char ident[NAME_MAX_LEN + 1];
    char abi[32];
    snprintf(ident, sizeof ident, "%s", name);
    for (char *p = ident; *p; p++)
        if (*p == '-')
            *p = '_';
    snprintf(abi, sizeof abi, "%d.%d", RM_PLUGIN_ABI_MAJOR,
             RM_PLUGIN_ABI_MINOR);
    const char *keys[] = {"@NAME@", "@IDENT@", "@ABI@", "@VERSION@"};
    const char *values[] = {name, ident, abi, RM_VERSION_STRING};
    for (size_t i = 0; i < N_FILES; i++) {
        const rm_cli_template *t = find_template(FILES[i].template_name);
        if (!t)
            return fail(cli, RM_EINTERNAL, "the template file '%s' is not "
                        "built into this routemap; rebuild it",
                        FILES[i].template_name);
        char *text = substitute(t->text, keys, values, 4);
        char *base = file_name(i, name);
        char *path = base ? join3(dir, "/", base) : NULL;
        int code = text && path
                       ? write_new(cli, path, text, strlen(text), m)
                       : fail(cli, RM_ENOMEM, "out of memory");
        free(text);
        free(base);
        free(path);
        if (code != 0)
            return code;
    }
    return 0;
}

/* The install prefix of this program when it holds the CMake package. */
static int installed_prefix(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return 0;
        *slash = '\0';
    }
    char config[PATH_MAX + 64];
    snprintf(config, sizeof config, "%s/%s/routemapConfig.cmake",
             exe[0] ? exe : "", RM_CMAKE_PACKAGE_SUBDIR);
    if (access(config, R_OK) != 0)
        return 0;
    snprintf(out, cap, "%s", exe[0] ? exe : "/");
    return 1;
}

static void report(rm_cli *cli, const char *dir, const char *name)
{
    if (cli->json) {
        printf("{\"ok\":true,\"name\":");
        rm_cli_json_string(name);
        printf(",\"dir\":");
        rm_cli_json_string(dir);
        printf(",\"files\":[");
        for (size_t i = 0; i < N_FILES; i++) {
            char *base = file_name(i, name);
            printf("%s", i ? "," : "");
            rm_cli_json_string(base ? base : "");
            free(base);
        }
        printf("]}\n");
        return;
    }
    if (cli->quiet)
        return;
    printf("Created the plugin project '%s' in %s:\n", name, dir);
    for (size_t i = 0; i < N_FILES; i++) {
        char *base = file_name(i, name);
        printf("  %s\n", base ? base : "");
        free(base);
    }
    char prefix[PATH_MAX];
    printf("Next:\n");
    if (installed_prefix(prefix, sizeof prefix))
        printf("  cmake -S %s -B %s/build -DCMAKE_PREFIX_PATH=%s\n", dir, dir,
               prefix);
    else
        printf("  (this routemap is not installed: in its build folder run\n"
               "   cmake --install . --prefix PREFIX, then)\n"
               "  cmake -S %s -B %s/build -DCMAKE_PREFIX_PATH=PREFIX\n",
               dir, dir);
    printf("  cmake --build %s/build && ctest --test-dir %s/build\n"
           "  routemap --plugin-path %s/build plugins info %s\n",
           dir, dir, dir, name);
}

int rm_cli_new_plugin(rm_cli *cli, int argc, char **argv)
{
    const char *args[2] = {NULL, NULL};
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (rm_cli_is_help(argv[i])) {
            fputs(HELP, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return rm_cli_usage(cli, "new-plugin", "unknown option '%s'",
                                argv[i]);
        if (n == 2)
            return rm_cli_usage(cli, "new-plugin", "expected NAME [DIR], "
                                "got the extra argument '%s'", argv[i]);
        args[n++] = argv[i];
    }
    if (n == 0)
        return rm_cli_usage(cli, "new-plugin", "expected a plugin NAME");
    const char *name = args[0];
    const char *why = name_problem(name);
    if (why)
        return rm_cli_usage(cli, "new-plugin", "the plugin name '%s' %s",
                            name, why);
    const char *dir = args[1] ? args[1] : name;
    if (!*dir)
        return rm_cli_usage(cli, "new-plugin", "DIR is empty");
    struct stat st;
    if (stat(dir, &st) == 0 && (!S_ISDIR(st.st_mode) || !dir_is_empty(dir)))
        return fail(cli, RM_EIO_WRITE, "'%s' already exists and is not an "
                    "empty folder; choose a new DIR (new-plugin never "
                    "overwrites files)", dir);
    made m;
    memset(&m, 0, sizeof m);
    int code = make_dirs(cli, dir, &m);
    if (code == 0)
        code = write_files(cli, dir, name, &m);
    if (code != 0)
        undo(&m);
    else
        report(cli, dir, name);
    made_free(&m);
    return code;
}
