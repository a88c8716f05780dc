// `matcalc help functions`: the operators and functions of the formula language, read from
// the operation table. Each row's example is derived by the engine itself, so the
// derivative column is what matcalc prints, and the reference cannot drift from the
// table (docs/language.md holds the Markdown form; a test compares the two).
#include <fmt/format.h>

#include "cli_options.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/frontend/prelude.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc::cli {

namespace {

// A row the language lets people write: an operator or a function name.
bool documented(const OpInfo& op) { return !op.doc.summary.empty(); }

std::string spellings_of(const OpInfo& op) {
    std::string s;
    auto add = [&](std::string_view w) { s += (s.empty() ? "" : ", ") + std::string(w); };
    for (std::string_view w : op.spellings) add(w);
    for (std::string_view w : op.call_names) add(w);
    return s;
}

std::string arity_of(const OpInfo& op) {
    if (!op.doc.arguments.empty()) return std::string(op.doc.arguments);
    if (op.min_args == op.max_args) return std::to_string(op.min_args);
    return fmt::format("{}–{}", op.min_args, op.max_args);
}

// The example's model and, for each declared variable, its derivative as matcalc prints it
// (Unicode, numerator layout; a gradient for a matrix variable).
struct Example {
    std::string formula;                  // "f = exp(x), x : scalar"
    std::vector<std::string> derivatives; // "∂f/∂x = exp(x)"
};

Example derive_example(std::string_view text) {
    Example ex;
    Model model = load_model(Source{"example", std::string(text)});
    Context& cx = model.cx();
    const Symbol& f = model.function(std::nullopt);
    std::string declarations;
    for (const Symbol& s : model.symbols())
        if (s.kind == Symbol::Kind::Declared)
            declarations += (declarations.empty() ? "" : ", ") + s.name + " : " + cx.sizes().describe(cx.shape(s.expr));
    PrintOptions po{Style::Unicode};
    ex.formula = fmt::format("{} = {} ({})", f.name, print(cx, f.expr, po), declarations);
    Simplifier simplifier(cx);
    for (const Symbol& s : model.symbols()) {
        if (s.kind != Symbol::Kind::Declared || !depends_on(f.expr, s.expr)) continue;
        bool matrix = s.type == ast::TypeSpec::Kind::Matrix;
        Expr d = simplifier(derivative(cx, f.expr, s.expr, Layout::Numerator, matrix));
        ex.derivatives.push_back(fmt::format("∂{}/∂{} = {}", f.name, s.name, print(cx, d, po)));
    }
    return ex;
}

std::string escape_markdown(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else out += c;
    }
    return out;
}

std::string code(const std::string& s) { return "`" + s + "`"; }

}  // namespace

std::string function_reference(bool markdown) {
    std::string operators, functions;
    for (const OpInfo& op : op_table()) {
        if (!documented(op)) continue;
        bool is_operator = !op.spellings.empty();
        std::string& out = is_operator ? operators : functions;
        std::string formulas, derivatives, examples;  // examples: the text form, one per line
        for (std::size_t start = 0; start < op.doc.examples.size();) {
            std::size_t end = std::min(op.doc.examples.find('\n', start), op.doc.examples.size());
            Example ex = derive_example(op.doc.examples.substr(start, end - start));
            start = end + 1;
            std::string ds;
            for (const std::string& d : ex.derivatives) ds += (ds.empty() ? "" : "; ") + d;
            formulas += (formulas.empty() ? "" : "<br>") + code(ex.formula);
            derivatives += (derivatives.empty() ? "" : "<br>") + code(ds);
            examples += fmt::format("    {}  ⇒  {}\n", ex.formula, ds);
        }
        if (markdown) {
            std::string names;
            for (std::string_view w : op.spellings) names += (names.empty() ? "" : " ") + code(std::string(w));
            for (std::string_view w : op.call_names) names += (names.empty() ? "" : " ") + code(std::string(w));
            out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", escape_markdown(names), arity_of(op),
                               escape_markdown(std::string(op.doc.summary)), escape_markdown(std::string(op.doc.shape)),
                               escape_markdown(formulas), escape_markdown(derivatives));
        } else {
            out += fmt::format("{}\n    {}\n    arguments: {}; shape: {}\n{}", spellings_of(op), op.doc.summary,
                               arity_of(op), op.doc.shape, examples);
        }
    }
    // The prelude's functions: defined by a formula, derived through it.
    std::string defined;
    for (const PreludeFunction& pf : prelude()) {
        std::string params;
        for (const std::string& p : pf.parameters) params += (params.empty() ? "" : ", ") + p;
        std::string declarations;
        for (const std::string& p : pf.parameters) declarations += p + " : scalar; ";
        Example ex = derive_example(declarations + "f = " + pf.name + "(" + params + ")");
        std::string ds;
        for (const std::string& d : ex.derivatives) ds += (ds.empty() ? "" : "; ") + d;
        const std::string definition = fmt::format("{}({}) = {}", pf.name, params, pf.body);
        if (markdown)
            defined += fmt::format("| {} | {} | {} | {} |\n", escape_markdown(code(definition)), escape_markdown(pf.summary),
                                   escape_markdown(code(ex.formula)), escape_markdown(code(ds)));
        else
            defined += fmt::format("{}\n    {}\n    {}  ⇒  {}\n", definition, pf.summary, ex.formula, ds);
    }
    if (markdown) {
        const char* head = "| spelling | arguments | meaning | shape | example | its derivative |\n"
                           "|---|---|---|---|---|---|\n";
        return fmt::format("#### Operators\n\n{}{}\n#### Functions\n\n{}{}\n#### Functions defined by formulas\n\n"
                           "Each is replaced by its formula where it is called (src/frontend/prelude.txt), and "
                           "differentiated through it.\n\n"
                           "| definition | meaning | example | its derivative |\n|---|---|---|---|\n{}",
                           head, operators, head, functions, defined);
    }
    return "Operators (an example of each, with its derivatives as matcalc derives them)\n\n" + operators +
           "\nFunctions\n\n" + functions + "\nFunctions defined by formulas (replaced by the formula where called)\n\n" +
           defined;
}

}  // namespace matcalc::cli
