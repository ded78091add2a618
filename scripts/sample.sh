#!/usr/bin/env bash
# Sets up, builds and runs the sample briefing (maps/sahel.yaml) into out/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
"$here/build/bin/routemap" run "$here/maps/sahel.yaml" -o "${1:-$here/out}"
echo "sample briefing written to ${1:-$here/out}"
ls -l "${1:-$here/out}"
