#!/usr/bin/env bash
# Render benchmark: 1,000,000 points and 10,000 lines on one A4 page, as a
# 150 dpi PNG and as a PDF. Builds routemap (Release) into $RM_BENCH_BUILD
# (default build-bench), compiles bench_render.c against it, generates the
# workload deterministically inside the program and times each output with
# /usr/bin/time -v: wall time, CPU time and peak RSS, plus the file sizes.
# Targets: PNG under 0.6 s; PDF under 1.5 s and under 10 MB.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${RM_BENCH_BUILD:-$here/build-bench}
out=${RM_BENCH_OUT:-$(mktemp -d)}
points=${1:-1000000}
lines=${2:-10000}

if [ ! -x /usr/bin/time ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq time >/dev/null
fi

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRM_TESTS=OFF \
  >/dev/null
cmake --build "$build" -j"$(nproc)" --target routemap >/dev/null
libdir=$(dirname "$(find "$build" -name 'libroutemap.so' | head -1)")
cc -O2 -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
  -I"$here/include" "$here/bench/render/bench_render.c" \
  -L"$libdir" -lroutemap -Wl,-rpath,"$libdir" -lm -o "$build/bench_render"

echo "render benchmark: $points points, $lines lines, A4 portrait"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for fmt in png pdf; do
  log="$out/time-$fmt.txt"
  /usr/bin/time -v "$build/bench_render" "$fmt" "$out" "$points" "$lines" \
    2>"$log" | sed 's/^/  /'
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  user=$(grep 'User time' "$log" | awk '{print $NF}')
  sys=$(grep 'System time' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  if [ "$fmt" = png ]; then f="$out/bench-1.png"; else f="$out/bench.pdf"; fi
  size=$(stat -c %s "$f")
  printf '  %s: whole process %s wall, %s s user + %s s sys, peak RSS %d MB, file %.2f MB\n' \
    "$fmt" "$wall" "$user" "$sys" $((rss / 1024)) "$(echo "$size / 1048576" | bc -l)"
done
echo "outputs in $out"
