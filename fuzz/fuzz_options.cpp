// libFuzzer target: the command line's option parser and help (src/cli/cli_options.cpp).
//
// Each input is a command line, one argument per line (a NUL byte also separates). The
// target parses it as `matcalc` would (parse_options), renders the help of its command,
// and runs `matcalc help ...` lines through run_cli. It never runs a command on a model:
// arbitrary arguments could name files to read (a FIFO would block) or write.
//
// Expected outcomes: Options, or cli::UsageError with a message of one line and no more
// than a few hundred bytes beyond the arguments it quotes. Anything else escaping is a bug
// and aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "matcalc/cli/cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args(1);
    for (std::size_t i = 0; i < size; ++i) {
        char c = static_cast<char>(data[i]);
        if (c == '\n' || c == '\0') args.emplace_back();
        else args.back() += c;
    }
    if (args.size() == 1 && args[0].empty()) args.clear();
    std::size_t quoted = 0;
    for (const std::string& a : args) quoted += a.size();
    try {
        matcalc::cli::Options o = matcalc::cli::parse_options(args);
        std::string help = matcalc::cli::command_help(o.command);
        if (help.empty()) std::abort();
    } catch (const matcalc::cli::UsageError& e) {
        std::string m = e.what();
        if (m.empty() || m.find('\n') != std::string::npos || m.size() > quoted + 400) {
            std::fprintf(stderr, "bad usage message: %s\n", m.c_str());
            std::abort();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "escaped: %s\n", e.what());
        std::abort();
    }
    if (!args.empty() && args[0] == "help") {
        std::ostringstream out, err;
        int code = matcalc::run_cli(args, out, err);
        if (code != 0 && code != 2) std::abort();
    }
    return 0;
}
