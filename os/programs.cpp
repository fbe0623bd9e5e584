#include "os/programs.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace papaya {

namespace {
std::map<std::string, Program, std::less<>>& programs() {
  static std::map<std::string, Program, std::less<>> table;
  return table;
}
}  // namespace

bool register_program(std::string_view name, Program main) {
  auto [it, fresh] = programs().emplace(std::string(name), main);
  if (!fresh || main == nullptr) {
    std::fprintf(stderr, "papaya: program %.*s registered twice or without a main\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return true;
}

Program find_program(std::string_view name) {
  auto it = programs().find(name);
  return it == programs().end() ? nullptr : it->second;
}

}  // namespace papaya
