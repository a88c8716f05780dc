// The engine behind `import matcalc` (python/matcalc/__init__.py): one model text and the
// calls of the Python API (derive, value, jacobian, gradient, hessian, check, codegen,
// train) in plain C++, without Python objects, so that module.cpp can run them on a
// thread of its own (big_stack.hpp) with the interpreter's lock released.
//
// Every call binds the model afresh, as one `matcalc derive ...` run does (src/cli/cli.cpp):
// the simplifier keeps the definitions whole in the order the command line does, so the
// formulas and the numbers are the command line's, to the last bit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "matcalc/io/diagnostics.hpp"

namespace matcalc::python {

// What becomes matcalc.InputError: the message in the compiler form (rendered against the
// text it points into), and the 1-based line and column when that text is the model's.
struct BindingInputError : std::runtime_error {
    BindingInputError(const std::string& rendered, std::optional<std::size_t> line, std::optional<std::size_t> column)
        : std::runtime_error(rendered), line(line), column(column) {}
    std::optional<std::size_t> line, column;
};

// Training went wrong numerically (matcalc.TrainingDiverged).
struct BindingDiverged : std::runtime_error {
    BindingDiverged(const std::string& message, int epoch, std::string parameter)
        : std::runtime_error(message), epoch(epoch), parameter(std::move(parameter)) {}
    int epoch;
    std::string parameter;
};

// Training stopped because the user interrupted it (Ctrl-C: KeyboardInterrupt).
struct BindingInterrupted : std::runtime_error {
    BindingInterrupted() : std::runtime_error("interrupted") {}
};

// How a value is written in the values format: a number, a flat list (vectors, in vec
// order) or a list of rows.
enum class Form { Number, List, Rows };
struct Value {
    Eigen::MatrixXd matrix;
    Form form = Form::Rows;
};

// One size of a shape: a number, or the name of a size symbol ("n").
using ShapeDim = std::variant<std::int64_t, std::string>;

// A derivative as `matcalc derive --format json` writes it.
struct DerivativeText {
    std::string of, wrt, text, unicode, latex;
    std::string latex_header;  // \frac{\partial f}{\partial \mathbf{w}}, as `derive --format latex` writes it
    ShapeDim rows, cols;
};

// A values file's name and text (the Python side writes `at` dicts as JSON).
struct ValuesText {
    std::string name;
    std::string text;
};

struct CheckSummary {
    std::string wrt;
    bool ok = true;
    double max_error = 0, tolerance = 0;
    int points = 0, point = 0;
    Eigen::Index row = 0, col = 0;
    double symbolic = 0, numeric = 0, absolute_error = 0, relative_error = 0;
};

// Model.compare: a claimed derivative against matcalc's (apps/compare.hpp).
struct CompareSummary {
    bool equal = false;
    std::string compared_as;  // "jacobian" or "gradient"
    std::optional<std::string> diagnosis;
    double max_error = 0;
    bool symbolic = false;
    int points = 0;
};

struct CheckSettings {
    int points = 5;
    std::uint64_t seed = 1;
    double tolerance = 1e-6;
    bool hessian = false;
};

// `matcalc train`'s options; `data` is a generator's name or a CSV file's text.
struct TrainSettings {
    std::string data_name;              // "xor", ..., a file name, or "<array>"
    std::optional<std::string> data_csv; // the CSV text (files and arrays), none for a generator
    std::optional<std::string> target, output;
    std::optional<ValuesText> init;
    std::optional<std::string> test_name, test_csv;
    int epochs = 10;
    Eigen::Index batch = 32, samples = 200;
    double noise = 0.1, lr = 0.1;
    std::string optimizer = "sgd", precision = "float64";
    std::uint64_t seed = 1;
    // Asked between minibatches: true stops training with BindingInterrupted (Ctrl-C in
    // Jupyter must not wait for the last epoch).
    std::function<bool()> interrupted;
};

struct EpochRecord {
    int epoch = 0;
    double loss = 0;
    std::optional<double> accuracy;
};

struct TrainOutcome {
    std::vector<std::pair<std::string, Value>> parameters;  // in declaration order
    std::vector<EpochRecord> log;
    std::optional<double> test_loss, test_accuracy;
    bool lifted = false;  // per-sample model trained on batches (else sample by sample or batch model)
};

class Session {
public:
    // Parses and binds once to report errors now; `name` is what diagnostics call the text;
    // `from_file`: it is a file's path (else the text was given, as `matcalc -e` takes it).
    Session(std::string text, std::string name, bool from_file);

    const std::string& text() const { return source_.text; }
    const std::string& name() const { return source_.name; }
    // The symbols in order: (name, "declared" | "defined", role, shape as in derive's JSON).
    struct SymbolInfo {
        std::string name, kind, role;
        ShapeDim rows, cols;
    };
    std::vector<SymbolInfo> symbols() const;
    // The name of the function `of` picks (the last definition without it).
    std::string function_name(const std::optional<std::string>& of) const;

    std::vector<DerivativeText> derive(const std::vector<std::string>& wrt, const std::optional<std::string>& of,
                                       bool expand) const;
    Value value(const ValuesText& at, const std::optional<std::string>& of) const;
    Eigen::MatrixXd jacobian(const std::string& wrt, const ValuesText& at, const std::optional<std::string>& of) const;
    Value gradient(const std::string& wrt, const ValuesText& at, const std::optional<std::string>& of) const;
    Eigen::MatrixXd hessian(const std::string& wrt, const ValuesText& at, const std::optional<std::string>& of) const;
    std::vector<CheckSummary> check(const std::vector<std::string>& wrt, const CheckSettings& settings,
                                    const std::optional<ValuesText>& at, const std::optional<std::string>& of) const;
    // Errors in the claim are located in it (its text named "claim").
    CompareSummary compare(const std::string& wrt, const std::string& claim, const CheckSettings& settings,
                           const std::optional<std::string>& of) const;
    std::string codegen(const std::vector<std::string>& wrt, const std::string& lang,
                        const std::optional<std::string>& of, bool expand) const;
    TrainOutcome train(const TrainSettings& settings, const std::optional<std::string>& of) const;

private:
    Source source_;
    bool from_file_ = false;
};

// An InputError (or another failure of the engine on this input) as a BindingInputError:
// rendered against `blame`, with a line and column when `blame` is the model's text.
[[noreturn]] void rethrow_as_binding_error(const Source& model, const Source& blame);

}  // namespace matcalc::python
