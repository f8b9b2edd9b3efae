# Generates a C++ source holding every file of DIR matching GLOB as a
# {name, text} pair, so the binary needs no files at run time (the e-mail
# templates; the same shape as embed_seed.cmake, which it could replace).
# Run by add_custom_command with DIR, GLOB (comma separated: "*.html,*.txt"), OUTPUT,
# INCLUDE (the header declaring FUNCTION), NAMESPACE and FUNCTION (returns a
# `const std::vector<EmbeddedFile>&`; EmbeddedFile is declared by INCLUDE).
set(patterns "")
string(REPLACE "," ";" globs "${GLOB}")
foreach(g ${globs})
  list(APPEND patterns "${DIR}/${g}")
endforeach()
file(GLOB files ${patterns})
list(SORT files)
set(body "// Generated from ${DIR} by cmake/embed_files.cmake. Do not edit.\n")
string(APPEND body "#include \"${INCLUDE}\"\n\nnamespace ${NAMESPACE} {\n\nconst std::vector<EmbeddedFile>& ${FUNCTION}() {\n  static const std::vector<EmbeddedFile> all = {\n")
foreach(f ${files})
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" text)
  string(APPEND body "    {\"${name}\", R\"wh_file(${text})wh_file\"},\n")
endforeach()
string(APPEND body "  };\n  return all;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
