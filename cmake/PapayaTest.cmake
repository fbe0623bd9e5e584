# papaya_test(NAME <target> LABELS <label...> SOURCES <file...> LIBS <target...> [TIMEOUT <s>]
#             [COST <n>])
# One GoogleTest binary whose tests CTest discovers one by one, each carrying the labels
# (unit, property, conformance, real, slow) that `scripts/dev test` and CI select on. COST marks a
# binary whose tests take long (tens of seconds under ASan): `ctest -j` starts the costliest first,
# so a fresh build (no Testing/Temporary/CTestCostData.txt yet) does not end on a long tail.
function(papaya_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT;COST" "LABELS;SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(cost "")
  if(T_COST)
    set(cost COST ${T_COST})
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT} ${cost}
    DISCOVERY_TIMEOUT 60)
endfunction()
