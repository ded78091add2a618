/*
 * routemap: the library API in one include (everything but the plugin ABI's
 * private conventions, which plugin.h holds for plugin authors).
 */
#ifndef ROUTEMAP_H
#define ROUTEMAP_H

#include "common.h"
#include "errors.h"
#include "context.h"
#include "types.h"
#include "layer.h"
#include "crs.h"
#include "io.h"
#include "plugin.h"
#include "registry.h"
#include "pipeline.h"
#include "render.h"

#endif
