#!/usr/bin/env bash
# Sets up, builds and runs every test twice: a normal build, then an
# AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
RM_WITH_PEERS=${RM_WITH_PEERS:-1} "$here/scripts/setup.sh"
ctest --test-dir "$here/build" --output-on-failure -j2 --timeout 600

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
RM_BUILD_DIR=$here/build-asan RM_CMAKE_ARGS="-DRM_ASAN=ON -DRM_UBSAN=ON" \
  "$here/scripts/setup.sh"
ctest --test-dir "$here/build-asan" --output-on-failure -j2 --timeout 900
