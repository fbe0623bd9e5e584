// papaya_conformance_table: prints the scenario table of docs/conformance.md (Markdown), so the
// documentation is generated from the registry rather than kept in step by hand.
#include <cstdio>
#include <string>

#include "conformance/kernel/registry.hpp"

namespace {
std::string cell(std::string text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}
// "/work/main/conformance/kernel/flock.cpp" -> "flock.cpp"
std::string file_of(const char* path) {
  std::string p(path);
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}
}  // namespace

int main() {
  using papaya::conformance::all_scenarios;
  std::printf(
      "| # | test (`Conformance.` ...) | file | timed | rule (man page: quoted sentence) |\n");
  std::printf("| --- | --- | --- | --- | --- |\n");
  int n = 0;
  for (const auto& s : all_scenarios()) {
    std::printf("| %d | `%s` | %s | %s | %s |\n", ++n, s.name.c_str(),
                file_of(s.where.file_name()).c_str(), s.timed ? "yes" : "", cell(s.rule).c_str());
  }
  return 0;
}
