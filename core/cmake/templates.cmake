# The plugin project template for `routemap new-plugin`: the files under
# core/cli/template/*.in are embedded into the program at build time
# (embed.cmake), so the command needs no installed data files.
set(RM_TEMPLATE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/cli/template)
set(RM_TEMPLATE_C ${CMAKE_CURRENT_BINARY_DIR}/cli_templates.c)
file(GLOB RM_TEMPLATE_FILES CONFIGURE_DEPENDS ${RM_TEMPLATE_DIR}/*.in)
add_custom_command(OUTPUT ${RM_TEMPLATE_C}
  COMMAND ${CMAKE_COMMAND} -DDIR=${RM_TEMPLATE_DIR} -DOUT=${RM_TEMPLATE_C}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed.cmake
  DEPENDS ${RM_TEMPLATE_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed.cmake
  COMMENT "Embedding the plugin template")
target_sources(routemap_cli PRIVATE ${RM_TEMPLATE_C})
target_include_directories(routemap_cli PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
# Where an installed routemap keeps its CMake package, relative to the
# prefix: new-plugin's next-step hint checks for it.
target_compile_definitions(routemap_cli PRIVATE
  RM_CMAKE_PACKAGE_SUBDIR="${CMAKE_INSTALL_LIBDIR}/cmake/routemap")
