/*
 * What the two sides of plugin isolation share: the messages the child
 * sends the host through the pipe (a header, then a bounded payload), the
 * bytes the host sends on the release socket, and the child's entry point.
 * Only isolate.c (the host's side) and isolate_child.c (the child's)
 * include it.
 */
#ifndef RM_CORE_PLUGIN_ISOLATE_WIRE_H
#define RM_CORE_PLUGIN_ISOLATE_WIRE_H

#include <stdint.h>
#include <sys/types.h>

#include "plugin/host_api.h"
#include "plugin/step.h"

enum {
    MSG_LOG = 1,      /* arg: level; payload: text */
    MSG_PROGRESS = 2, /* payload: one double */
    MSG_NOTE = 3,     /* payload: key NUL value NUL */
    MSG_OUTPUT = 4,   /* arg: output index; payload: serialized layer */
    MSG_RESULT = 5,   /* payload: 3 int32 (run rc, fail, misuse), then
                         fail message NUL misuse message NUL */
    MSG_MEMORY = 6,   /* arg: signal; no payload: the child is dying of
                         that signal with its memory limit reached */
    MSG_SHARED = 7,   /* arg: output index; payload: a raster serialized
                         without its cells, which are in the output's
                         shared file (layer_shared.h) */
    MSG_REMOTE = 8    /* arg: output index; payload: u64 length of the
                         serialized layer, then (u64 address, u64 length)
                         of each piece of it in the child's memory, in
                         order: the host reads them there */
};

/* The host's first byte on the release socket: it can read the child's
 * memory (outputs as MSG_REMOTE), or not (through the pipe); its last,
 * once it has read what it needed (the child may exit). */
#define RELEASE_REMOTE 'R'
#define RELEASE_PIPE 'P'
#define RELEASE_DONE 'D'

typedef struct msg_head {
    uint32_t type;
    uint32_t arg;
    uint64_t len;
} msg_head;

/* Largest message other than an output (bytes). */
#define SMALL_MAX (1u << 20)

/**
 * The child's side of step `s`, run right after the fork: limits, runs
 * the plugin, sends its messages on pipe end `fd`, waits on release
 * socket end `rel` (-1: none) while the host reads its memory, then
 * exits; never returns. `parent` is the host's pid before the fork,
 * `host_cpu` the CPU the host ran on then (-1: unknown).
 */
void rm__isolate_child_main(rm_step *s, int fd, int rel, pid_t parent,
                            int host_cpu, const rm__step_limits *lim);

#endif
