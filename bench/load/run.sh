#!/usr/bin/env bash
# Load benchmark (see README.md): builds routemap, generates a GeoPackage of
# 1,000,000 points once (deterministic), then times, in the same run and in
# rounds, routemap's rm_io_read into UTM 31N, a plain OGR feature loop and
# an OGR Arrow stream read, each in its own process under /usr/bin/time -v.
# Prints the best and median wall time of RM_BENCH_REPS rounds, the
# program's own read time, peak RSS and the ratios to the Arrow read.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${RM_BENCH_BUILD:-$root/build-bench}
work=${RM_BENCH_DIR:-$build/bench-load}
n=${RM_BENCH_N:-1000000}
reps=${RM_BENCH_REPS:-12}

if [ ! -x /usr/bin/time ]; then
  echo "run.sh: /usr/bin/time is missing; install the Debian package 'time'" >&2
  exit 1
fi
mkdir -p "$work"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRM_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target routemap >/dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -I"$root/include" "$here/bench_load.c" \
  -o "$work/bench_load" -L"$build/lib" -lroutemap -Wl,-rpath,"$build/lib" \
  $(pkg-config --cflags --libs gdal) -lm

data="$work/points_$n.gpkg"
if [ ! -f "$data" ]; then
  echo "generating $data ..."
  rm -f "$work/partial.gpkg"
  "$work/bench_load" gen "$work/partial.gpkg" "$n" >/dev/null
  mv "$work/partial.gpkg" "$data"
fi
cat "$data" >/dev/null # warm the page cache
# The layer's size (every string walked) once, outside the timed runs.
layer_bytes=$("$work/bench_load" routemap-size "$data" | awk '/layer_bytes:/ {print $2}')

declare -A best_wall best_inner best_cpu peak walls
modes=(arrow ogr routemap)
for m in "${modes[@]}"; do
  best_wall[$m]=999; best_inner[$m]=999; best_cpu[$m]=999; peak[$m]=0
done
# Each round runs the three in another of their six orders, so that none
# always follows another (a run finds the memory the previous one left).
orders=("arrow ogr routemap" "routemap arrow ogr" "ogr routemap arrow"
        "arrow routemap ogr" "ogr arrow routemap" "routemap ogr arrow")
for ((i = 0; i < reps; i++)); do
  for m in ${orders[i % 6]}; do
    # Wall time to the microsecond around the run (time -v rounds to
    # 10 ms, a twentieth of the Arrow read); time -v gives CPU and peak.
    t0=$EPOCHREALTIME
    out=$(/usr/bin/time -v "$work/bench_load" "$m" "$data" 2>"$work/time.txt")
    t1=$EPOCHREALTIME
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')
    walls[$m]="${walls[$m]:-} $wall"
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' \
      "$work/time.txt")
    inner=$(awk '/_seconds:/ {print $2}' <<<"$out")
    best_wall[$m]=$(awk -v a="${best_wall[$m]}" -v b="$wall" 'BEGIN {print (b < a ? b : a)}')
    best_inner[$m]=$(awk -v a="${best_inner[$m]}" -v b="$inner" 'BEGIN {print (b < a ? b : a)}')
    best_cpu[$m]=$(awk -v a="${best_cpu[$m]}" -v b="$cpu" 'BEGIN {print (b < a ? b : a)}')
    peak[$m]=$(awk -v a="${peak[$m]}" -v b="$rss" 'BEGIN {print (b > a ? b : a)}')
  done
done

echo
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n |
  awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
# The ratio of each round's run to that round's Arrow read, whose median
# the machine's slower and faster spells move least.
paired() { paste <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
  awk '{print $1 / $2}' | tr '\n' ' '; }
echo "$n points, 5 attributes; best (and median wall) of $reps runs each; $(nproc) CPUs"
printf '%-9s %8s %8s %8s %8s %9s %11s %11s %11s %10s %12s\n' mode "wall s" \
  "med s" "read s" "CPU s" "peak MB" "wall/arrow" "med/arrow" "read/arrow" \
  "CPU/arrow" "paired/arrow"
med_arrow=$(median "${walls[arrow]}")
for m in "${modes[@]}"; do
  awk -v m="$m" -v w="${best_wall[$m]}" -v md="$(median "${walls[$m]}")" \
      -v r="${best_inner[$m]}" -v c="${best_cpu[$m]}" -v k="${peak[$m]}" \
      -v aw="${best_wall[arrow]}" -v am="$med_arrow" \
      -v ar="${best_inner[arrow]}" -v ac="${best_cpu[arrow]}" \
      -v pr="$(median "$(paired "${walls[$m]}" "${walls[arrow]}")")" \
      'BEGIN { printf "%-9s %8.3f %8.3f %8.3f %8.2f %9.1f %11.2f %11.2f %11.2f %10.2f %12.2f\n",
               m, w, md, r, c, k / 1024, w / aw, md / am, r / ar, c / ac, pr }'
done
awk -v b="$layer_bytes" -v k="${peak[routemap]}" 'BEGIN {
  printf "columnar layer: %.1f MB; routemap peak RSS / layer size = %.2f\n",
         b / 1048576, k * 1024 / b }'
