// Parsing the command line's options (cli_options.hpp). Each command and each option is
// one row of a table: its name, the commands that take it, its one line of help and what
// it sets. The parser, `matcalc help COMMAND` and the hints for a mistyped or misplaced
// option are all read from these two tables.
#include "cli_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "matcalc/io/diagnostics.hpp"
#include "matcalc/io/output_file.hpp"
#include "matcalc/version.hpp"

namespace matcalc::cli {

namespace {

enum CommandBit : unsigned { kDerive = 1, kEval = 2, kCheck = 4, kCodegen = 8, kTrain = 16, kCompare = 32, kEvery = 63 };

struct CommandInfo {
    std::string_view name;
    unsigned bit;
    std::string_view synopsis;  // after "usage: matcalc NAME "
    std::string_view summary;   // one line, for the overview
    std::string_view details;   // a paragraph for the command's help
};

const CommandInfo kCommands[] = {
    {"derive", kDerive, "MODEL --wrt VAR [--wrt VAR ...] [options]",
     "the Jacobian or gradient of a function, simplified",
     "Prints d(function)/d(VAR) for each --wrt, simplified and written as a textbook writes it\n"
     "(numerator layout: the derivative of a scalar with respect to a vector is a row; with\n"
     "respect to a matrix, the gradient shaped like the matrix)."},
    {"eval", kEval, "MODEL --at VALUES [options]", "the value of a function at given values",
     "Prints the function's value at the values of --at."},
    {"check", kCheck, "MODEL --wrt VAR [--wrt VAR ...] [options]",
     "derivatives against central finite differences at random points",
     "Compares each symbolic Jacobian with central finite differences at random points; exit 1\n"
     "on a mismatch. An entry's error is |J - J_fd| / max(|J_fd|, noise / tolerance), noise the\n"
     "rounding error of the difference: relative wherever the difference resolves the entry."},
    {"codegen", kCodegen, "MODEL --wrt VAR [--wrt VAR ...] [options]",
     "C++ or NumPy code for a function and its derivatives",
     "Writes the function and its gradients (scalar function) or Jacobians as one\n"
     "self-contained C++ function over Eigen or Python function over NumPy."},
    {"compare", kCompare, "MODEL --wrt VAR --claim 'EXPR' | --claims FILE [options]",
     "is a claimed derivative right? (a student's answer against matcalc's)",
     "Reads the claim as d(function)/d(VAR), an expression over the model's names: shaped like\n"
     "the Jacobian (numerator layout) or, for a scalar function, like VAR (the gradient). Equal\n"
     "when the difference simplifies to zero, else compared at random points as check draws\n"
     "them. Exit 0 equal, 1 not equal (the point, both values and the slip: the wrong sign, a\n"
     "constant factor, the other layout, transposed, a term missing or extra), 2 bad input.\n"
     "--claims grades a file of claims (CSV with id and claim columns, or one per line)."},
    {"train", kTrain, "MODEL --data CSV|xor|moons|circles|spirals [options]",
     "train a model's parameters from data with the derived gradients",
     "Minimises the loss over the model's `param` symbols; `input` symbols take the data's\n"
     "columns other than --target, `target` symbols the --target column. One line per epoch."},
};

const CommandInfo* find_command(std::string_view name) {
    for (const CommandInfo& c : kCommands)
        if (c.name == name) return &c;
    return nullptr;
}

long long parse_integer(const std::string& option, const std::string& text, long long lo, long long hi) {
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (...) {
        used = 0;
    }
    if (used != text.size() || text.empty() || v < lo || v > hi)
        throw UsageError(fmt::format("{} expects an integer from {} to {}, not '{}'", option, lo, hi, text));
    return v;
}

double parse_number(const std::string& option, const std::string& text, bool positive) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !std::isfinite(v) || (positive ? !(v > 0) : v < 0))
        throw UsageError(fmt::format("{} expects a {} number, not '{}'", option, positive ? "positive" : "non-negative", text));
    return v;
}

// One of `choices` (a '|'-separated list), else a UsageError naming the option's `noun`
// and listing them.
std::string choice(std::string_view noun, const std::string& value, std::string_view choices) {
    std::vector<std::string> list;
    for (std::size_t start = 0;;) {
        std::size_t bar = choices.find('|', start);
        list.emplace_back(choices.substr(start, bar - start));
        if (bar == std::string_view::npos) break;
        start = bar + 1;
    }
    if (std::find(list.begin(), list.end(), value) != list.end()) return value;
    std::string expected;
    for (std::size_t i = 0; i < list.size(); ++i)
        expected += (i == 0 ? "" : i + 1 == list.size() ? " or " : ", ") + list[i];
    std::string hint;
    if (auto note = did_you_mean(value, list); !note.empty()) hint = "; " + note.front();
    throw UsageError(fmt::format("unknown {} '{}' (expected {}){}", noun, value, expected, hint));
}

using Apply = void (*)(Options&, const std::string& option, const std::string& value);

struct OptionInfo {
    std::string_view name;     // "--wrt", "-e"
    std::string_view metavar;  // "VAR"; empty for a flag
    unsigned commands;         // CommandBit mask
    std::string_view help;     // one line
    Apply apply;
};

void set_train_file(Options& o, const std::string& option, const std::string& value) { o.train_files[option] = value; }

const OptionInfo kOptions[] = {
    {"-e", "TEXT", kEvery, "the model as text, statements separated by ';' (instead of a file)",
     [](Options& o, const std::string&, const std::string& v) {
         if (o.model_text || o.model_file) throw UsageError("give one model: a file or -e TEXT");
         o.model_text = v;
     }},
    {"--wrt", "VAR", kDerive | kCheck | kCodegen | kCompare,
     "differentiate with respect to VAR, a declared variable or a definition (repeatable)",
     [](Options& o, const std::string&, const std::string& v) { o.wrt.push_back(v); }},
    {"--of", "NAME", kDerive | kEval | kCheck | kCodegen | kCompare, "the function: a definition (default: the last one)",
     [](Options& o, const std::string&, const std::string& v) { o.of = v; }},
    {"--of", "LOSS", kTrain, "the loss to minimise: a definition (default: the last one)",
     [](Options& o, const std::string&, const std::string& v) { o.of = v; }},
    {"--format", "F", kDerive, "text | unicode (default) | latex | markdown | json",
     [](Options& o, const std::string&, const std::string& v) {
         o.format = choice("format", v, "text|unicode|latex|markdown|json");
     }},
    {"--format", "F", kEval, "text (default) | json",
     [](Options& o, const std::string&, const std::string& v) { o.format = choice("format", v, "text|json"); }},
    {"--at", "VALUES", kDerive, "also the numbers at these values: a JSON file, or JSON text such as '{\"x\": 2}'",
     [](Options& o, const std::string&, const std::string& v) { o.at = v; }},
    {"--at", "VALUES", kEval, "the values: a JSON file, or JSON text such as '{\"x\": 2}'",
     [](Options& o, const std::string&, const std::string& v) { o.at = v; }},
    {"--at", "VALUES", kCheck, "the first point (a JSON file or text); other variables keep its values",
     [](Options& o, const std::string&, const std::string& v) { o.at = v; }},
    {"--claim", "EXPR", kCompare, "the claimed derivative, e.g. '2(w·x + b - y) x' (errors located as --claim:1:COL)",
     [](Options& o, const std::string&, const std::string& v) { o.claim = v; }},
    {"--claims", "FILE", kCompare, "grade a file of claims: CSV with columns id and claim, or one claim per line",
     [](Options& o, const std::string&, const std::string& v) { o.claims = v; }},
    {"--report", "FILE", kCompare, "with --claims: write id, equal, diagnosis, max_error, claim there as CSV",
     [](Options& o, const std::string&, const std::string& v) { o.report = v; }},
    {"--format", "F", kCompare, "text (default) | latex | json",
     [](Options& o, const std::string&, const std::string& v) { o.format = choice("format", v, "text|latex|json"); }},
    {"--layout", "L", kDerive, "numerator (default) | denominator: the transposed form for vector variables",
     [](Options& o, const std::string&, const std::string& v) {
         o.layout = choice("layout", v, "numerator|denominator") == "numerator" ? Layout::Numerator : Layout::Denominator;
     }},
    {"--infer", "", kDerive | kEval | kCheck | kCodegen | kCompare,
     "declare names the model does not: a-g scalars, h-z vectors, A-Z matrices, sizes from their uses",
     [](Options& o, const std::string&, const std::string&) { o.infer = true; }},
    {"--expand", "", kDerive | kCheck | kCodegen, "write results in the declared variables (no definitions' names)",
     [](Options& o, const std::string&, const std::string&) { o.expand = true; }},
    {"--piecewise", "P", kDerive, "step (default) | cases: LaTeX \\begin{cases} for step(z) of a scalar z",
     [](Options& o, const std::string&, const std::string& v) { o.cases = choice("--piecewise", v, "step|cases") == "cases"; }},
    {"--hessian", "", kDerive, "also the Hessian of a scalar function",
     [](Options& o, const std::string&, const std::string&) { o.hessian = true; }},
    {"--direction", "V", kDerive,
     "with --hessian: the Hessian–vector product ∇²f V instead (shaped like the variable, the Hessian never formed); "
     "V is a variable the model declares with the variable's shape",
     [](Options& o, const std::string&, const std::string& v) { o.direction = v; }},
    {"--hessian", "", kCheck, "check the Hessian against differences of the gradient",
     [](Options& o, const std::string&, const std::string&) { o.hessian = true; }},
    {"--hessian", "", kCodegen, "also the Hessians of a scalar function (h_VAR, numel × numel)",
     [](Options& o, const std::string&, const std::string&) { o.hessian = true; }},
    {"--steps", "", kDerive,
     "the derivation step by step; --steps backward: as backpropagation; --steps brief: a line per step",
     [](Options& o, const std::string&, const std::string& v) {
         o.steps = true;
         std::string m = v.empty() ? "forward" : choice("--steps form", v, "forward|backward|brief");
         o.steps_mode = m == "backward" ? StepsMode::Backward : m == "brief" ? StepsMode::Brief : StepsMode::Forward;
     }},
    {"--digits", "N", kDerive, "with --steps and --at: significant digits of the numbers (default 4)",
     [](Options& o, const std::string& n, const std::string& v) { o.digits = static_cast<int>(parse_integer(n, v, 1, 17)); }},
    {"--standalone", "", kDerive, "with --format latex: a complete LaTeX document",
     [](Options& o, const std::string&, const std::string&) { o.standalone = true; }},
    {"--hadamard", "H", kDerive, "odot (default, ⊙) | otimes (⊗, the lecture's symbol)",
     [](Options& o, const std::string&, const std::string& v) {
         std::string h = v == "⊙" ? "odot" : v == "⊗" ? "otimes" : v;
         o.otimes = choice("--hadamard", h, "odot|otimes") == "otimes";
     }},
    {"--precision", "P", kEval | kTrain, "float64 (default) | float32: what the program computes in",
     [](Options& o, const std::string&, const std::string& v) {
         std::string p = v == "double" ? "float64" : v == "float" ? "float32" : v;
         o.precision = choice("precision", p, "float64|float32") == "float64" ? Precision::Float64 : Precision::Float32;
     }},
    {"--points", "K", kCheck | kCompare, "the number of random points (default 5)",
     [](Options& o, const std::string& n, const std::string& v) {
         o.check.points = static_cast<int>(parse_integer(n, v, 1, 1000));
     }},
    {"--seed", "S", kCheck | kCompare, "the seed of the random points (default 1)",
     [](Options& o, const std::string& n, const std::string& v) {
         o.check.seed = static_cast<std::uint64_t>(parse_integer(n, v, 0, (1LL << 62)));
     }},
    {"--seed", "S", kTrain, "the seed of initializers, generated data and minibatch order (default 1)",
     [](Options& o, const std::string& n, const std::string& v) {
         o.check.seed = static_cast<std::uint64_t>(parse_integer(n, v, 0, (1LL << 62)));
     }},
    {"--extreme", "", kCheck, "also: is the derivative finite wherever the function is, at scales 1e3, 1e8, 1e-8",
     [](Options& o, const std::string&, const std::string&) { o.check.extreme = true; }},
    {"--tol", "T", kCheck | kCompare, "the tolerance on each entry's error (default 1e-6)",
     [](Options& o, const std::string& n, const std::string& v) { o.check.tolerance = parse_number(n, v, true); }},
    {"--lang", "L", kCodegen, "cpp (default) | numpy | torch (a PyTorch function whose backward is the derived gradients)",
     [](Options& o, const std::string&, const std::string& v) { o.lang = choice("language", v, "cpp|numpy|torch"); }},
    {"--data", "DATA", kTrain, "a CSV file (samples as rows, a header line) or a generator: xor, moons, circles, spirals",
     set_train_file},
    {"--target", "COLUMN", kTrain, "the CSV column the target symbols take (default: the last)", set_train_file},
    {"--epochs", "E", kTrain, "passes over the data (default 10)",
     [](Options& o, const std::string& n, const std::string& v) {
         o.train.epochs = static_cast<int>(parse_integer(n, v, 1, 1000000));
     }},
    {"--lr", "ETA", kTrain, "the learning rate (default 0.1)",
     [](Options& o, const std::string& n, const std::string& v) { o.train.optimizer.lr = parse_number(n, v, true); }},
    {"--batch", "B", kTrain, "samples per minibatch (default 32)",
     [](Options& o, const std::string& n, const std::string& v) { o.train.batch = parse_integer(n, v, 1, 1 << 24); }},
    {"--optimizer", "O", kTrain, "sgd | momentum | adam",
     [](Options& o, const std::string&, const std::string& v) {
         std::string k = choice("optimizer", v, "sgd|momentum|adam");
         o.train.optimizer.kind = k == "sgd" ? OptimizerKind::SGD : k == "momentum" ? OptimizerKind::Momentum
                                                                                      : OptimizerKind::Adam;
     }},
    {"--init", "VALUES", kTrain, "initial parameter values: a JSON values file (or text); enough on its own",
     set_train_file},
    {"--save", "FILE", kTrain, "write the trained parameters there as a values file (whole or not at all)",
     set_train_file},
    {"--save", "FILE", kCodegen, "write the code there (whole or not at all) instead of to standard output",
     [](Options& o, const std::string&, const std::string& v) { o.save = v; }},
    {"--log", "FILE", kTrain, "write epoch, loss and accuracy there as CSV, a line per finished epoch", set_train_file},
    {"--log-append", "", kTrain, "add to the --log file (its header only if empty) instead of replacing it",
     [](Options& o, const std::string&, const std::string&) { o.train.log_append = true; }},
    {"--test", "CSV", kTrain, "a held-out CSV file: its loss and accuracy after training", set_train_file},
    {"--output", "NAME", kTrain, "the prediction, for accuracy (default: a definition named yhat or ŷ)",
     set_train_file},
    {"--samples", "N", kTrain, "samples of a generated data set (default 200)",
     [](Options& o, const std::string& n, const std::string& v) {
         o.train.samples = parse_integer(n, v, 4, 1000000);
     }},
    {"--noise", "SIGMA", kTrain, "noise of a generated data set (default 0.1)",
     [](Options& o, const std::string& n, const std::string& v) { o.train.noise = parse_number(n, v, false); }},
    {"--max-work", "N", kDerive | kEval | kCheck | kTrain | kCompare,
     "refuse an evaluation of more than N multiply-adds, estimated first (default 2e10, about 4 s)",
     [](Options& o, const std::string& n, const std::string& v) { o.budget.max_work = parse_number(n, v, true); }},
    {"--max-memory", "MIB", kDerive | kEval | kCheck | kTrain | kCompare,
     "refuse an evaluation that holds more than MIB mebibytes of values (default 768)",
     [](Options& o, const std::string& n, const std::string& v) {
         o.budget.max_memory = static_cast<std::size_t>(parse_integer(n, v, 1, 1 << 20)) << 20;
     }},
    {"--max-output", "MIB", kDerive | kEval | kCodegen,
     "refuse to write more than MIB mebibytes of numbers (derive, eval) or of code (codegen); default 16",
     [](Options& o, const std::string& n, const std::string& v) {
         o.max_output = static_cast<std::size_t>(parse_integer(n, v, 1, 1 << 20)) << 20;
     }},
    {"--help", "", kEvery, "this help",
     [](Options& o, const std::string&, const std::string&) { o.help = true; }},
};

const OptionInfo* find_option(std::string_view name, unsigned command) {
    for (const OptionInfo& opt : kOptions)
        if (opt.name == name && (opt.commands & command)) return &opt;
    return nullptr;
}

// An option the command does not take: named with the commands that do, or with the
// nearest option the command takes.
[[noreturn]] void reject_option(const std::string& name, const CommandInfo& command) {
    std::vector<std::string> owners;
    for (const CommandInfo& c : kCommands)
        if (find_option(name, c.bit)) owners.emplace_back(c.name);
    if (!owners.empty()) {
        std::string list;
        for (std::size_t i = 0; i < owners.size(); ++i)
            list += (i == 0 ? "" : i + 1 == owners.size() ? " and " : ", ") + owners[i];
        throw UsageError(fmt::format("{} takes no option {} (an option of {})", command.name, name, list));
    }
    std::vector<std::string> mine;
    for (const OptionInfo& opt : kOptions)
        if (opt.commands & command.bit) mine.emplace_back(opt.name);
    std::string hint;
    if (auto note = did_you_mean(name, mine); !note.empty()) hint = "; " + note.front();
    throw UsageError(fmt::format("unknown option '{}' for {}{}", name, command.name, hint));
}

}  // namespace

std::vector<std::string_view> command_names() {
    std::vector<std::string_view> names;
    for (const CommandInfo& c : kCommands) names.push_back(c.name);
    return names;
}

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    if (args.empty()) throw UsageError("no command given", "help");
    o.command = args[0];
    const CommandInfo* command = find_command(o.command);
    if (!command) {
        std::vector<std::string> names{"help"};
        for (std::string_view c : command_names()) names.emplace_back(c);
        std::string hint;
        if (auto note = did_you_mean(o.command, names); !note.empty()) hint = "; " + note.front();
        throw UsageError(fmt::format("unknown command '{}'{}", o.command, hint), "help");
    }
    const std::string see = "help " + std::string(command->name);
    try {
        for (std::size_t i = 1; i < args.size(); ++i) {
            std::string a = args[i], value;
            bool has_inline = false;
            if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
                value = a.substr(a.find('=') + 1);
                a = a.substr(0, a.find('='));
                has_inline = true;
            }
            if (a == "-h") a = "--help";
            // --steps takes its form as an optional word: --steps, --steps backward, --steps=brief.
            if (a == "--steps" && !has_inline && i + 1 < args.size() &&
                (args[i + 1] == "forward" || args[i + 1] == "backward" || args[i + 1] == "brief")) {
                value = args[++i];
                has_inline = true;
            }
            if (a.empty() || a[0] != '-' || a == "-") {
                if (o.model_text || o.model_file) throw UsageError(fmt::format("unexpected argument '{}'", a));
                o.model_file = a;
                continue;
            }
            const OptionInfo* opt = find_option(a, command->bit);
            if (!opt) reject_option(a, *command);
            if (opt->metavar.empty()) {
                if (has_inline && a != "--steps") throw UsageError(fmt::format("{} takes no value", a));
            } else if (!has_inline) {
                if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value ({})", a, opt->metavar));
                value = args[++i];
            }
            opt->apply(o, a, value);
        }
        if (o.help) return o;
        if (!o.model_file && !o.model_text) throw UsageError("no model given (a file, or -e 'TEXT')");
        if ((command->bit & (kDerive | kCheck | kCodegen | kCompare)) && o.wrt.empty())
            throw UsageError(fmt::format("{} needs --wrt VAR", o.command));
        if (command->bit == kEval && !o.at) throw UsageError("eval needs --at VALUES");
        if (command->bit == kCompare) {
            if (o.wrt.size() != 1) throw UsageError("compare needs one --wrt VAR");
            if (!o.claim && !o.claims) throw UsageError("compare needs --claim 'EXPR' (or --claims FILE)");
            if (o.claim && o.claims) throw UsageError("give --claim or --claims, not both");
            if (o.report && !o.claims) throw UsageError("--report needs --claims FILE");
            if (o.claims && o.format.value_or("text") != "text")
                throw UsageError("--claims prints a table: --format is for one --claim");
        }
        if (command->bit == kTrain && !o.train_files.count("--data"))
            throw UsageError("train needs --data CSV (or a generator: xor, moons, circles, spirals)");
        if (o.train.log_append && !o.train_files.count("--log")) throw UsageError("--log-append needs --log FILE");
        if (o.standalone && o.format.value_or("") != "latex") throw UsageError("--standalone needs --format latex");
        if (o.direction && !o.hessian) throw UsageError("--direction needs --hessian");
    } catch (UsageError& e) {
        // COMMAND ... --help shows the help whatever else is wrong on the line.
        if (std::find_if(args.begin() + 1, args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; }) !=
            args.end()) {
            Options help;
            help.command = o.command;
            help.help = true;
            return help;
        }
        if (e.see.empty()) e.see = see;
        throw;
    }
    return o;
}

// ---------------------------------------------------------------- help

namespace {

std::string options_of(const CommandInfo& c) {
    std::string s;
    for (const OptionInfo& opt : kOptions) {
        if (!(opt.commands & c.bit)) continue;
        std::string head = opt.name == "--help" ? "-h, --help" : std::string(opt.name);
        if (!opt.metavar.empty()) head += " " + std::string(opt.metavar);
        s += fmt::format("  {:<18} {}\n", head, opt.help);
    }
    return s;
}

}  // namespace

std::string overview_help() {
    std::string s = fmt::format(
        "matcalc {}: symbolic matrix calculus; derivatives that read like a textbook\n\n"
        "usage: matcalc COMMAND MODEL [options]\n\n"
        "commands:\n",
        kVersion);
    for (const CommandInfo& c : kCommands) s += fmt::format("  {:<9} {}\n", c.name, c.summary);
    s += fmt::format("  {:<9} {}\n", "help", "this overview; help COMMAND: a command's options; help functions");
    s += "\n"
         "MODEL is a file, or -e 'TEXT' (statements separated by ';'), e.g.\n"
         "  matcalc derive -e 'w, x : vector(n); b : scalar; f = max(0, w·x + b)' --wrt w\n"
         "'matcalc help COMMAND' (or 'matcalc COMMAND --help') lists a command's options,\n"
         "'matcalc help functions' the operators and functions of the formula language,\n"
         "'matcalc --version' prints the version.\n"
         "Exit codes: 0 success, 1 a check that failed or training that diverged, 2 bad input,\n"
         "3 an internal error.\n";
    return s;
}

std::string command_help(std::string_view name) {
    const CommandInfo* c = find_command(name);
    if (!c) return overview_help();
    return fmt::format("usage: matcalc {} {}\n\n{}\nMODEL is a file, or -e 'TEXT' (statements separated by ';').\n\n"
                       "options:\n{}",
                       c->name, c->synopsis, c->details, options_of(*c));
}

std::string full_help() {
    std::string s = overview_help();
    for (const CommandInfo& c : kCommands) s += "\n" + command_help(c.name);
    return s;
}

// ---------------------------------------------------------------- reading arguments

Source read_source(const std::string& path, std::size_t limit) {
    std::string text, error;
    if (!read_file_limited(path, limit, text, error))
        throw UsageError(fmt::format("cannot read '{}': {}", shorten(path), error));
    return Source{path, std::move(text)};
}

Source read_values_argument(const std::string& option, const std::string& argument, std::size_t limit) {
    std::size_t first = argument.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || argument[first] != '{') return read_source(argument, limit);
    if (argument.size() > limit)
        throw UsageError(fmt::format("{}: the values are larger than the limit of {} bytes", option, limit));
    return Source{option, argument};
}

}  // namespace matcalc::cli
