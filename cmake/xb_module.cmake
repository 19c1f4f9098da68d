# Helpers that give every module the same shape: one library, declared dependencies, tests beside
# the code. A module may only link (and so include) what it declares.

set(XB_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
if(XB_WERROR)
  list(APPEND XB_WARNINGS -Werror)
endif()

function(xb_target_defaults target)
  target_compile_options(${target} PRIVATE ${XB_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()

# xb_add_module(NAME SOURCES a.cpp ... DEPS xb_core ... [TESTS a_test.cpp ...] [TEST_DEPS ...])
function(xb_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;TESTS;TEST_DEPS" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  xb_target_defaults(${name})
  target_link_libraries(${name} PUBLIC ${M_DEPS})
  if(M_TESTS AND XB_BUILD_TESTS)
    add_executable(${name}_test ${M_TESTS})
    xb_target_defaults(${name}_test)
    target_link_libraries(${name}_test PRIVATE ${name} ${M_TEST_DEPS} GTest::gtest GTest::gmock
                          GTest::gtest_main)
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60
                         PROPERTIES ENVIRONMENT "XB_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared")
  endif()
endfunction()

include(GoogleTest)

# xb_embed_files(VAR NAME OUT_DIR FILES...): generates a source with the files' contents and sets
# VAR to its path. The table is xb::embedded::NAME[] with NAMECount entries.
function(xb_embed_files var name)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}_embedded.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DNAME=${name} "-DFILES=${ARGN}" -DOUT=${out}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    DEPENDS ${ARGN} ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    VERBATIM)
  set(${var} "${out}" PARENT_SCOPE)
endfunction()
