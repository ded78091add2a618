#!/usr/bin/env bash
# STYLE rule 19: every public header compiles alone under -std=c99
# -pedantic -Wall -Wextra -Werror and from C++ (-std=c++11 -pedantic), and
# a C++ plugin written with RM_PLUGIN_DEFINE exports an unmangled entry.
# usage: headers.sh INCLUDE_DIR SCRATCH_DIR CC [CXX]
# Exit 77 (skipped) after the C checks when no C++ compiler is installed.
set -euo pipefail
inc=$1
tmp=$2
cc=$3
cxx=${4:-}
rm -rf "$tmp"
mkdir -p "$tmp"
status=0
for h in "$inc"/routemap/*.h; do
    name=routemap/$(basename "$h")
    for std in c99 c11; do
        if ! printf '#include "%s"\n#include "%s"\n' "$name" "$name" |
            "$cc" -std=$std -pedantic -Wall -Wextra -Werror -fsyntax-only \
                -I"$inc" -x c - 2> "$tmp/err"; then
            echo "FAIL: $name alone as $std:"; cat "$tmp/err"; status=1
        fi
    done
done
[ $status = 0 ] || exit 1
echo "C99 and C11: every header compiles alone"

if [ -z "$cxx" ] || ! command -v "$cxx" > /dev/null; then
    echo "no C++ compiler installed (apt-get install g++): C++ checks skipped"
    exit 77
fi
for h in "$inc"/routemap/*.h; do
    name=routemap/$(basename "$h")
    if ! printf '#include "%s"\n' "$name" |
        "$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
            -I"$inc" -x c++ - 2> "$tmp/err"; then
        echo "FAIL: $name alone as C++11:"; cat "$tmp/err"; status=1
    fi
done
[ $status = 0 ] || exit 1
echo "C++11: every header compiles alone"

# A C++ plugin: the descriptor macro, the table check and the entry point.
cat > "$tmp/cxx_plugin.cpp" <<'CPP'
#include "routemap/plugin.h"

static int run(const rm_host_api *api, rm_step *step)
{
    return RM_API_HAS(api, manifest_note) ? RM_OK
                                          : api->fail(step, RM_EPLUGIN_ABI,
                                                      "old host");
}

static int fill(const rm_host_api *api, rm_plugin_desc *out)
{
    (void)api;
    rm_plugin_desc d = RM_PLUGIN_DESC_INIT;
    d.name = "cxx";
    d.version = "1.0.0";
    d.summary = "C++";
    d.run = run;
    *out = d;
    return 0;
}

RM_PLUGIN_DEFINE(cxx, fill)
CPP
"$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -shared -fPIC \
    -fvisibility=hidden -I"$inc" -o "$tmp/routemap-cxx.so" \
    "$tmp/cxx_plugin.cpp"
syms=$(nm -D --defined-only "$tmp/routemap-cxx.so" | awk '{print $NF}')
if [ "$syms" != "rm_plugin_cxx_init" ]; then
    echo "FAIL: a C++ plugin exports '$syms', not rm_plugin_cxx_init"
    exit 1
fi
echo "C++: RM_PLUGIN_DEFINE exports the unmangled entry"
