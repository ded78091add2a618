/*
 * Clocks for reporting how long the parts of a run take: wall time, and
 * the CPU time of this process with that of its reaped children (a step's
 * plugin process counts once reaped).
 */
#include <sys/resource.h>
#include <time.h>

#include "util/util.h"

static double tv_seconds(const struct rusage *u)
{
    return (double)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) +
           1e-6 * (double)(u->ru_utime.tv_usec + u->ru_stime.tv_usec);
}

void rm__clock_now(double *wall_s, double *cpu_s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    *wall_s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    *cpu_s = tv_seconds(&self) + tv_seconds(&kids);
}
