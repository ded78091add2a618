# Script mode: cmake -DDIR=<template dir> -DOUT=<file.c> -P embed.cmake
# Writes OUT with every DIR/*.in file as a NUL-terminated byte array in the
# table rm_cli_templates (templates.h), named by the file name without .in.
# Bytes, not string literals, so no escaping and no length limit applies.
file(GLOB files RELATIVE "${DIR}" "${DIR}/*.in")
list(SORT files)
set(body "/* Made by core/cmake/embed.cmake from core/cli/template: ")
string(APPEND body "do not edit. */\n")
string(APPEND body "#include \"templates.h\"\n\n")
string(REPEAT "0x..," 12 line) # twelve bytes a line
set(table "")
set(i 0)
foreach(f ${files})
  file(READ "${DIR}/${f}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(REGEX REPLACE "(${line})" "\\1\n    " hex "${hex}")
  string(REGEX REPLACE "\\.in$" "" name "${f}")
  string(APPEND body "static const char t${i}[] = {\n    ${hex}0x00};\n")
  string(APPEND table "    {\"${name}\", t${i}, sizeof t${i} - 1},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst rm_cli_template rm_cli_templates[] = {\n")
string(APPEND body "${table}};\n")
string(APPEND body "const size_t rm_cli_n_templates = ${i};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
