// The command line's options (README, Commands and the decisions in README.md): one table of
// commands and one of options (cli_options.cpp) from which the parser, the per-command
// help and the did-you-mean hints all come. Parsed and checked here, before any file is
// read. Private to src/cli*.cpp.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "matcalc/apps/check.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/apps/train.hpp"
#include "matcalc/steps/steps.hpp"

namespace matcalc {
class Model;
}

namespace matcalc::cli {

// A problem with the command line itself (not with a file's contents): "matcalc: error:
// ...", then "see 'matcalc help ...'" when `see` names the help to read ("help derive").
struct UsageError : std::runtime_error {
    explicit UsageError(const std::string& message, std::string see = {})
        : std::runtime_error(message), see(std::move(see)) {}
    std::string see;
};

struct Options {
    std::string command;
    bool help = false;  // COMMAND --help: print that command's options, nothing else
    std::optional<std::string> model_file, model_text, of, at, format;
    std::vector<std::string> wrt;
    Layout layout = Layout::Numerator;
    bool expand = false;
    bool infer = false;  // --infer: undeclared names declared by convention (BindOptions::infer)
    bool cases = false;  // --piecewise cases: LaTeX \begin{cases} for step(z) of a scalar z
    bool hessian = false;
    std::optional<std::string> direction;  // derive --hessian --direction V: ∇²f V, the Hessian never formed
    bool steps = false;       // the derivation step by step (steps.hpp)
    StepsMode steps_mode = StepsMode::Forward;  // --steps [forward | backward | brief]
    int digits = 4;           // --steps --at: significant digits of the numbers
    bool standalone = false;  // --format latex: a complete document
    bool otimes = false;      // --hadamard otimes: the lecture's ⊗ for the Hadamard product
    std::string lang = "cpp"; // codegen --lang: cpp or numpy
    std::optional<std::string> save;  // codegen --save FILE: the code there, atomically
    Precision precision = Precision::Float64;  // eval and train: what the program computes in
    CheckOptions check;  // its seed is also train's
    Budget budget;       // --max-work, --max-memory: each evaluation's limits (evaluator.hpp)
    std::size_t max_output = std::size_t{16} << 20;  // --max-output: bytes of numbers written
    struct Train {
        int epochs = 10;
        Eigen::Index batch = 32;
        Eigen::Index samples = 200;  // generated data sets
        double noise = 0.1;
        bool log_append = false;  // --log-append: add to the --log file instead of replacing it
        OptimizerSettings optimizer;
    } train;
    std::optional<std::string> claim, claims, report;  // compare
    std::map<std::string, std::string> train_files;  // --data, --target, --init, --save, --log, --test, --output
};

// The commands, in the order `matcalc help` lists them.
std::vector<std::string_view> command_names();

// The options of one run; UsageError for anything the command line gets wrong.
Options parse_options(const std::vector<std::string>& args);

// `matcalc help`: the commands; `matcalc help COMMAND`, `COMMAND --help`: its options.
std::string overview_help();
std::string command_help(std::string_view command);
// Every command's help after the overview (for the manual page).
std::string full_help();

// Reads at most `limit` bytes: a larger file (or /dev/zero) is an error, not a read that
// never ends or exhausts memory. UsageError when it cannot be read.
Source read_source(const std::string& path, std::size_t limit);

// A values argument (--at, --init): JSON text itself when it starts with `{` (after
// white space), named after the option; otherwise a file read as read_source does.
Source read_values_argument(const std::string& option, const std::string& argument, std::size_t limit);

// `matcalc train` (cli_train.cpp): the exit code; input errors are written to `err`.
int train(const Options& o, std::ostream& out, std::ostream& err);

// `matcalc compare` (cli_compare.cpp): the exit code; input errors are written to `err`.
int compare(const Options& o, std::ostream& out, std::ostream& err);

// derive --steps --at (cli_steps.cpp): the value of every intermediate, local partial,
// chained derivative, adjoint and the result at the point `env`, as text with `digits`
// significant digits (a scalar -0.2261, a column [a; b], a row [a, b], a matrix [a, b; c, d]).
std::unordered_map<Expr, std::string> steps_values(Model& model, const Derivation& d, const Env& env, int digits);

// `matcalc codegen` (cli_codegen.cpp): the header on `out`; input errors are written to `err`.
int codegen(const Options& o, std::ostream& out, std::ostream& err);

// --infer's note for stderr: what was assumed ("matcalc: note: --infer assumed w, x :
// vector(n); b : scalar").
std::string assumption_note(const Model& model);

// `matcalc help functions` (cli_help.cpp): the formula language's operators and functions,
// generated from the operation table; `markdown` gives the tables of docs/language.md.
std::string function_reference(bool markdown);

}  // namespace matcalc::cli
