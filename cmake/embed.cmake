# Writes OUT: a C++ file defining `std::string_view NAMEi` (over a char array) for each input file and a table
# `NAME[]` of {file name, contents}. Run with cmake -P (see xb_embed_files).
set(content "// Generated from the files listed below; do not edit.\n#include <string_view>\n#include <utility>\nnamespace xb::embedded {\n")
set(table "")
set(i 0)
foreach(file IN LISTS FILES)
  file(READ "${file}" data)
  get_filename_component(fname "${file}" NAME)
  # A char array with its size, not a constexpr string_view: computing a literal's length at
  # compile time runs into GCC's constexpr loop limit (262,144) for large files.
  string(APPEND content "static const char ${NAME}${i}_data[] = R\"xbembed(${data})xbembed\";\n")
  string(APPEND content "static const std::string_view ${NAME}${i}(${NAME}${i}_data, sizeof ${NAME}${i}_data - 1);\n")
  string(APPEND table "  {\"${fname}\", ${NAME}${i}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND content "extern const std::pair<std::string_view, std::string_view> ${NAME}[] = {\n${table}};\n")
string(APPEND content "extern const int ${NAME}Count = ${i};\n}  // namespace xb::embedded\n")
file(WRITE "${OUT}" "${content}")
