#!/usr/bin/env bash
# Isolation overhead on the crossings benchmark (see bench_isolation.c):
# the crossings step in process vs in a forked child on the same data,
# through the real host, first as the first step of a fresh host and then
# again and again in one warm host; then inside real `routemap run`s of a
# briefing holding only that step (`--verbose` logs the step's time), on
# two CPUs and on one (taskset -c 0). Builds an optimised routemap into
# build-bench/ (or $RM_BENCH_DIR). Target: child overhead under 10 % of
# the step's time.
#
#   bench/isolation/run.sh [tracks] [vertices] [reps]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${RM_BENCH_DIR:-$root/build-bench}
tracks=${1:-100000} verts=${2:-100} reps=${3:-15}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRM_TESTS=OFF \
  >/dev/null
cmake --build "$build" --target routemap_internal routemap_cli \
  rm_plugin_crossings -j2 >/dev/null
libs="$(pkg-config --cflags --libs gdal proj geos cairo pangocairo yaml-0.1 \
  libdeflate libtiff-4 libcrypto) -lisal -ldl -lm"
for prog in bench_isolation make_tracks; do
  # shellcheck disable=SC2086
  cc -O2 -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE -DGEOS_USE_ONLY_R_API \
    -I"$root/include" -I"$root/core" "$here/$prog.c" \
    "$build/core/libroutemap_internal.a" -o "$build/$prog" $libs
done
"$build/bench_isolation" "$build/lib/routemap/plugins" "$tracks" "$verts" \
  "$reps"

# The step inside real runs: load, run, export, manifest.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/make_tracks" "$work/tracks.gpkg" "$tracks" "$verts"
cat >"$work/brief.yaml" <<'YAML'
briefing:
  title: Isolation benchmark
  date: 2026-10-01
  crs: EPSG:32631
  area: [-1.0, 12.0, 8.0, 19.0]
layers:
  tracks: {source: tracks.gpkg, layer: tracks}
  lines: {source: tracks.gpkg, layer: lines}
steps:
  - {id: cross, plugin: crossings, tracks: tracks, lines: lines, segment_km: 10}
outputs:
  export: out.gpkg
YAML
# One run: "<wall ms> <cpu ms>" of the step (extra options: "$@").
pin=()
step_ms() {
  "${pin[@]}" "$build/bin/routemap" --verbose "$@" run "$work/brief.yaml" \
    -o "$work/out" 2>&1 |
    sed -n "s/.*step 'cross' (plugin [^)]*): \([0-9.]*\) ms, \([0-9.]*\) ms CPU/\1 \2/p"
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
for cores in "two CPUs" "one core"; do
  pin=()
  [ "$cores" = "one core" ] && pin=(taskset -c 0)
  : >"$work/child"
  : >"$work/process"
  for _ in $(seq "$reps"); do
    step_ms >>"$work/child"
    step_ms --in-process >>"$work/process"
  done
  pw=$(cut -d' ' -f1 "$work/process" | median)
  pc=$(cut -d' ' -f2 "$work/process" | median)
  cw=$(cut -d' ' -f1 "$work/child" | median)
  cc=$(cut -d' ' -f2 "$work/child" | median)
  echo "the step in real runs ($cores, $reps runs each way, medians):"
  echo "  in process:    $pw ms wall, $pc ms CPU"
  echo "  child process: $cw ms wall, $cc ms CPU"
  awk -v pw="$pw" -v pc="$pc" -v cw="$cw" -v cc="$cc" 'BEGIN {
    printf "  isolation overhead: %+.1f ms wall (%+.1f %%), %+.1f ms CPU (%+.1f %%)\n",
      cw - pw, 100 * (cw - pw) / pw, cc - pc, 100 * (cc - pc) / pc }'
done
