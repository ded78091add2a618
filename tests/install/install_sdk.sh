#!/usr/bin/env bash
# The installed SDK as a plugin author meets it: install routemap into a
# temporary prefix, scaffold a plugin with the installed `routemap
# new-plugin`, build it out of tree against the prefix only (CMake package,
# then the one-line pkg-config form), run its own cmocka test, build a
# small program against the library API both ways, run the plugin in a
# briefing with the installed program, and check the export and manifest.
# Expected counts and weights are worked by hand from the data below; the
# density is checked against GDAL's own ST_Area of the exported zones.
# usage: install_sdk.sh BUILD_DIR SCRATCH_DIR LIBDIR [SANITIZER_FLAGS]
set -euo pipefail
build=$1
tmp=$2
libdir=$3
san=${4:-} # what programs linking a sanitizer build's library need
prefix=$tmp/prefix

fail() {
    echo "install_sdk: FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

rm -rf "$tmp"
mkdir -p "$tmp"
cd "$tmp"

step "cmake --install into $prefix"
cmake --install "$build" --prefix "$prefix" > install.log
for f in bin/routemap "$libdir/libroutemap.so" include/routemap/plugin.h \
         include/routemap/routemap.h "$libdir/pkgconfig/routemap.pc" \
         "$libdir/cmake/routemap/routemapConfig.cmake" \
         "$libdir/cmake/routemap/routemapConfigVersion.cmake" \
         "$libdir/routemap/plugins/routemap-buffer.so" \
         share/doc/routemap/PLUGINS.md; do
    [ -e "$prefix/$f" ] || fail "the install lacks $f"
done
# The installed program uses the installed library, not the build tree's.
loaded=$(ldd "$prefix/bin/routemap" | awk '/libroutemap/ {print $3}')
[ -n "$loaded" ] && [ "$(readlink -f "$loaded")" = \
  "$(readlink -f "$prefix/$libdir/libroutemap.so")" ] ||
    fail "bin/routemap loads '$loaded', not the prefix's libroutemap"

step "routemap new-plugin demo"
"$prefix/bin/routemap" new-plugin demo proj > new-plugin.log
for f in CMakeLists.txt demo.c test_demo.c README.md; do
    [ -s "proj/$f" ] || fail "new-plugin did not write $f"
done
grep -q "DCMAKE_PREFIX_PATH=$prefix\$" new-plugin.log ||
    fail "new-plugin's hint does not name the prefix: $(cat new-plugin.log)"

step "build it with find_package(routemap) against the prefix only"
cmake -S proj -B proj/build -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" \
    -DCMAKE_INSTALL_PREFIX="$tmp/plugin-prefix" > configure.log
grep -q "^routemap_DIR:PATH=$prefix/$libdir/cmake/routemap\$" \
    proj/build/CMakeCache.txt || fail "find_package did not use the prefix"
cmake --build proj/build > build.log
[ -f proj/build/routemap-demo.so ] || fail "no proj/build/routemap-demo.so"
# Plugins export their entry only and never link libroutemap.
syms=$(nm -D --defined-only proj/build/routemap-demo.so | awk '{print $3}')
[ "$syms" = "rm_plugin_demo_init" ] ||
    fail "routemap-demo.so exports more than its entry: $syms"
if readelf -d proj/build/routemap-demo.so | grep -q libroutemap; then
    fail "routemap-demo.so links libroutemap"
fi

step "the scaffolded project's own cmocka test"
ctest --test-dir proj/build --output-on-failure > ctest.log ||
    fail "the scaffolded test failed: $(cat ctest.log)"
grep -q "tests passed, 0 tests failed out of 1" ctest.log ||
    fail "the scaffolded project ran no test: $(cat ctest.log)"

step "cmake --install of the plugin project"
cmake --install proj/build > plugin-install.log
[ -f "$tmp/plugin-prefix/$libdir/routemap/plugins/routemap-demo.so" ] ||
    fail "the plugin was not installed into lib/routemap/plugins"

step "the one-line pkg-config build"
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
[ "$(pkg-config --modversion routemap)" = \
  "$("$prefix/bin/routemap" --version | awk '{print $2}')" ] ||
    fail "routemap.pc and the program disagree on the version"
cflags=$(pkg-config --cflags routemap)
case $cflags in
    *"$prefix/$libdir/pkgconfig/../../include"*|*"$prefix/include"*) ;;
    *) fail "pkg-config --cflags routemap is not in the prefix: $cflags" ;;
esac
[ -d "$(pkg-config --variable=plugindir routemap)" ] ||
    fail "the plugindir variable of routemap.pc is not a folder"
mkdir pc
cc -shared -fPIC -fvisibility=hidden -Wall -Wextra -Werror \
    $(pkg-config --cflags routemap) -o pc/routemap-demo.so proj/demo.c
"$prefix/bin/routemap" --plugin-path pc plugins info demo > info.log ||
    fail "the pkg-config build does not load: $(cat info.log)"
grep -q "zones" info.log || fail "plugins info demo lacks 'zones'"

step "a program using the library API: routemap::routemap and pkg-config"
mkdir -p app
cat > app/app.c <<'C'
#include <stdio.h>
#include <string.h>
#include "routemap/routemap.h"
int main(void)
{
    rm_context *ctx = NULL;
    if (rm_context_create(&ctx) != RM_OK)
        return 1;
    rm_context_destroy(ctx);
    /* errors.h: RM_EIO_WRITE is "cannot write output", exit code 6. */
    return strcmp(rm_strerror(RM_EIO_WRITE), "cannot write output") != 0 ||
           rm_exit_code(RM_EIO_WRITE) != 6;
}
C
cat > app/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(app LANGUAGES C)
find_package(routemap REQUIRED)
add_executable(app app.c)
target_link_libraries(app PRIVATE routemap::routemap)
CMAKE
cmake -S app -B app/build -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_FLAGS="$san" > app.log
cmake --build app/build >> app.log
app/build/app || fail "a program linked with routemap::routemap failed"
cc $san -Wall -Wextra -Werror -o app/app-pc app/app.c \
    $(pkg-config --cflags --libs routemap)
LD_LIBRARY_PATH=$prefix/$libdir app/app-pc ||
    fail "a program built with pkg-config --libs routemap failed"

step "run it in a briefing with the installed program"
mkdir run
cat > run/zones.geojson <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "id": 1, "properties": {"zone": "west"},
  "geometry": {"type": "Polygon", "coordinates": [[[2.0, 14.0], [2.5, 14.0],
   [2.5, 14.5], [2.0, 14.5], [2.0, 14.0]]]}},
 {"type": "Feature", "id": 2, "properties": {"zone": "east"},
  "geometry": {"type": "Polygon", "coordinates": [[[3.0, 14.0], [3.5, 14.0],
   [3.5, 14.5], [3.0, 14.5], [3.0, 14.0]]]}}]}
JSON
# west holds 2 points (people 2 + 3), east 1 (people 7); 1 lies between.
cat > run/points.geojson <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"people": 2},
  "geometry": {"type": "Point", "coordinates": [2.25, 14.25]}},
 {"type": "Feature", "properties": {"people": 3},
  "geometry": {"type": "Point", "coordinates": [2.1, 14.4]}},
 {"type": "Feature", "properties": {"people": 7},
  "geometry": {"type": "Point", "coordinates": [3.25, 14.25]}},
 {"type": "Feature", "properties": {"people": 1},
  "geometry": {"type": "Point", "coordinates": [2.75, 14.25]}}]}
JSON
cat > run/briefing.yaml <<'YAML'
briefing:
  title: SDK install check
  crs: EPSG:32631
  date: 2026-01-01
layers:
  zones: zones.geojson
  points: points.geojson
steps:
  - {id: density, plugin: demo, zones: zones, points: points, weight: people}
  - {id: cover, plugin: buffer, input: points, distance: 1 km}
outputs:
  export: results.gpkg
YAML
"$prefix/bin/routemap" --quiet --plugin-path proj/build run \
    run/briefing.yaml -o run/out > run.log 2>&1 ||
    fail "the briefing run failed: $(cat run.log)"
got=$(ogr2ogr -f CSV -lco STRING_QUOTING=IF_NEEDED /vsistdout/ \
    run/out/results.gpkg -sql "SELECT fid + 0 AS zone, count, weight,
    round(per_km2 * ST_Area(geom) / 1e6, 9) AS w FROM density_counts
    ORDER BY fid")
want=$'zone,count,weight,w\n1,2,5,5\n2,1,7,7'
[ "$got" = "$want" ] || fail "density.counts is
$got
expected
$want"

step "manifest.json names the plugins, their versions and files"
m=run/out/manifest.json
want_demo='"plugin": "demo", "plugin_version": "0.1.0", '
want_demo+='"plugin_file": "proj/build/routemap-demo.so", "plugin_abi": "1.0"'
grep -qF "$want_demo" "$m" ||
    fail "manifest.json does not record demo 0.1.0: $(grep plugin "$m")"
buffer=$(sed -n \
    's/.*"plugin": "buffer", .*"plugin_file": "\([^"]*\)".*/\1/p' "$m")
[ -n "$buffer" ] && [ "$(readlink -f "$buffer")" = \
  "$(readlink -f "$prefix/$libdir/routemap/plugins/routemap-buffer.so")" ] ||
    fail "the bundled buffer plugin came from '$buffer', not the prefix"
echo "install_sdk: ok"
