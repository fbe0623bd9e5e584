// conformance_tests' main: an exec'd program image first (RealOs::exec re-executes this binary,
// real/exec_image.hpp), then GoogleTest.
#include <gtest/gtest.h>

#include "real/exec_image.hpp"

int main(int argc, char** argv) {
  papaya::real::run_exec_image(argc, argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
