// A directory of the test's own for the files it writes. CTest runs tests in parallel (-j2), and
// the dev and asan suites may run at once: two tests (or one test in two builds) writing one fixed
// file in /tmp read each other's bytes. The directory is made with mkdir, which fails when the name
// exists, so the name taken is nobody else's; it goes when the test ends.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace papaya::explore {

class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string stem = std::string("papaya-") + (info ? info->test_suite_name() : "test") +
                             "." + (info ? info->name() : "none") + "-";
    const auto tmp = std::filesystem::temp_directory_path();
    for (unsigned i = 0;; ++i) {
      std::error_code ec;
      const auto candidate = tmp / (stem + std::to_string(i));
      if (std::filesystem::create_directory(candidate, ec)) {
        path_ = candidate;
        return;
      }
      if (ec || i == 10'000)
        throw std::filesystem::filesystem_error("no scratch directory", candidate, ec);
    }
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace papaya::explore
