# Embeds one text file as a C++ string constant. Run by add_custom_command
# with INPUT, OUTPUT, SYMBOL (namespace-qualified name of a `const char*`).
file(READ "${INPUT}" text)
string(REGEX REPLACE "::[^:]*$" "" ns "${SYMBOL}")
string(REGEX REPLACE "^.*::" "" name "${SYMBOL}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT}. Do not edit.\nnamespace ${ns} {\nextern const char* const ${name};\nconst char* const ${name} = R\"wh_text(${text})wh_text\";\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
