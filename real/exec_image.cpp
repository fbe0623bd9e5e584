#include "real/exec_image.hpp"

#include <unistd.h>

#include <cstring>
#include <exception>
#include <string>

#include "os/programs.hpp"
#include "real/real_os.hpp"

namespace papaya::real {

namespace {
void say(const char* a, const char* b) {
  [[maybe_unused]] ssize_t n = ::write(2, a, std::strlen(a));
  n = ::write(2, b, std::strlen(b));
  n = ::write(2, "\n", 1);
}
}  // namespace

void run_exec_image(int argc, char** argv) {
  if (argc < 3 || std::strcmp(argv[1], kExecImageFlag) != 0) return;
  Program main = find_program(argv[2]);
  if (main == nullptr) {
    say("papaya: exec of an unregistered program: ", argv[2]);
    ::_exit(127);
  }
  ProgramArgs args(argv + 3, argv + argc);
  int code = 0;
  try {
    RealOs os;
    main(os, args);
  } catch (const std::exception& e) {
    say("papaya: exception escaped an exec'd program: ", e.what());
    code = 1;
  } catch (...) {
    say("papaya: exception escaped an exec'd program: ", "(not a std::exception)");
    code = 1;
  }
  ::_exit(code);  // like a fork body: no static destructors or stdio buffers of this image run
}

}  // namespace papaya::real
