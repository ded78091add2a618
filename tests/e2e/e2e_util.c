/*
 * Running the routemap program from tests: fork and exec with stdout and
 * stderr redirected to files, then read them back.
 */
#include "e2e_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp_dir[1024];

static void remove_tree(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", path);
}

const char *e2e_tmp(void)
{
    if (!tmp_dir[0]) {
        const char *t = getenv("RM_TEST_TMP");
        snprintf(tmp_dir, sizeof tmp_dir, "%s",
                 t ? t : "/tmp/routemap-e2e");
        remove_tree(tmp_dir);
        mkdir(tmp_dir, 0777);
    }
    return tmp_dir;
}

const char *e2e_path(const char *name)
{
    static char ring[8][1200];
    static int next;
    char *p = ring[next++ % 8];
    snprintf(p, sizeof ring[0], "%s/%s", e2e_tmp(), name);
    return p;
}

const char *e2e_write(const char *name, const char *text)
{
    const char *p = e2e_path(name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return calloc(1, 1);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

e2e_result e2e_run(const char *const *args)
{
    e2e_result r = {-1, NULL, NULL};
    char out_path[1200], err_path[1200];
    snprintf(out_path, sizeof out_path, "%s/.stdout", e2e_tmp());
    snprintf(err_path, sizeof err_path, "%s/.stderr", e2e_tmp());
    const char *argv[64];
    size_t n = 0;
    argv[n++] = RM_BINARY_DIR "/bin/routemap";
    for (size_t i = 0; args[i] && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        setenv("ROUTEMAP_PLUGIN_PATH", RM_BUILD_PLUGIN_DIR, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

void e2e_free(e2e_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int e2e_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

int e2e_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}
