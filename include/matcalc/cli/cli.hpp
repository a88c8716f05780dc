// The command line of README, Commands, callable in-process (the tests drive it directly).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace matcalc {

// Exit codes (README, Commands).
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitBadInput = 2;

// Runs `matcalc ARGS...` (args without the program name). Results go to `out`,
// diagnostics in the compiler form to `err`. Never throws.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace matcalc
