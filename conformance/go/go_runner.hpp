// Building and running the Go conformance programs (programs/<name>.go) with the installed Go, and
// reading what a run printed, how it died and its goroutine dump. Shared by go_conformance_test
// (Go vs the model) and go_sim_conformance_test (Go vs the simulator). Test-only: it uses gtest's
// EXPECT for a failed build and the PAPAYA_GO_SOURCES / PAPAYA_GO_BUILD paths of the test target.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace papaya::conformance::go {

struct GoRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline int shell(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

inline bool have_go() {
  static const bool yes = shell("command -v go >/dev/null 2>&1") == 0;
  return yes;
}

inline std::string go_env() {
  return std::string("GOCACHE=") + PAPAYA_GO_BUILD + "/gocache GO111MODULE=off ";
}

// Builds programs/<name>.go into the build tree, unless a binary newer than the source is there
// (each test is its own process; `go build` costs a second even when its cache has everything).
inline std::string build(const std::string& name) {
  const std::string bin = std::string(PAPAYA_GO_BUILD) + "/" + name;
  const std::string src = std::string(PAPAYA_GO_SOURCES) + "/" + name + ".go";
  std::error_code e1, e2;
  const auto built = std::filesystem::last_write_time(bin, e1);
  const auto edited = std::filesystem::last_write_time(src, e2);
  if (!e1 && !e2 && built > edited) return bin;
  const std::string cmd = go_env() + "timeout 120 go build -o " + bin + " " + PAPAYA_GO_SOURCES +
                          "/" + name + ".go 2>" + bin + ".build.log";
  EXPECT_EQ(shell(cmd), 0) << cmd << "\n" << slurp(bin + ".build.log");
  return bin;
}

inline GoRun run(const std::string& bin, int procs) {
  const std::string out = bin + ".out", err = bin + ".err";
  GoRun r;
  r.exit_code = shell("GOMAXPROCS=" + std::to_string(procs) + " timeout 60 " + bin + " >" + out +
                      " 2>" + err);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The first line that says how the program died ("panic: ...", "fatal error: ..."), or "".
inline std::string death_line(const std::string& err) {
  for (const std::string& l : split_lines(err))
    if (l.rfind("panic: ", 0) == 0 || l.rfind("fatal error: ", 0) == 0) return l;
  return "";
}

// The user goroutines' wait reasons in a goroutine dump ("goroutine 6 [semacquire]:"), sorted.
inline std::vector<std::string> dump_reasons(const std::string& err) {
  std::vector<std::string> out;
  for (const std::string& l : split_lines(err))
    if (l.rfind("goroutine ", 0) == 0 && l.back() == ':')
      out.push_back(l.substr(l.find('[') + 1, l.find(']') - l.find('[') - 1));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace papaya::conformance::go
