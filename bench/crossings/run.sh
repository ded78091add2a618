#!/usr/bin/env bash
# Crossings benchmark: 100,000 random-walk tracks of 100 vertices against a
# 500 km line of 1,000 vertices in UTM 31N, generated deterministically by
# bench_crossings.c. In one run on the same data it times
#   1. the crossings step itself (the plugin's run through its static twin
#      and a minimal host table; building the input layers is reported
#      apart, as loading),
#   2. GEOS: prepared intersects, then the intersection of each track that
#      touches the line (also with the line first clipped to the track),
#   3. PostGIS: ST_Intersection over ST_Intersects with a GiST index, query
#      time alone, JIT off, in a throwaway cluster on a Unix socket in a
#      temporary folder (installs postgresql-15-postgis-3 when missing),
# and prints each one's crossing count. Wall and CPU times are both shown:
# on a shared machine CPU time is the steadier figure.
#   usage: bench/crossings/run.sh [tracks] [vertices]
#   env:   RM_BENCH_BUILD (build folder, default build-bench-crossings),
#          BENCH_WALK=patrol (persistent walks: a denser workload),
#          RM_BENCH_NO_PG=1 (skip PostGIS), BENCH_THREADS=n (threads of
#          the first timing), BENCH_REPEATS=n (runs of the step, 9)
# The step is timed twice: with the default threads (one per core the
# process may use) and on one thread pinned to one core (taskset -c 0).
# Targets: the step under 50 ms, and under 35 ms on one core; at least 8
# times faster than GEOS, far ahead of PostGIS.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${RM_BENCH_BUILD:-$here/build-bench-crossings}
tracks=${1:-100000}
verts=${2:-100}

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRM_TESTS=OFF \
  >/dev/null
cmake --build "$build" -j"$(nproc)" \
  --target routemap rm_plugin_crossings_static >/dev/null
libdir=$(dirname "$(find "$build" -name 'libroutemap.so' | head -1)")
plugin=$(find "$build" -name 'librm_plugin_crossings_static.a' | head -1)
cc -O2 -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
  -I"$here/include" "$here/bench/crossings/bench_crossings.c" "$plugin" \
  -L"$libdir" -lroutemap -Wl,-rpath,"$libdir" \
  $(pkg-config --cflags --libs geos) -lm -pthread \
  -o "$build/bench_crossings"

echo "crossings benchmark: $tracks tracks x $verts vertices"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "machine: $(nproc) cores, $cpu,"
echo "  load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench_crossings" run "$tracks" "$verts" | sed 's/^/  /'
# The step again on one thread and one core: the figure the target is
# about (the default above uses one thread per core the process may use).
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "  the step on one thread${pin:+, pinned to core 0} (load average $load):"
BENCH_THREADS=1 "${pin[@]}" "$build/bench_crossings" plugin "$tracks" \
  "$verts" | grep -E 'step|RESULT' |
  sed '/RESULT/ s/plugin_/one_core_/g; s/^/    /'
echo "degenerate cases (absent from the random data), against (0,0)-(10,0):"
"$build/bench_crossings" cases | sed 's/^/  /'

[ "${RM_BENCH_NO_PG:-}" = 1 ] && exit 0

# ---- PostGIS -------------------------------------------------------------
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if ! dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1; then
  $sudo apt-get install -y -qq postgresql-15-postgis-3 >/dev/null
fi
pgbin=/usr/lib/postgresql/15/bin
tmp=$(mktemp -d /tmp/rm-bench-pg.XXXXXX)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
port=55433
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop \
    >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -A trust -U bench --no-sync \
  >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
  -o "-k $tmp -p $port -c listen_addresses='' -c jit=off \
      -c shared_buffers=1GB -c work_mem=256MB -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
psql=(psql -h "$tmp" -p "$port" -U bench -d postgres -v ON_ERROR_STOP=1 -qAt)

"${psql[@]}" -c "CREATE EXTENSION postgis" \
  -c "CREATE TABLE tracks (id int PRIMARY KEY,
                           geom geometry(LineString, 32631))" \
  -c "CREATE TABLE line (id int PRIMARY KEY,
                         geom geometry(LineString, 32631))"
t0=$(date +%s.%N)
"$build/bench_crossings" copy-tracks "$tracks" "$verts" |
  "${psql[@]}" -c "COPY tracks FROM STDIN"
"$build/bench_crossings" copy-line "$tracks" "$verts" |
  "${psql[@]}" -c "COPY line FROM STDIN"
"${psql[@]}" -c "CREATE INDEX tracks_geom ON tracks USING gist (geom)" \
  -c "VACUUM ANALYZE tracks" -c "ANALYZE line"
t1=$(date +%s.%N)
pgver=$("${psql[@]}" -c "SELECT postgis_full_version()" | cut -d' ' -f1-2)
query="SELECT count(*),
  coalesce(sum(ST_NumGeometries(ST_CollectionExtract(
    ST_Intersection(t.geom, l.geom), 1))), 0)
FROM tracks t JOIN line l ON ST_Intersects(t.geom, l.geom)"
best=""
for i in 1 2 3; do
  out=$("${psql[@]}" -c "SET jit = off" -c '\timing on' -c "$query")
  ms=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
  counts=$(echo "$out" | grep '|' | head -1)
  if [ -z "$best" ] || [ "$(echo "$ms < $best" | bc -l)" = 1 ]; then
    best=$ms
  fi
done
plan=$("${psql[@]}" -c "SET jit = off" \
  -c "EXPLAIN (ANALYZE, TIMING OFF) $query" |
  grep -Eo 'Index Scan[^(]*|Gather|Execution Time: [0-9.]+ ms' | tr '\n' ';')
workers=$("${psql[@]}" -c "SHOW max_parallel_workers_per_gather")
echo "  PostGIS ($pgver, PostgreSQL 15, jit off, up to $workers parallel"
echo "  workers): query best ${best} ms of 3 (loading, index and ANALYZE"
printf '  %.1f s, excluded)\n' "$(echo "$t1 - $t0" | bc -l)"
echo "    tracks touching the line | intersection points: $counts"
echo "    plan: $plan"
echo "  RESULT postgis_ms=$best postgis_counts=$counts"
