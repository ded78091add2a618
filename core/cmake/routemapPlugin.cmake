# routemap_add_plugin(NAME SOURCES... [TEST TEST_SOURCES...]) builds a
# routemap plugin outside the routemap tree: a MODULE routemap-NAME.so
# compiled against the installed headers only (plugins never link
# libroutemap), with only its entry point exported, installed into
# ${ROUTEMAP_PLUGIN_SUBDIR} under CMAKE_INSTALL_PREFIX.
#
# TEST: sources of a cmocka test. They are linked with the plugin's own
# sources (so the test reaches the static twin rm_plugin_<name>_init_static)
# into test_<name>, registered with add_test. Skipped with a message when
# cmocka is not found. Call routemap_add_plugin from the top-level
# CMakeLists.txt (or call enable_testing() there) for ctest to see it.
#
# Targets: routemap-NAME (the module) and test_<ident>, where <ident> is
# NAME with dashes replaced by underscores.
include_guard(GLOBAL)
include(GNUInstallDirs)

if(NOT DEFINED ROUTEMAP_PLUGIN_SUBDIR)
  set(ROUTEMAP_PLUGIN_SUBDIR "${CMAKE_INSTALL_LIBDIR}/routemap/plugins")
endif()

# A macro, so that enable_testing() reaches the caller's directory.
macro(routemap_add_plugin)
  set(_routemap_tests_added 0)
  _routemap_add_plugin(${ARGV})
  if(_routemap_tests_added)
    enable_testing()
  endif()
endmacro()

function(_routemap_add_plugin name)
  cmake_parse_arguments(RMP "" "" "TEST" ${ARGN})
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "routemap_add_plugin: the plugin name '${name}' "
      "may use only a-z, 0-9, _ and -; it is the name briefings use")
  endif()
  if(NOT RMP_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "routemap_add_plugin(${name}): no source files; "
      "write routemap_add_plugin(${name} ${name}.c)")
  endif()
  string(REPLACE "-" "_" ident "${name}")
  set(target routemap-${name})
  add_library(${target} MODULE ${RMP_UNPARSED_ARGUMENTS})
  set_target_properties(${target} PROPERTIES
    PREFIX "" SUFFIX ".so" OUTPUT_NAME "routemap-${name}"
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden)
  target_link_libraries(${target} PRIVATE routemap::headers)
  if(UNIX)
    target_link_libraries(${target} PRIVATE m)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${ROUTEMAP_PLUGIN_SUBDIR})

  if(NOT RMP_TEST)
    return()
  endif()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(ROUTEMAP_CMOCKA QUIET IMPORTED_TARGET cmocka)
  endif()
  if(NOT TARGET PkgConfig::ROUTEMAP_CMOCKA)
    message(STATUS "routemap: cmocka not found; test_${ident} is not "
      "built (install libcmocka-dev)")
    return()
  endif()
  add_executable(test_${ident} ${RMP_TEST} ${RMP_UNPARSED_ARGUMENTS})
  target_link_libraries(test_${ident} PRIVATE routemap::headers
    PkgConfig::ROUTEMAP_CMOCKA)
  if(UNIX)
    target_link_libraries(test_${ident} PRIVATE m)
  endif()
  add_test(NAME ${name} COMMAND test_${ident})
  set(_routemap_tests_added 1 PARENT_SCOPE)
endfunction()
