/*
 * Where the scheduler puts the first thread of a forked child: a parent
 * busy for a while forks, its child works 2 ms and creates a thread, and
 * the program counts the runs in which that thread started on the CPU
 * the child was running on (it then waits there for a CPU, though the
 * parent's is free). With "move", the child first moves onto the CPU
 * the parent ran on at the fork, as routemap's plugin processes do.
 *
 *   cc -O2 -pthread fork_placement.c -o fork_placement
 *   ./fork_placement [stay|move] [runs]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static void busy(double ms)
{
    double end = now_ms() + ms;
    volatile double x = 0;
    while (now_ms() < end)
        x += 1;
}

static int thread_cpu;

static void *thread_main(void *arg)
{
    (void)arg;
    thread_cpu = sched_getcpu();
    busy(10);
    return NULL;
}

/* Run on `cpu` from now on, then be allowed every CPU again. */
static void move_to(int cpu)
{
    cpu_set_t all, one;
    if (sched_getaffinity(0, sizeof all, &all) != 0)
        return;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) == 0)
        sched_setaffinity(0, sizeof all, &all);
}

int main(int argc, char **argv)
{
    int move = argc > 1 && strcmp(argv[1], "move") == 0;
    int runs = argc > 2 ? atoi(argv[2]) : 20;
    int beside = 0;
    double wall = 0;
    for (int r = 0; r < runs; r++) {
        busy(300);
        int fd[2];
        if (pipe(fd) != 0)
            return 1;
        int parent_cpu = sched_getcpu();
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            close(fd[0]);
            if (move)
                move_to(parent_cpu);
            busy(2);
            double t0 = now_ms();
            int own = sched_getcpu();
            pthread_t t;
            if (pthread_create(&t, NULL, thread_main, NULL) != 0)
                _exit(1);
            busy(10);
            pthread_join(t, NULL);
            double res[2] = {own == thread_cpu, now_ms() - t0};
            ssize_t w = write(fd[1], res, sizeof res);
            _exit(w == (ssize_t)sizeof res ? 0 : 1);
        }
        close(fd[1]);
        double res[2] = {0, 0};
        ssize_t n = read(fd[0], res, sizeof res);
        close(fd[0]);
        waitpid(pid, NULL, 0);
        if (n != (ssize_t)sizeof res)
            return 1;
        beside += res[0] != 0;
        wall += res[1];
    }
    printf("%s: the child's thread started beside it in %d of %d runs; "
           "10 ms of work on two threads took %.2f ms on average\n",
           move ? "move" : "stay", beside, runs, wall / runs);
    return 0;
}
