#!/usr/bin/env bash
# Isolation overhead on the crossings benchmark (see bench_isolation.c):
# the crossings step in process vs in a forked child on the same data,
# through the real host. Builds an optimised core and plugin into
# build-bench/ (or $RM_BENCH_DIR). Target: child overhead under 10 % of
# the step's time.
#
#   bench/isolation/run.sh [tracks] [vertices] [reps]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${RM_BENCH_DIR:-$root/build-bench}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRM_TESTS=OFF \
  >/dev/null
cmake --build "$build" --target routemap_internal rm_plugin_crossings -j2 \
  >/dev/null
cc -O2 -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE -DGEOS_USE_ONLY_R_API \
  -I"$root/include" -I"$root/core" "$here/bench_isolation.c" \
  "$build/core/libroutemap_internal.a" -o "$build/bench_isolation" \
  $(pkg-config --cflags --libs gdal proj geos cairo pangocairo yaml-0.1) \
  -ldl -lm
"$build/bench_isolation" "$build/lib/routemap/plugins" "$@"
