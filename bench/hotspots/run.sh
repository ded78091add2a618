#!/usr/bin/env bash
# Hotspots benchmark (see bench_hotspots.c): 1,000,000 incidents over
# 600 km x 800 km, 5 km hexagons (~22,400 cells), 15 km band. Prints
# binning + Gi* (generation excluded, printed apart), 499 permutations,
# Moran's I, NNI, a 1 km quartic KDE, peak memory (/usr/bin/time -v), and
# R spdep (dnearneigh + localG) on the same cells in the same run, with the
# speed ratio and the largest z-score difference.
# Targets: bin+Gi* < 0.1 s and >= 50x spdep; 499 permutations < 1 s;
# KDE < 1 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${RM_BENCH_DIR:-$root/build-bench/bench-hotspots}
n=${RM_BENCH_N:-1000000}
reps=${RM_BENCH_REPS:-5}
mkdir -p "$work"
# The peer (R spdep) and /usr/bin/time come from Debian.
for pkg in r-cran-spdep r-cran-dbscan time; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq "$pkg" >/dev/null
  fi
done
src="$root/plugins/hotspots"
cc -O3 -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE -DGEOS_USE_ONLY_R_API \
  -I"$src" -I"$root/include" "$here/bench_hotspots.c" \
  "$src"/{lattice,binning,gi_star,fdr,moran,nni,kde,mann_kendall,emerging,auto,util,zone}.c \
  -o "$work/bench_hotspots" $(pkg-config --cflags --libs geos) -lm

if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$work/bench_hotspots" "$n" "$reps" "$work/cells.csv" \
    >"$work/out.txt" 2>"$work/time.txt"
  peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
else
  "$work/bench_hotspots" "$n" "$reps" "$work/cells.csv" >"$work/out.txt"
  peak=0
fi
cat "$work/out.txt"
printf 'peak_rss_mb: %.1f\n' "$(awk -v k="$peak" 'BEGIN {print k / 1024}')"

ours=$(awk '/^bin_gi_seconds:/ {print $2}' "$work/out.txt")
if command -v Rscript >/dev/null && Rscript -e 'suppressMessages(library(spdep))' 2>/dev/null; then
  Rscript "$here/spdep_bench.R" "$work/cells.csv" 3 | tee "$work/r.txt"
  theirs=$(awk '/^spdep_seconds:/ {print $2}' "$work/r.txt")
  awk -v a="$theirs" -v b="$ours" \
    'BEGIN { printf "speedup_vs_spdep: %.0fx (bin+Gi* %.4f s vs spdep %.3f s)\n", a / b, b, a }'
else
  echo "spdep: not installed (apt-get install r-cran-spdep); no comparison"
fi
