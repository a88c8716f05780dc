// What `matcalc derive | eval | check` share (cli.cpp, cli_derive.cpp): a run's session
// (the model as written and its views, the variables, the values, the output budget) and
// the derivatives taken in it. Internal to the command line.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>

#include "cli_options.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc::cli {

// A model bound for one purpose: as written, or with one definition cut into a
// variable (for --wrt that definition: ∂L/∂z holds everything else fixed).
struct View {
    std::unique_ptr<Model> model;
    const Symbol* function = nullptr;
    Env env;
    std::unique_ptr<Simplifier> simplifier;       // see prepare_names
    std::unordered_map<Expr, std::string> names;  // definitions, to print by name
};

// The numbers a run writes, held to --max-output (README, Limits): refused before anything
// is evaluated when even two bytes an entry (a digit and a separator) would exceed it, and
// on their text before it is written.
struct OutputBudget {
    std::size_t limit = std::size_t{16} << 20;
    double entries = 0;
    std::size_t bytes = 0;

    [[noreturn]] void refuse(const std::string& what) const {
        throw InputError(fmt::format("the numbers would be {}, more than the limit of {} MiB of output (--max-output)",
                                     what, limit >> 20),
                         std::nullopt,
                         {"evaluate at fewer entries (smaller sizes in --at), or `eval` a reduction of it "
                          "(sum(...), a norm, one entry's definition)"});
    }
    void expect(Eigen::Index rows, Eigen::Index cols, const char* what) {
        entries += double(rows) * double(cols);
        if (2 * entries > double(limit))
            refuse(fmt::format("at least {} MiB of text ({} entries in all; {} is {} × {})",
                               static_cast<long long>(2 * entries / double(1 << 20)), entries, what, rows, cols));
    }
    void wrote(std::size_t n) {
        bytes += n;
        if (bytes > limit) refuse(fmt::format("more than {} bytes of text", bytes));
    }
};

// The loaded model, the function and the variables of one run.
struct Session {
    OutputBudget output;
    Source source;
    std::vector<View> views;  // [0]: the model as written
    struct Wrt {
        std::size_t view;
        const Symbol* symbol;
    };
    std::vector<Wrt> wrt;
    std::optional<Source> values_source;
    const Source* blame = nullptr;  // the text an InputError's position refers to
    std::vector<std::string> notes;  // for stderr, whatever the outcome (--infer's assumptions)

    View& main() { return views.front(); }
};

// One derivative, taken in the view its variable belongs to.
struct Derived {
    View* view = nullptr;
    const Symbol* x = nullptr;
    Expr d = nullptr;       // simplified, in the requested layout
    Eigen::MatrixXd value;  // with --at
    Expr gradient = nullptr, hessian = nullptr;  // with --hessian: ∇f and ∂vec(∇f)/∂vec(x)
    const Symbol* direction = nullptr;           // with --direction V: `hessian` is ∇²f V, shaped like x
    Eigen::MatrixXd hessian_value;               // with --hessian and --at
};

// Loads the model (and a view per definition --wrt cuts), the values of --at and the
// variables of --wrt.
void open(const Options& o, Session& s);

// Every --wrt derivative (and with `hessian` its Hessian, or with `direction` the
// Hessian–vector product), simplified, in the requested layout; values with --at.
std::vector<Derived> derive_all(Session& s, Layout layout, bool with_values, bool hessian = false,
                                const std::optional<std::string>& direction = std::nullopt);

// ∂f/∂x, or with order 2 the Hessian's ∂²f/∂x²: the left-hand side of a result.
std::string header(Style style, const std::string& f, const Symbol& x, const SizeTable& z, int order = 1);
std::string matrix_text(const Eigen::MatrixXd& m, OutputBudget& budget);
std::string printed(const Context& cx, Expr e, PrintOptions po);
std::string shape_json_dim(const SizeTable& z, Dim d);
bool declared_matrix(const Symbol& s);
void write_declared(json::Writer& w, const Eigen::MatrixXd& m, const Symbol& s);

// `matcalc derive` (cli_derive.cpp).
int derive(const Options& o, Session& s, std::ostream& out);

}  // namespace matcalc::cli
