# Writes OUTPUT, a C++ file defining `extern const char NAME[]` as the text of INPUT (a raw
# string literal), so that a data file such as the simplifier's rules is part of the
# library and needs no path at run time.
#   cmake -DINPUT=rules.txt -DOUTPUT=rules_text.cpp -DNAME=kRulesText -P cmake/embed.cmake
file(READ "${INPUT}" text)
string(FIND "${text}" ")EMBEDDED\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} holds the raw string's delimiter")
endif()
file(WRITE "${OUTPUT}.new" "// Generated from ${INPUT} by cmake/embed.cmake: do not edit.\nnamespace matcalc {\nextern const char ${NAME}[];\nconst char ${NAME}[] = R\"EMBEDDED(${text})EMBEDDED\";\n}  // namespace matcalc\n")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
