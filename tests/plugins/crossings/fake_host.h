/*
 * A small stand-in for the plugin host, for the crossings unit tests: an
 * rm_host_api table over real rm_layer objects (layer.c), parameters given
 * as text in the declared unit, outputs kept by name. It implements what
 * a plugin may call; it checks nothing a real host checks.
 */
#ifndef CROSSINGS_FAKE_HOST_H
#define CROSSINGS_FAKE_HOST_H

#include "routemap/layer.h"
#include "routemap/plugin.h"

typedef struct fh_step fh_step;

/** The table (static lifetime). */
const rm_host_api *fh_api(void);

/** A step for the plugin described by `desc` (copied by pointer). */
fh_step *fh_step_create(const rm_plugin_desc *desc);
void fh_step_destroy(fh_step *s);

/** Set a parameter from text (a list: comma-separated). */
void fh_set(fh_step *s, const char *name, const char *text);
void fh_set_layer(fh_step *s, const char *name, const rm_layer *layer);

/** Run the plugin. @return what run() returned. */
int fh_run(fh_step *s);

/** The output `name`, or NULL when the plugin did not create it. */
rm_layer *fh_output(fh_step *s, const char *name);

/** api->cancelled answers 1 from its (n+1)-th call on; -1: never. */
void fh_cancel_after(fh_step *s, int n);

/** The message given to api->fail, or "". */
const char *fh_failure(const fh_step *s);

/** All log lines, joined by newlines. */
const char *fh_log(const fh_step *s);

/** The value of manifest note `key`, or NULL. */
const char *fh_note(const fh_step *s, const char *key);

#endif
