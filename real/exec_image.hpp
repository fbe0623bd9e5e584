// The other half of RealOs::exec: a binary that may exec a registered program (os/programs.hpp)
// calls run_exec_image first thing in main(). RealOs::exec runs execv("/proc/self/exe", argv) with
// argv = {"papaya-exec", kExecImageFlag, program, args...}: a real execve(2), so Linux applies its
// own rules (dispositions, mask, pending signals, alarm, close-on-exec, locks) and the program
// starts in a fresh image of the same binary, where the registry holds the same programs.
#pragma once

#include <optional>

namespace papaya::real {

inline constexpr const char* kExecImageFlag = "--papaya-exec-image";

// When argv asks for a program image: runs it on a fresh RealOs and _exits (0 when it returns, 1
// when it throws, 127 when no such program is registered). Otherwise returns nothing and main()
// goes on.
void run_exec_image(int argc, char** argv);

}  // namespace papaya::real
