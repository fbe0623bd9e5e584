# papaya_test(NAME <target> LABELS <label...> SOURCES <file...> LIBS <target...> [TIMEOUT <s>]
#             [COST <n>] [UNSANITIZED])
# One GoogleTest binary whose tests CTest discovers one by one, each carrying the labels
# (unit, property, conformance, real, slow) that `scripts/dev test` and CI select on. COST marks a
# binary whose tests take long (tens of seconds under ASan): `ctest -j` starts the costliest first,
# so a fresh build (no Testing/Temporary/CTestCostData.txt yet) does not end on a long tail.
#
# PAPAYA_UNITY_TESTS (on in the asan preset) compiles each test binary as a unity build: its files
# in batches of 8, so the GoogleTest, nlohmann/json and standard-library code that every test file
# instantiates is compiled once per batch instead of once per file (docs/performance.md, "CI
# cost"). The dev build compiles every file on its own, as written. GCC warns -Wsubobject-linkage
# when a batch's test fixture derives from a type in a file's anonymous namespace; that is what a
# test's anonymous namespace is for, so the warning is off in these batches.
option(PAPAYA_UNITY_TESTS "Compile each test binary as a unity build (the asan preset)" OFF)

# PAPAYA_TESTS_BUILT_UNDER_ASAN (CI's dev build only; scripts/dev test sets it when CI is set):
# the test binaries that the asan build, built and run just before, has run. CI runs each test
# once, in the strictest build that can run it (docs/performance.md, "CI cost"): such a binary is
# left out of this build's default target and registers no tests. UNSANITIZED marks a binary whose
# tests differ without the sanitizers (it runs the fiber design, which the asan build leaves out):
# it is built and run here too. A binary the asan build does not have is never in the list.
# The list holds for one configure only (taken out of the cache): a later configure of the same
# build directory, by hand or by ninja, builds and runs every test again.
set(PAPAYA_TESTS_BUILT_UNDER_ASAN "${PAPAYA_TESTS_BUILT_UNDER_ASAN}")
unset(PAPAYA_TESTS_BUILT_UNDER_ASAN CACHE)

function(papaya_test)
  cmake_parse_arguments(T "UNSANITIZED" "NAME;TIMEOUT;COST" "LABELS;SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(cost "")
  if(T_COST)
    set(cost COST ${T_COST})
  endif()
  set(ran_under_asan "")
  if(T_NAME IN_LIST PAPAYA_TESTS_BUILT_UNDER_ASAN AND NOT T_UNSANITIZED)
    set(ran_under_asan EXCLUDE_FROM_ALL)
  endif()
  add_executable(${T_NAME} ${ran_under_asan} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  set_target_properties(${T_NAME} PROPERTIES PAPAYA_UNSANITIZED "${T_UNSANITIZED}")
  if(ran_under_asan)
    return()  # no tests registered: the asan suite has run them
  endif()
  if(PAPAYA_UNITY_TESTS)
    set_target_properties(${T_NAME} PROPERTIES UNITY_BUILD ON)
    target_compile_options(${T_NAME} PRIVATE -Wno-subobject-linkage)
  endif()
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT} ${cost}
    DISCOVERY_TIMEOUT 60)
endfunction()
