#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan + UBSan + coverage) and run
# each for a given time, one after another on one core. Not part of CI:
# the seed corpora are replayed by ctest (fuzz_<target>) in every build.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets: spec set ingest layer (default: all, 480 s each). Needs clang and
# libclang-rt-14-dev (Debian: apt-get install clang libclang-rt-14-dev).
# New inputs go to $RM_FUZZ_DIR/corpus/<target> (the seed corpus in the
# source tree is only read); crashes to $RM_FUZZ_DIR/crashes/ — replay one
# with `build/bin/test_fuzz_<target> FILE`. A summary line per target
# (executions, crashes) ends $RM_FUZZ_DIR/summary.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-480}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(spec set ingest layer)
dir=${RM_FUZZ_DIR:-$here/build-fuzz}

if ! command -v clang >/dev/null; then
    echo "clang is missing: apt-get install clang libclang-rt-14-dev" >&2
    exit 1
fi

flags="-g -O1 -fno-omit-frame-pointer"
flags+=" -fsanitize=fuzzer-no-link,address,undefined"
flags+=" -fno-sanitize-recover=undefined"
# clang warns where gcc (the compiler of the normal builds) does not.
flags+=" -Wno-error -Wno-unknown-warning-option"
cmake -S "$here" -B "$dir" -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS=$flags" \
    -DRM_FUZZ=ON >/dev/null
for t in "${targets[@]}"; do
    cmake --build "$dir" --target "${t}_fuzzer" -j2 >/dev/null
done

declare -A max_len=([spec]=16384 [set]=1024 [ingest]=8192 [layer]=8192)
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp:print_suppressions=0
mkdir -p "$dir/crashes" "$dir/logs"
for t in "${targets[@]}"; do
    mkdir -p "$dir/corpus/$t"
    log="$dir/logs/$t-$(date +%Y%m%d-%H%M%S).log"
    start=$SECONDS
    set +e
    "$dir/bin/${t}_fuzzer" "$dir/corpus/$t" "$here/tests/fuzz/corpus/$t" \
        -max_total_time="$secs" -max_len="${max_len[$t]}" -timeout=20 \
        -rss_limit_mb=1536 -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/$t-" >"$log" 2>&1
    rc=$?
    set -e
    took=$((SECONDS - start))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
            grep -o '[0-9]*$' || echo "?")
    if [ $rc -eq 0 ]; then result="no crash"; else
        result="CRASH (exit $rc): $(grep -m1 -o 'Test unit written to .*' "$log")"
    fi
    line="$(date -u +%FT%TZ) $t ${took}s executions=$execs $result"
    echo "$line" | tee -a "$dir/summary.txt"
done
