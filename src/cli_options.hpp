// The command line's options (design.md §3 and the decisions in README.md): parsed and
// checked here, before any file is read. Private to src/cli*.cpp.
#pragma once

#include <map>
#include <ostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "matcalc/check.hpp"
#include "matcalc/derive.hpp"
#include "matcalc/train.hpp"

namespace matcalc::cli {

inline constexpr std::string_view kUsage = R"(usage:
  matcalc derive  MODEL --wrt VAR [--wrt VAR2 ...] [--of NAME]
                  [--format text|unicode|latex|markdown|json] [--layout numerator|denominator]
                  [--expand] [--at VALUES.json] [--piecewise step|cases] [--hessian]
                  [--steps] [--standalone] [--hadamard odot|otimes]
  matcalc eval    MODEL [--of NAME] --at VALUES.json [--format text|json] [--precision float64|float32]
  matcalc check   MODEL --wrt VAR [--of NAME] [--at VALUES.json] [--points K] [--seed S] [--tol T]
                  [--hessian]
  matcalc codegen MODEL --wrt VAR [--wrt VAR2 ...] [--of NAME] [--lang cpp|numpy] [--expand]
  matcalc train   MODEL --data CSV|xor|moons|circles|spirals [--of LOSS] [--target COLUMN]
                  [--epochs E] [--lr η] [--batch B] [--optimizer sgd|momentum|adam] [--seed S]
                  [--init VALUES.json] [--save VALUES.json] [--log FILE] [--test CSV]
                  [--output NAME] [--samples N] [--noise σ] [--precision float64|float32]
MODEL is a file, or -e 'TEXT' (statements separated by ';').
)";

// A problem with the command line itself (not with a file): "matcalc: error: ...".
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string command;
    std::optional<std::string> model_file, model_text, of, at, format;
    std::vector<std::string> wrt;
    Layout layout = Layout::Numerator;
    bool expand = false;
    bool cases = false;  // --piecewise cases: LaTeX \begin{cases} for step(z) of a scalar z
    bool hessian = false;
    bool steps = false;       // the derivation step by step (steps.hpp)
    bool standalone = false;  // --format latex: a complete document
    bool otimes = false;      // --hadamard otimes: the lecture's ⊗ for the Hadamard product
    std::string lang = "cpp"; // codegen --lang: cpp or numpy
    Precision precision = Precision::Float64;  // eval and train: what the program computes in
    CheckOptions check;  // its seed is also train's
    struct Train {
        int epochs = 10;
        Eigen::Index batch = 32;
        Eigen::Index samples = 200;  // generated data sets
        double noise = 0.1;
        OptimizerSettings optimizer;
    } train;
    std::map<std::string, std::string> train_files;  // --data, --target, --init, --save, --log, --test, --output
};

// The options of one run; UsageError for anything the command line gets wrong.
Options parse_options(const std::vector<std::string>& args);

// Reads at most `limit` bytes: a larger file (or /dev/zero) is an error, not a read that
// never ends or exhausts memory. UsageError when it cannot be read.
Source read_source(const std::string& path, std::size_t limit);

// `matcalc train` (cli_train.cpp): the exit code; input errors are written to `err`.
int train(const Options& o, std::ostream& out, std::ostream& err);

// `matcalc codegen` (cli_codegen.cpp): the header on `out`; input errors are written to `err`.
int codegen(const Options& o, std::ostream& out, std::ostream& err);

}  // namespace matcalc::cli
