/*
 * Outputs survive kill -9: `routemap run` is killed with SIGKILL at 50
 * moments drawn (with a fixed seed) over its run time, half of them near
 * its end where outputs are moved into place, all into the same output
 * folder that starts with complete outputs, and after each kill every
 * output must be absent, as it was, or complete — never partial.
 * Complete means byte-identical to a reference run for the outputs that
 * are the same in two reference runs (maps), and for the others (the
 * GeoPackage, whose metadata carries times, and manifest.json, which
 * carries the run time) that the manifest
 * parses as a JSON object (json-c) and the GeoPackage opens with OGR with
 * the reference's layers and feature counts and passes SQLite's
 * integrity_check. The folder may hold nothing else but the staging
 * folders of killed runs, which the next run removes; the plugin process
 * dies with the program.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gdal.h>
#include <ogr_api.h>

#include "e2e_util.h"

#define ROUTEMAP RM_BINARY_DIR "/bin/routemap"
#define KILLS 50
#define MAX_OUT 16

static const char BRIEFING[] =
    "briefing:\n"
    "  title: Kill test\n"
    "  date: 2026-10-01\n"
    "  area: [0, 14, 1, 15]\n"
    "layers:\n"
    "  bases: bases.geojson\n"
    "  incidents: incidents.csv\n"
    "steps:\n"
    "  - {id: cover, plugin: buffer, input: bases, distance: 5 km}\n"
    "pages:\n"
    "  - {title: Cover, layers: [cover.buffers, incidents, bases]}\n"
    "outputs: {export: results.gpkg, pdf: briefing.pdf, png: 36, "
    "svg: true}\n";

/* What a complete output looks like. */
typedef struct reference {
    char name[256];
    int exact;        /* the same bytes in both reference runs */
    char *bytes;      /* of the first reference run */
    size_t len;
} reference;

static reference refs[MAX_OUT];
static size_t n_refs;
static char ref_layers[1024]; /* "name=count;..." of the GeoPackage */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Start `routemap run` into `out`; its output goes to /dev/null. */
static pid_t start_run(const char *briefing, const char *out)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(ROUTEMAP, ROUTEMAP, "--quiet", "run", briefing, "-o", out,
              (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int finish(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) != pid)
        assert_int_equal(errno, EINTR);
    return status;
}

/* "name=count;" for each layer of a GeoPackage, or "" if it won't open. */
static void gpkg_layers(const char *path, char *out, size_t n)
{
    out[0] = '\0';
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 NULL, NULL, NULL);
    if (!ds)
        return;
    size_t used = 0;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        used += (size_t)snprintf(out + used, n - used, "%s=%lld;",
                                 OGR_L_GetName(l),
                                 (long long)OGR_L_GetFeatureCount(l, 1));
        if (used >= n)
            break;
    }
    GDALClose(ds);
}

static int sqlite_ok(const char *path)
{
    sqlite3 *db = NULL;
    int ok = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
        SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            ok = t && strcmp((const char *)t, "ok") == 0;
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return ok;
}

/* Run the briefing to completion into `out`. */
static double full_run(const char *briefing, const char *out)
{
    double t0 = now_s();
    int status = finish(start_run(briefing, out));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    return now_s() - t0;
}

static void make_references(const char *briefing, double *secs)
{
    const char *a = e2e_path("ref-a"), *b = e2e_path("ref-b");
    char dir_a[1200], dir_b[1200];
    snprintf(dir_a, sizeof dir_a, "%s", a);
    snprintf(dir_b, sizeof dir_b, "%s", b);
    double t1 = full_run(briefing, dir_a);
    double t2 = full_run(briefing, dir_b);
    *secs = t1 < t2 ? t1 : t2;
    DIR *d = opendir(dir_a);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        assert_true(n_refs < MAX_OUT);
        reference *r = &refs[n_refs++];
        snprintf(r->name, sizeof r->name, "%s", e->d_name);
        char pa[1500], pb[1500];
        snprintf(pa, sizeof pa, "%s/%s", dir_a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", dir_b, e->d_name);
        size_t lb;
        r->bytes = slurp(pa, &r->len);
        char *other = slurp(pb, &lb);
        assert_non_null(r->bytes);
        assert_non_null(other);
        /* The manifest records the time of its run: never exact. */
        r->exact = lb == r->len && memcmp(other, r->bytes, lb) == 0 &&
                   strcmp(e->d_name, "manifest.json") != 0;
        free(other);
        if (strcmp(e->d_name, "results.gpkg") == 0) {
            gpkg_layers(pa, ref_layers, sizeof ref_layers);
            assert_true(ref_layers[0] != '\0');
        }
    }
    closedir(d);
    /* Exports, maps and manifest: five files, the maps deterministic. */
    assert_int_equal(n_refs, 5);
    for (size_t i = 0; i < n_refs; i++)
        if (strstr(refs[i].name, ".png") || strstr(refs[i].name, ".pdf") ||
            strstr(refs[i].name, ".svg"))
            assert_true(refs[i].exact);
}

static const reference *find_ref(const char *name)
{
    for (size_t i = 0; i < n_refs; i++)
        if (strcmp(refs[i].name, name) == 0)
            return &refs[i];
    return NULL;
}

/* Check one output that exists. */
static void check_complete(const char *dir, const reference *r)
{
    char path[1500];
    snprintf(path, sizeof path, "%s/%s", dir, r->name);
    size_t len;
    char *bytes = slurp(path, &len);
    assert_non_null(bytes);
    if (r->exact) {
        if (len != r->len || memcmp(bytes, r->bytes, len) != 0)
            fail_msg("%s differs from the reference (%zu vs %zu bytes)",
                     r->name, len, r->len);
    } else if (strcmp(r->name, "manifest.json") == 0) {
        json_object *j = json_tokener_parse(bytes);
        if (!j || !json_object_is_type(j, json_type_object))
            fail_msg("manifest.json does not parse: %.80s...", bytes);
        json_object *outputs;
        assert_true(json_object_object_get_ex(j, "run_time", &outputs));
        json_object_put(j);
    } else {
        assert_string_equal(r->name, "results.gpkg");
        /* Check a copy, so the checks cannot touch the output folder. */
        const char *copy = e2e_path("check.gpkg");
        FILE *f = fopen(copy, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(bytes, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        char layers[1024];
        gpkg_layers(copy, layers, sizeof layers);
        assert_string_equal(layers, ref_layers);
        assert_true(sqlite_ok(copy));
        unlink(copy);
    }
    free(bytes);
}

/* Everything in the folder is a known output (checked) or the staging
 * folder of a killed run. */
static void check_folder(const char *dir, const pid_t *killed, size_t n)
{
    DIR *d = opendir(dir);
    if (!d)
        return; /* killed before it made the folder */
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        const reference *r = find_ref(e->d_name);
        if (r) {
            check_complete(dir, r);
            continue;
        }
        long pid = -1;
        if (sscanf(e->d_name, ".routemap-stage-%ld", &pid) != 1)
            fail_msg("stray file '%s' in the output folder", e->d_name);
        int ours = 0;
        for (size_t i = 0; i < n; i++)
            ours |= killed[i] == (pid_t)pid;
        if (!ours)
            fail_msg("staging folder '%s' of a run not killed", e->d_name);
    }
    closedir(d);
}

/* The inode of each reference output in `dir` (0: absent): a new
 * version lands by rename, so its inode changes. */
static void inodes(const char *dir, ino_t *out)
{
    for (size_t i = 0; i < n_refs; i++) {
        char path[1500];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, refs[i].name);
        out[i] = stat(path, &st) == 0 ? st.st_ino : 0;
    }
}

/* Processes whose command line names `dir` (the program or its plugin
 * child), zombies aside. */
static int processes_using(const char *dir)
{
    DIR *p = opendir("/proc");
    assert_non_null(p);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(p)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        size_t len;
        char *cmd = slurp(path, &len);
        if (!cmd)
            continue;
        for (size_t i = 0; i + 1 < len; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        if (len > 0 && strstr(cmd, dir))
            n++;
        free(cmd);
    }
    closedir(p);
    return n;
}

static void test_kill9(void **state)
{
    (void)state;
    const char *brief = e2e_write("kill.yaml", BRIEFING);
    char briefing[1200];
    snprintf(briefing, sizeof briefing, "%s", brief);
    double secs;
    make_references(briefing, &secs);
    char work[1200];
    snprintf(work, sizeof work, "%s", e2e_path("work"));

    /* Start from complete outputs, so a kill can leave old and new. */
    full_run(briefing, work);
    srand48(20261124);
    pid_t killed[KILLS];
    int mid_run = 0, replaced_some = 0, replaced_all = 0;
    double scale = secs;
    for (int k = 0; k < KILLS; k++) {
        /* Half over the whole run, half over its end (the commit); the
         * scale follows the run time as the machine's load changes. */
        double delay = k % 2 ? drand48() * scale * 1.2
                             : scale * (0.6 + 0.5 * drand48());
        ino_t before[MAX_OUT];
        inodes(work, before);
        pid_t pid = start_run(briefing, work);
        struct timespec ts = {(time_t)delay,
                              (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        /* Still running (not yet a zombie) when the signal is sent? */
        siginfo_t si;
        memset(&si, 0, sizeof si);
        waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
        mid_run += si.si_pid == 0;
        scale *= si.si_pid == 0 ? 1.03 : 0.85;
        kill(pid, SIGKILL);
        finish(pid);
        killed[k] = pid;
        check_folder(work, killed, (size_t)k + 1);
        ino_t after[MAX_OUT];
        inodes(work, after);
        size_t changed = 0;
        for (size_t i = 0; i < n_refs; i++)
            changed += after[i] != before[i];
        replaced_some += changed > 0 && changed < n_refs;
        replaced_all += changed == n_refs;
    }
    fprintf(stderr, "kill9: %d of %d kills landed mid-run (run %.2f s); "
            "%d left some outputs replaced and others not, %d all "
            "replaced\n", mid_run, KILLS, secs, replaced_some,
            replaced_all);
    assert_true(mid_run >= KILLS / 4);

    /* The plugin processes died with the program. */
    int left = processes_using(work);
    for (int i = 0; i < 100 && left > 0; i++) {
        usleep(20000);
        left = processes_using(work);
    }
    assert_int_equal(left, 0);

    /* A run to the end: every output complete, no staging folder left. */
    full_run(briefing, work);
    check_folder(work, NULL, 0);
    for (size_t i = 0; i < n_refs; i++) {
        char path[1500];
        snprintf(path, sizeof path, "%s/%s", work, refs[i].name);
        assert_true(e2e_exists(path));
    }
    for (size_t i = 0; i < n_refs; i++)
        free(refs[i].bytes);
}

static void write_data(void)
{
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "{\"type\":\"FeatureCollection\","
                                "\"features\":[");
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "%s{\"type\":\"Feature\",\"id\":%d,"
                              "\"properties\":{\"name\":\"B%d\"},"
                              "\"geometry\":{\"type\":\"Point\","
                              "\"coordinates\":[%.2f,%.2f]}}",
                              i ? "," : "", i, i, 0.1 + 0.2 * i,
                              14.2 + 0.15 * i);
    snprintf(text + n, sizeof text - n, "]}\n");
    e2e_write("bases.geojson", text);
    n = (size_t)snprintf(text, sizeof text, "id,lon,lat,kind\n");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,%.3f,%.3f,%s\n",
                              i, 0.05 + 0.045 * i, 14.05 + 0.04 * i,
                              i % 2 ? "gold" : "fuel");
    e2e_write("incidents.csv", text);
}

int main(void)
{
    GDALAllRegister();
    write_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
