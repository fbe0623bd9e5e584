// Programs: the images Os::exec can load. Simulated processes share one address space, so a
// "program file" is an entry point registered by name, once, at static-initialisation time, in
// every binary that may exec it (the registry plays the part of the disk: it is never changed
// while a run goes on). On Linux, RealOs::exec re-executes the running binary (/proc/self/exe) with
// an argv naming the entry point, and that binary's main() hands it to run_exec_image
// (real/exec_image.hpp) before anything else; in the sim the process's fiber unwinds and starts the
// entry point on a fresh stack.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace papaya {

class Os;

using ProgramArgs = std::vector<std::string>;
// A program's main: runs as the whole new image; returning is _exit(0).
using Program = void (*)(Os&, const ProgramArgs&);

// Registers `main` under `name` (a program "path"). Use at namespace scope:
//   const bool registered = register_program("papaya-term", term_main);
// REQUIRES: `name` not registered yet. Returns true.
bool register_program(std::string_view name, Program main);
// The program registered as `name`, or nullptr (execve(2)'s ENOENT).
Program find_program(std::string_view name);

}  // namespace papaya
