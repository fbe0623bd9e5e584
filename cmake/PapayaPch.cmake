# Precompiled headers (docs/performance.md, "CI cost"). A cold build parses the same standard
# library and GoogleTest headers in every one of its ~260 translation units; precompiling them once
# per build and reusing that one .gch everywhere saves most of that parsing. Two donors, each an
# object library compiled with the tree's flags:
#   papaya_pch_std   the standard headers most files include; reused by every library and program
#   papaya_pch_test  the same plus <gtest/gtest.h>; reused by every target that links GTest::gtest
# The papaya binary precompiles its own (CLI11, nlohmann/json and fmt on top of the standard ones).
#
# GCC uses a .gch only if every macro that the header depends on is defined alike (the -D flags that
# differ between targets, FMT_SHARED, BOOST_*, PAPAYA_*, are not read by these headers), and CMake
# adds -Winvalid-pch, so with -Werror a .gch that cannot be used stops the build instead of being
# skipped quietly.
#
# Off by default when a compiler launcher (ccache) is set: ccache cannot cache a compile that reads
# a .gch unless it is configured for it, and a warm ccache is faster than any precompiled header.
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
  set(papaya_pch_default OFF)
else()
  set(papaya_pch_default ON)
endif()
option(PAPAYA_PCH "Precompile the standard library and GoogleTest headers (off with ccache)" ${papaya_pch_default})

set(PAPAYA_PCH_STD_HEADERS
  <algorithm> <array> <chrono> <cstddef> <cstdint> <cstdio> <cstdlib> <cstring> <deque>
  <functional> <map> <memory> <optional> <set> <sstream> <string> <string_view> <utility>
  <variant> <vector>)

# papaya_use_pch(): call once, after every folder is added; gives each C++ target a .gch.
function(papaya_use_pch)
  if(NOT PAPAYA_PCH)
    return()
  endif()
  add_library(papaya_pch_std OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch/empty.cpp)
  target_precompile_headers(papaya_pch_std PRIVATE ${PAPAYA_PCH_STD_HEADERS})
  add_library(papaya_pch_test OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch/empty.cpp)
  target_link_libraries(papaya_pch_test PRIVATE GTest::gtest)  # its GTEST_HAS_PTHREAD=1 as well
  target_precompile_headers(papaya_pch_test PRIVATE ${PAPAYA_PCH_STD_HEADERS} <gtest/gtest.h>)

  papaya_collect_targets(${PROJECT_SOURCE_DIR} targets)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$"
       OR t MATCHES "^papaya_pch_")
      continue()
    endif()
    get_target_property(own ${t} PRECOMPILE_HEADERS)
    get_target_property(reuse ${t} PRECOMPILE_HEADERS_REUSE_FROM)
    if(own OR reuse)
      continue()
    endif()
    get_target_property(libs ${t} LINK_LIBRARIES)
    if(libs AND "GTest::gtest" IN_LIST libs)
      target_precompile_headers(${t} REUSE_FROM papaya_pch_test)
    else()
      target_precompile_headers(${t} REUSE_FROM papaya_pch_std)
    endif()
  endforeach()
endfunction()

function(papaya_collect_targets dir out)
  get_property(found DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    papaya_collect_targets(${sub} more)
    list(APPEND found ${more})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()
