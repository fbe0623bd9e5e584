#include "model/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace papaya::model {

namespace {
std::string& failure_context() {
  static thread_local std::string context;
  return context;
}
}  // namespace

void set_failure_context(std::string context) { failure_context() = std::move(context); }

void assertion_failed(const char* condition, const char* what, const char* file, int line) {
  std::fprintf(stderr, "papaya: invariant broken at %s:%d: %s (%s)\n", file, line, what, condition);
  if (!failure_context().empty()) std::fprintf(stderr, "papaya: %s\n", failure_context().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace papaya::model
