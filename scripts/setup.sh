#!/usr/bin/env bash
# Installs the Debian 12 packages routemap needs (only those missing) and
# builds it into build/ (or $RM_BUILD_DIR). Idempotent; safe to re-run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake pkg-config git
  libgdal-dev gdal-bin libproj-dev proj-bin libgeos-dev
  libcairo2-dev libpango1.0-dev libyaml-dev libcmocka-dev
  poppler-utils fonts-dejavu-core fonts-noto-core
  python3 time
  libjson-c-dev libsqlite3-dev # the tests' independent JSON and GeoPackage readers
  libdeflate-dev libisal-dev libtiff-dev # GeoTIFF tiles encoded and stored by the core
  libssl-dev # the manifest's SHA-256 (OpenSSL's libcrypto)
  zlib1g-dev # the tests' independent DEFLATE decoder
)
# Peers the tests compare against when present (optional extras).
if [ "${RM_WITH_PEERS:-0}" = 1 ]; then
  packages+=(r-cran-spdep grass-core)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

build=${RM_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${RM_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
