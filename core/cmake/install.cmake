# Installing is part of the product: the program, libroutemap, the public
# headers and bundled plugins, plus an exported CMake package
# (find_package(routemap): routemap::routemap, routemap::headers and
# routemap_add_plugin) and routemap.pc. Every installed path is relative to
# the prefix, so `cmake --install --prefix DIR` and moved installs work.
include(CMakePackageConfigHelpers)

set(RM_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/routemap")

# The headers alone: what a plugin compiles against (it never links the
# library).
add_library(routemap_headers INTERFACE)
target_include_directories(routemap_headers INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(routemap_headers PROPERTIES EXPORT_NAME headers)
add_library(routemap::headers ALIAS routemap_headers)
add_library(routemap::routemap ALIAS routemap)
install(TARGETS routemap_headers EXPORT routemapTargets)

install(EXPORT routemapTargets NAMESPACE routemap::
  DESTINATION ${RM_CMAKE_INSTALL_DIR} FILE routemapTargets.cmake)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/routemapConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/routemapConfig.cmake
  INSTALL_DESTINATION ${RM_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR RM_PLUGIN_SUBDIR)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/routemapConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/routemapConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/routemapConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/routemapPlugin.cmake
  DESTINATION ${RM_CMAKE_INSTALL_DIR})

# routemap.pc finds its prefix from its own folder (${pcfiledir}).
set(RM_PC_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${RM_PC_DIR}")
  set(RM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH RM_PC_UP "/rm-prefix/${RM_PC_DIR}" "/rm-prefix")
  string(REGEX REPLACE "/$" "" RM_PC_UP "${RM_PC_UP}")
  set(RM_PC_PREFIX "\${pcfiledir}/${RM_PC_UP}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/routemap.pc.in
  ${CMAKE_CURRENT_BINARY_DIR}/routemap.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/routemap.pc
  DESTINATION ${RM_PC_DIR})

# The plugin author's guide, which new-plugin's README points to.
install(FILES ${PROJECT_SOURCE_DIR}/docs/PLUGINS.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
