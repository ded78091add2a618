#!/usr/bin/env bash
# Corridors benchmark: a 4000 x 4000 friction raster of 100 m cells with 3
# origins and 3 destinations. Times the cost search alone (bucket queue,
# radix and binary heap, 8 and 16 neighbours), a corridor (two surfaces
# and the zone), `routemap analyze corridors` end to end (reading,
# computing, writing the GeoPackage and the tiled GeoTIFF with overviews;
# the cost surface three times, with the median; peak memory of the
# biggest process and of the host and child together),
# and GRASS r.cost on the same raster and origins (grass-core is installed
# when missing; import excluded, reading and writing its own database
# included).
# Usage: bench/corridors/run.sh [WORKDIR]   (default /tmp/rm-bench-corridors)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/rm-bench-corridors}
build=${RM_BENCH_BUILD:-$here/build-bench}
mkdir -p "$work"

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRM_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target routemap_cli rm_plugin_corridors \
  rm_plugin_corridors_static >/dev/null
cc -O2 -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -I"$here/plugins/corridors" \
  "$here/bench/corridors/bench_corridors.c" \
  "$build/plugins/corridors/librm_plugin_corridors_static.a" \
  $(pkg-config --cflags --libs gdal) -lm -o "$work/bench_corridors"

[ -f "$work/friction.tif" ] || "$work/bench_corridors" gen "$work"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "raster: 4000 x 4000 cells of 100 m, 3 origins, 3 destinations"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall times; CPU times are steadier)"

# Wall time, CPU time (user + system, and the system part: clearing fresh
# pages varies from run to run on this virtual machine) and peak RSS of
# one command (of its biggest process: the host or the plugin's child).
timed() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || {
    cat "$work/out.txt"; return 1; }
  read -r secs user sys kb <"$work/time.txt"
  cpu=$(awk "BEGIN{print $user + $sys}")
  printf '%-40s wall %6.2f s  cpu %6.2f s (sys %4.2f)  peak %4d MB\n' \
    "$label" "$secs" "$cpu" "$sys" $((kb / 1024))
}

# As timed, twice more, then the median CPU time of the three runs.
timed_again() {
  local label=$1; shift
  local cpus=("$cpu")
  for k in 2 3; do
    timed "  again ($k)" "$@"
    cpus+=("$cpu")
  done
  printf '%-40s median cpu %6.2f s\n' "" \
    "$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n 2p)"
}

# Every process below pid $1.
descendants() {
  local c
  for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$c"; descendants "$c"
  done
}

# As timed; then a second run for the peak memory of the whole process
# tree (host and the plugin's child together): the largest sum of their
# PSS (a page shared by n processes counts 1/n in each), sampled every
# 20 ms. The sampling costs CPU, so that run is not timed.
timed_tree() {
  local label=$1; shift
  timed "$label" "$@"
  "$@" >"$work/out.txt" 2>&1 &
  local job=$! peak=0 sum p kb
  while kill -0 "$job" 2>/dev/null; do
    sum=0
    for p in "$job" $(descendants "$job"); do
      kb=$(awk '/^Pss:/{print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || true)
      sum=$((sum + ${kb:-0}))
    done
    [ "$sum" -gt "$peak" ] && peak=$sum
    sleep 0.02
  done
  wait "$job"
  printf '%-40s whole tree (host + child): peak %4d MB (PSS)\n' "" \
    $((peak / 1024))
}

echo "== cost search alone: surface with directions, after reading =="
for q in bucket radix binary; do
  for nb in 8 16; do
    timed "search $q $nb (incl. 0.3 s GDAL read)" \
      "$work/bench_corridors" surface "$work/friction.tif" $q $nb
    sed 's/^/    /' "$work/out.txt"
  done
done
for nb in 8 16; do
  timed "corridor $nb (two surfaces + zone)" \
    "$work/bench_corridors" corridor "$work/friction.tif" $nb
  sed 's/^/    /' "$work/out.txt"
done

echo "== routemap analyze corridors, end to end (wall, CPU, peak RSS) =="
rm_cli=("$build/bin/routemap" --quiet --plugin-path "$build/lib/routemap/plugins")
for nb in 8 16; do
  surface=("${rm_cli[@]}" analyze corridors \
    --input friction="$work/friction.tif" --input origins="$work/origins.geojson" \
    --set neighbours=$nb --crs EPSG:32631 -o "$work/cost$nb.gpkg")
  timed_tree "cost surface, $nb neighbours" "${surface[@]}"
  timed_again "cost surface, $nb neighbours" "${surface[@]}"
  timed_tree "corridor + 3 paths, $nb neighbours" "${rm_cli[@]}" \
    analyze corridors \
    --input friction="$work/friction.tif" --input origins="$work/origins.geojson" \
    --input destinations="$work/destinations.geojson" \
    --set neighbours=$nb --crs EPSG:32631 -o "$work/corr$nb.gpkg"
done
timed_tree "cost surface, 8 neighbours, in process" "${rm_cli[@]}" \
  --in-process analyze corridors --input friction="$work/friction.tif" \
  --input origins="$work/origins.geojson" --set neighbours=8 \
  --crs EPSG:32631 -o "$work/ip.gpkg"

# The peer: GRASS GIS, installed when missing (apt, with sudo unless root).
if ! command -v grass >/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing grass-core for the comparison"
  $sudo apt-get install -y -qq grass-core >/dev/null ||
    { $sudo apt-get update -qq >/dev/null &&
      $sudo apt-get install -y -qq grass-core >/dev/null; } ||
    echo "could not install grass-core; GRASS is left out of this run"
fi
if command -v grass >/dev/null; then
  echo "== GRASS $(grass --version 2>&1 | head -1 | awk '{print $3}') r.cost (import excluded) =="
  loc="$work/grassloc"
  rm -rf "$loc"
  grass -c EPSG:32631 "$loc" -e >/dev/null 2>&1
  coords=$(cat "$work/coords.txt")
  grass "$loc/PERMANENT" --exec sh -c "r.in.gdal -o --quiet --overwrite \
    input=$work/friction.tif output=f && g.region raster=f" >/dev/null 2>&1
  for k in "" "-k"; do
    timed "r.cost $k with directions" grass "$loc/PERMANENT" --exec r.cost $k \
      --quiet --overwrite input=f output=c outdir=d start_coordinates="$coords"
  done
  timed "r.out.gdal of the cost (GeoTIFF)" grass "$loc/PERMANENT" --exec \
    r.out.gdal -c --quiet --overwrite input=c output="$work/grass_cost.tif" type=Float64
else
  echo "== GRASS not installed: no comparison =="
fi
