# papaya_test(NAME <target> LABELS <label...> SOURCES <file...> LIBS <target...> [TIMEOUT <s>])
# One GoogleTest binary whose tests CTest discovers one by one, each carrying the labels
# (unit, property, conformance, real, slow) that `scripts/dev test` and CI select on.
function(papaya_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "LABELS;SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()
