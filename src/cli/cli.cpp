// `matcalc derive | eval | check`: options, loading the model and the values, and the
// output formats of README, Commands. Every input problem ends here as exit code 2 with a
// diagnostic in the compiler form.
#include "matcalc/cli/cli.hpp"

#include "cli_options.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "matcalc/numeric/associate.hpp"
#include "matcalc/apps/check.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/io/output_file.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "matcalc/steps/steps.hpp"
#include "matcalc/version.hpp"

namespace matcalc {

using cli::Options;
using cli::UsageError;
using cli::read_source;

namespace {

std::string shape_json_dim(const SizeTable& z, Dim d) {
    d = z.resolve(d);
    return is_symbol(d) ? json::quote(z.name(d)) : std::to_string(d);
}

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

void prepare_names(const Options& o, View& v);

void load_view(const Options& o, Session& s, View& v) {
    v.function = &v.model->function(o.of);
    prepare_names(o, v);
    if (!o.at) return;
    s.blame = &*s.values_source;
    v.env = load_values(*v.model, *s.values_source);
    s.blame = &s.source;
    // A cut definition takes the value of its expression at this point.
    for (const Symbol& sym : v.model->symbols())
        if (sym.cut_from && !v.env.values.count(sym.name)) {
            require_values(*v.model, sym.cut_from, v.env);
            v.env.values[sym.name] = evaluate(v.model->cx(), sym.cut_from, v.env);
        }
}

void open(const Options& o, Session& s) {
    s.source = o.model_text ? Source{"-e", *o.model_text} : read_source(*o.model_file, kMaxInputBytes);
    s.blame = &s.source;
    if (o.at) s.values_source = cli::read_values_argument("--at", *o.at, json::kMaxInputBytes);
    BindOptions binding;
    binding.infer = o.infer;
    s.views.push_back(View{std::make_unique<Model>(load_model(s.source, binding)), nullptr, {}, nullptr, {}});
    if (!s.main().model->assumed().empty()) s.notes.push_back(cli::assumption_note(*s.main().model));
    load_view(o, s, s.main());
    Model& probe = *s.main().model;
    for (const std::string& w : o.wrt) {
        const Symbol* sym = probe.find(w);
        if (!sym) {
            std::string hint;
            for (const Symbol& c : probe.symbols()) hint += (hint.empty() ? "" : ", ") + c.name;
            throw InputError(fmt::format("--wrt {}: the model has no symbol named '{}'", w, w),
                             std::nullopt, {fmt::format("the model's symbols: {}", hint.empty() ? "none" : hint)});
        }
        if (sym->kind == Symbol::Kind::Declared) {
            s.wrt.push_back({0, sym});
            continue;
        }
        if (sym == s.main().function)
            throw InputError(fmt::format("--wrt {}: that is the function being differentiated", w));
        BindOptions cut = binding;
        cut.free_definitions.push_back(w);
        View v{std::make_unique<Model>(load_model(s.source, cut)), nullptr, {}, nullptr, {}};
        load_view(o, s, v);
        s.views.push_back(std::move(v));
        s.wrt.push_back({s.views.size() - 1, s.views.back().model->find(w)});
    }
}

// ∂f/∂x, or with order 2 the Hessian's ∂²f/∂x²: the left-hand side of a result.
std::string header(Style style, const std::string& f, const Symbol& x, const SizeTable& z, int order = 1) {
    bool second = order == 2;
    switch (style) {
    case Style::Ascii: return second ? fmt::format("d2{}/d{}2", f, x.name) : fmt::format("d{}/d{}", f, x.name);
    case Style::Unicode: return second ? fmt::format("∂²{}/∂{}²", f, x.name) : fmt::format("∂{}/∂{}", f, x.name);
    case Style::Latex:
        return fmt::format("\\frac{{\\partial{} {}}}{{\\partial {}{}}}", second ? "^2" : "",
                           latex_name(f, kScalarShape, z), latex_name(x.name, x.expr->shape, z), second ? "^2" : "");
    }
    return {};
}

std::string matrix_text(const Eigen::MatrixXd& m, OutputBudget& budget) {
    std::string text = value_json(m);
    budget.wrote(text.size());
    return text;
}

// A printed derivative; a text too large to be of use (a DAG printed as a tree can be
// exponentially longer than itself) is an input error rather than a cut-off line.
std::string printed(const Context& cx, Expr e, PrintOptions po) {
    po.max_length = std::size_t{16} << 20;
    std::string s = print(cx, e, po);
    if (s.size() > po.max_length)
        throw InputError("the result is too large to print (more than 16 MiB of text)", std::nullopt,
                         {"give intermediate quantities names with definitions: results print them by name"});
    return s;
}

bool declared_matrix(const Symbol& s) { return s.type == ast::TypeSpec::Kind::Matrix; }

// A variable's value or gradient written as the variable was declared: a number, a
// flat list (vectors, vector(1) included) or a list of rows (matrices).
void write_declared(json::Writer& w, const Eigen::MatrixXd& m, const Symbol& s) {
    switch (s.type) {
    case ast::TypeSpec::Kind::Scalar: w.number(m(0, 0)); return;
    case ast::TypeSpec::Kind::Vector: w.numbers(vec_order(m)); return;
    case ast::TypeSpec::Kind::Matrix: write_rows(w, m); return;
    }
}

// The simplifier of a view and the names it prints with (none with --expand).
void prepare_names(const Options& o, View& v) {
    v.simplifier = std::make_unique<Simplifier>(v.model->cx());
    if (!o.expand) {
        NamedExpr self{v.function->name, v.function->expr};
        v.names = name_definitions(*v.simplifier, v.model->definitions(v.function), &self);
    }
    // The function itself is never printed by another definition's name: with s = 1 / (1 +
    // e⁻ᶻ) (which simplifies to σ(z)) and ŷ = σ(z), ∂ŷ/∂z is σ(z) (1 − σ(z)), not s (1 − s).
    // (It is printed by its own name where name_definitions gave it one: −M⁻¹ w.)
    if (auto it = v.names.find(v.function->expr); it != v.names.end() && it->second != v.function->name)
        v.names.erase(it);
}

// The piecewise form of a derivative with step(z) of one scalar z: the two branches
// simplified, as the lecture writes ∂max(0, z)/∂z. Empty when the derivative has no
// such step (then it prints as it is).
std::string latex_cases(View& v, Expr d, const PrintOptions& po) {
    Context& cx = v.model->cx();
    Expr step = nullptr;
    for (Expr e : reachable(cx, std::span<const Expr>(&d, 1))) {
        if (e->op->id != Op::Step) continue;
        if (!cx.is_scalar(e) || step) return {};  // elementwise, or two kinks
        step = e;
    }
    if (!step) return {};
    Expr on = (*v.simplifier)(cx.substitute(d, step, cx.constant(1.0)));
    Expr off = (*v.simplifier)(cx.substitute(d, step, cx.constant(0.0)));
    return fmt::format("\\begin{{cases}} {} & \\text{{if }} {} > 0 \\\\ {} & \\text{{otherwise}} \\end{{cases}}",
                       printed(cx, on, po), printed(cx, step->args[0], po), printed(cx, off, po));
}

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

// The gradients of a scalar function with respect to all the variables of one view, from
// one reverse sweep (a network's every parameter costs one gradient, not one each). Empty
// when the function is not scalar or a derivative is not supported: then each variable's
// derivative is taken alone, and the error names it.
std::unordered_map<const Symbol*, Expr> swept_gradients(Session& s, std::size_t view) {
    View& v = s.views[view];
    Context& cx = v.model->cx();
    std::vector<const Symbol*> symbols;
    std::vector<Expr> xs;
    for (const Session::Wrt& w : s.wrt)
        if (w.view == view) symbols.push_back(w.symbol), xs.push_back(w.symbol->expr);
    std::unordered_map<const Symbol*, Expr> out;
    if (xs.size() < 2 || !cx.is_scalar(v.function->expr)) return out;
    try {
        std::vector<Expr> gs = gradients(cx, v.function->expr, xs);
        for (std::size_t i = 0; i < xs.size(); ++i) out.emplace(symbols[i], gs[i]);
    } catch (const UnsupportedDerivative&) {
        out.clear();
    } catch (const std::overflow_error&) {
        out.clear();
    }
    return out;
}

std::vector<Derived> derive_all(Session& s, Layout layout, bool with_values, bool hessian = false,
                                const std::optional<std::string>& direction = std::nullopt) {
    std::vector<Derived> results;
    std::unordered_map<const Symbol*, Expr> swept;
    for (std::size_t view = 0; view < s.views.size(); ++view) swept.merge(swept_gradients(s, view));
    for (const Session::Wrt& w : s.wrt) {
        View& v = s.views[w.view];
        Context& cx = v.model->cx();
        Expr f = v.function->expr;
        Derived r;
        r.view = &v;
        r.x = w.symbol;
        Expr x = w.symbol->expr;
        if (hessian && !cx.is_scalar(f))
            throw InputError(fmt::format("--hessian needs a scalar function; {} is a {}", v.function->name,
                                         cx.sizes().describe(cx.shape(f))));
        if (hessian) check_hessian_size(cx, f);  // before the gradient: a long program is refused at once
        try {
            auto it = swept.find(w.symbol);
            Expr g = it != swept.end() ? it->second : nullptr;
            r.d = (*v.simplifier)(g ? derivative_from_gradient(cx, g, x, layout, declared_matrix(*w.symbol))
                                    : derivative(cx, f, x, layout, declared_matrix(*w.symbol)));
            if (hessian) {
                // The Jacobian of the simplified gradient: smaller than that of the raw one.
                r.gradient = (*v.simplifier)(g ? g : gradient(cx, f, x));
                if (direction) {
                    r.direction = v.model->find(*direction);
                    if (!r.direction || r.direction->kind != Symbol::Kind::Declared)
                        throw InputError(fmt::format("--direction {}: the model declares no variable '{}'", *direction,
                                                     *direction),
                                         std::nullopt,
                                         {fmt::format("declare it with the shape of {}: {} : {}", w.symbol->name,
                                                      *direction, cx.sizes().describe(cx.shape(x)))});
                    r.hessian = (*v.simplifier)(hessian_vector_product(cx, f, x, r.direction->expr, r.gradient));
                } else {
                    r.hessian = (*v.simplifier)(matcalc::hessian(cx, f, x, r.gradient));
                }
            }
        } catch (const UnsupportedDerivative& e) {
            throw InputError(fmt::format("∂{}/∂{}: {}", v.function->name, w.symbol->name, e.what()));
        } catch (const std::overflow_error& e) {  // the Jacobian's sizes (m·n) beyond 2^40
            throw InputError(fmt::format("∂{}/∂{}: the derivative's sizes are too large ({})", v.function->name,
                                         w.symbol->name, e.what()));
        }
        if (with_values) {
            // Evaluated with its product chains associated at the least cost for these sizes.
            SizeOf size_of = [&](Dim d) { return known_size(cx.sizes(), d, v.env); };
            require_values(*v.model, r.d, v.env);
            auto [rows, cols] = concrete_shape(cx, r.d, v.env);
            s.output.expect(rows, cols, "the derivative");
            if (cx.is_scalar(f)) s.output.expect(rows, cols, "the gradient");  // JSON writes both
            if (r.hessian) {
                auto [hr, hc] = concrete_shape(cx, r.hessian, v.env);
                s.output.expect(hr, hc, r.direction ? "the Hessian–vector product" : "the Hessian");
            }
            r.value = evaluate(cx, cheapest_association(cx, r.d, size_of), v.env);
            if (r.hessian) {
                require_values(*v.model, r.hessian, v.env);
                r.hessian_value = evaluate(cx, cheapest_association(cx, r.hessian, size_of), v.env);
            }
        }
        results.push_back(std::move(r));
    }
    return results;
}

// How the result of a derivation is laid out (the last line of --steps).
std::string result_note(const Options& o, const Derived& r) {
    const Context& cx = r.view->model->cx();
    if (declared_matrix(*r.x))
        return cx.is_scalar(r.view->function->expr) ? fmt::format("the gradient, shaped like {}", r.x->name)
                                                    : "∂vec F/∂vec X";
    if (o.layout == Layout::Denominator && !cx.is_scalar(r.x->expr)) return "denominator layout";
    return "numerator layout";
}

// The subexpressions the result (and its Hessian) repeat, named (none with --expand,
// which asks for the result written out in the declared variables).
std::vector<NamedQuantity> shared_quantities_of(const Options& o, const Derived& r) {
    if (o.expand) return {};
    Expr roots[] = {r.d, r.hessian};
    return shared_quantities(r.view->model->cx(), std::span<const Expr>(roots, r.hessian ? 2 : 1), &r.view->names);
}

// "  where δ₁ = …" and the further definitions aligned below it, one a line; in LaTeX a
// comment line "% where" and one equation a line; in Markdown one display each.
// `display`: each LaTeX line as a display of its own, "$$" in Markdown, "\\[" in a
// standalone document.
enum class Display { None, Markdown, Document };
std::string where_lines(const Context& cx, const std::vector<NamedQuantity>& quantities, const PrintOptions& po,
                        const std::string& comment, Display display = Display::None) {
    if (quantities.empty()) return {};
    std::vector<std::string> lines = quantity_definitions(cx, quantities, po);
    std::string out;
    if (po.style == Style::Latex) {
        out += display == Display::None ? comment + "where\n" : "where\n";
        for (const std::string& l : lines)
            out += display == Display::Markdown   ? "$$\n" + l + "\n$$\n"
                   : display == Display::Document ? "\\[" + l + "\\]\n"
                                                  : l + "\n";
        return out;
    }
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += (i == 0 ? comment + "where " : std::string(comment.size() + 6, ' ')) + lines[i] + "\n";
    return out;
}

// The steps with the where list after them; in LaTeX (an align* block) as rows of the
// block, `\delta_{1} &= …`, so that the whole stays one formula.
std::string steps_with_where(const Context& cx, std::string steps, const std::vector<NamedQuantity>& quantities,
                             const PrintOptions& po, const std::string& comment) {
    if (quantities.empty()) return steps;
    const std::string end = "\\end{align*}";
    std::size_t at = steps.rfind(end);
    if (po.style != Style::Latex || at == std::string::npos) return steps + where_lines(cx, quantities, po, comment);
    while (at > 0 && steps[at - 1] == '\n') --at;
    std::string rows = " \\\\[6pt]\n&\\textbf{where} \\\\\n";
    std::vector<std::string> lines = quantity_definitions(cx, quantities, po);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string l = lines[i];
        l.replace(l.find(" = "), 3, " &= ");
        rows += l + (i + 1 < lines.size() ? " \\\\\n" : "");
    }
    return steps.insert(at, rows);
}

Derivation steps_of(const Options& o, const Derived& r) {
    View& v = *r.view;
    try {
        Derivation d = derive_steps(*v.model, *v.function, *r.x, r.d, result_note(o, r), !o.expand);
        // Backpropagation: asked for, or for a scalar function's brief form and its numbers.
        const bool scalar = v.model->cx().is_scalar(v.function->expr);
        if (o.steps_mode == StepsMode::Backward || (scalar && (o.steps_mode == StepsMode::Brief || o.at)))
            derive_backward(*v.model, d);
        return d;
    } catch (const UnsupportedDerivative& e) {
        throw InputError(fmt::format("--steps for ∂{}/∂{}: {}", v.function->name, r.x->name, e.what()));
    } catch (const std::overflow_error& e) {
        throw InputError(fmt::format("--steps for ∂{}/∂{}: the sizes are too large ({})", v.function->name,
                                     r.x->name, e.what()));
    }
}

int derive(const Options& o, Session& s, std::ostream& out) {
    open(o, s);
    View& main = s.main();
    const std::string& fname = main.function->name;
    Eigen::MatrixXd fvalue;
    s.output.limit = o.max_output;
    if (o.at) {
        require_values(*main.model, main.function->expr, main.env);
        auto [rows, cols] = concrete_shape(main.model->cx(), main.function->expr, main.env);
        s.output.expect(rows, cols, "the function's value");
        fvalue = evaluate(main.model->cx(), main.function->expr, main.env);
    }
    if (o.steps)  // a long program is refused before it is derived
        for (const std::string& name : o.wrt)
            if (const Symbol* x = main.model->find(name)) check_steps_length(main.model->cx(), *main.function, *x);
    std::vector<Derived> results = derive_all(s, o.layout, o.at.has_value(), o.hessian, o.direction);
    PrintOptions po;
    po.hadamard_as_otimes = o.otimes;

    std::string format = o.format.value_or("unicode");
    if (format == "json") {
        json::Writer w(2);
        w.begin_object().key("of").string(fname);
        std::size_t before = w.str().size();
        auto counted = [&] {  // the bytes of numbers just written
            s.output.wrote(w.str().size() - before);
            before = w.str().size();
        };
        if (o.at) {
            w.key("value");
            write_value(w, fvalue, main.model->cx().sizes(), main.model->cx().shape(main.function->expr));
            counted();
        }
        w.key("derivatives").begin_array();
        for (Derived& r : results) {
            Context& cx = r.view->model->cx();
            Expr f = r.view->function->expr;
            std::vector<NamedQuantity> quantities = shared_quantities_of(o, r);
            std::unordered_map<Expr, std::string> names[3];
            for (Style style : {Style::Ascii, Style::Unicode, Style::Latex})
                names[static_cast<int>(style)] = with_quantities(&r.view->names, quantities, style);
            auto style_names = [&](Style style) { return &names[static_cast<int>(style)]; };
            w.begin_object().key("wrt").string(r.x->name);
            // text, unicode, latex and shape of a formula; `prefix` names the Hessian's.
            auto formula = [&](const std::string& prefix, Expr e) {
                po.style = Style::Ascii;
                po.names = style_names(po.style);
                w.key(prefix + "text").string(printed(cx, e, po));
                po.style = Style::Unicode;
                po.names = style_names(po.style);
                w.key(prefix + "unicode").string(printed(cx, e, po));
                po.style = Style::Latex;
                po.names = style_names(po.style);
                std::string latex = printed(cx, e, po);
                if (o.cases && e == r.d)
                    if (std::string c = latex_cases(*r.view, e, po); !c.empty()) latex = c;
                w.key(prefix + "latex").string(latex);
                Shape sh = cx.shape(e);
                w.key(prefix + "shape").raw(fmt::format("[{}, {}]", shape_json_dim(cx.sizes(), sh.rows),
                                                        shape_json_dim(cx.sizes(), sh.cols)));
            };
            formula("", r.d);
            // The Hessian's formula beside the derivative's (or the Hessian–vector product's).
            if (r.direction) w.key("direction").string(r.direction->name);
            if (r.hessian) formula(r.direction ? "hessian_vector_" : "hessian_", r.hessian);
            if (!quantities.empty()) {  // the named quantities the formulas use, in order
                w.key("named").begin_array();
                for (std::size_t i = 0; i < quantities.size(); ++i) {
                    const NamedQuantity& q = quantities[i];
                    w.begin_object().key("name").string(q.ascii).key("unicode_name").string(q.unicode);
                    w.key("latex_name").string(latex_name(q.ascii, cx.shape(q.expr), cx.sizes()));
                    std::vector<NamedQuantity> one{q};
                    for (Style style : {Style::Ascii, Style::Unicode, Style::Latex}) {
                        po.style = style;
                        po.names = style_names(style);
                        std::string line = quantity_definitions(cx, one, po).front();
                        std::string_view key = style == Style::Ascii ? "text" : style == Style::Unicode ? "unicode" : "latex";
                        w.key(key).string(line.substr(line.find(" = ") + 3));
                    }
                    Shape sh = cx.shape(q.expr);
                    w.key("shape").raw(fmt::format("[{}, {}]", shape_json_dim(cx.sizes(), sh.rows),
                                                   shape_json_dim(cx.sizes(), sh.cols)));
                    w.end_object();
                }
                w.end_array();
            }
            if (o.steps) {  // the derivation as text and as LaTeX (align*)
                Derivation steps = steps_of(o, r);
                StepsPrintOptions so;
                so.print = po;
                so.print.style = Style::Unicode;
                so.print.names = style_names(Style::Unicode);
                so.mode = o.steps_mode;
                std::unordered_map<Expr, std::string> values;
                if (o.at) {
                    values = cli::steps_values(*r.view->model, steps, r.view->env, o.digits);
                    so.values = &values;
                }
                w.key("steps_unicode").string(steps_with_where(cx, format_steps(*r.view->model, steps, so), quantities,
                                                               so.print, "  "));
                so.format = StepsFormat::Latex;
                so.print.style = Style::Latex;
                so.print.names = style_names(Style::Latex);
                w.key("steps_latex").string(steps_with_where(cx, format_steps(*r.view->model, steps, so), quantities,
                                                             so.print, "% "));
            }
            if (o.at) {
                before = w.str().size();
                Eigen::MatrixXd numerator = r.value;
                bool matrix_x = declared_matrix(*r.x);
                if (o.layout == Layout::Denominator && !matrix_x) numerator.transposeInPlace();
                w.key("jacobian");
                write_rows(w, jacobian_matrix(cx, f, r.x->expr, numerator));
                if (cx.is_scalar(f)) {
                    // The gradient: the derivative's entries in the variable's own shape.
                    auto [rows, cols] = concrete_shape(cx, r.x->expr, r.view->env);
                    Eigen::MatrixXd g = numerator.reshaped(rows, cols);
                    w.key("gradient");
                    write_declared(w, g, *r.x);
                }
                if (r.direction) {
                    w.key("hessian_vector");  // shaped like the variable, as the gradient
                    write_declared(w, r.hessian_value, *r.x);
                } else if (r.hessian) {
                    w.key("hessian");
                    write_rows(w, r.hessian_value);
                }
                counted();
            }
            w.end_object();
        }
        w.end_array().end_object();
        out << w.str() << "\n";
        return kExitOk;
    }
    po.style = format == "text" ? Style::Ascii : format == "unicode" ? Style::Unicode : Style::Latex;
    bool markdown = format == "markdown";
    std::string comment = po.style != Style::Latex ? "  " : markdown ? "" : "% ";
    std::ostringstream body_out;  // a --standalone document wraps what is written here
    std::ostream& w = o.standalone ? body_out : out;
    if (o.at) w << fmt::format("{}{} = {}\n", markdown || o.standalone ? "" : comment, fname, matrix_text(fvalue, s.output));
    for (Derived& r : results) {
        Context& cx = r.view->model->cx();
        std::vector<NamedQuantity> quantities = shared_quantities_of(o, r);
        std::unordered_map<Expr, std::string> names = with_quantities(&r.view->names, quantities, po.style);
        po.names = &names;
        std::string where = where_lines(cx, quantities, po, comment,
                                        markdown ? Display::Markdown : o.standalone ? Display::Document : Display::None);
        std::string body = printed(cx, r.d, po);
        std::string cases;
        if (o.cases && po.style == Style::Latex) cases = latex_cases(*r.view, r.d, po);
        if (!cases.empty()) body = cases;
        std::string equation = header(po.style, fname, *r.x, cx.sizes()) + " = " + body;
        if (o.standalone)
            w << (o.steps ? "\\subsection*{$" + header(Style::Latex, fname, *r.x, cx.sizes()) + "$, step by step}\n"
                  : &r == &results.front() ? "\\subsection*{Results}\n" : "");
        if (o.steps) {
            StepsPrintOptions so;
            so.format = markdown ? StepsFormat::Markdown : po.style == Style::Latex ? StepsFormat::Latex : StepsFormat::Text;
            so.print = po;
            so.result_cases = cases;
            so.mode = o.steps_mode;
            Derivation steps = steps_of(o, r);
            std::unordered_map<Expr, std::string> values;
            if (o.at) {
                values = cli::steps_values(*r.view->model, steps, r.view->env, o.digits);
                so.values = &values;
            }
            w << steps_with_where(cx, format_steps(*r.view->model, steps, so), quantities, so.print, comment);
            where.clear();  // written with the steps
        } else if (markdown) {
            w << "$$\n" << equation << "\n$$\n";
        } else if (o.standalone) {
            w << "\\[" << equation << "\\]\n";
        } else {
            w << equation << "\n";
        }
        if (o.at) w << comment << "at --at: " << matrix_text(r.value, s.output) << "\n";
        if (r.hessian) {
            std::string lhs = header(po.style, fname, *r.x, cx.sizes(), 2);
            if (r.direction)
                lhs += " " + (po.style == Style::Latex ? latex_name(r.direction->name, r.direction->expr->shape, cx.sizes())
                                                       : r.direction->name);
            std::string h = lhs + " = " + printed(cx, r.hessian, po);
            w << (markdown ? "$$\n" + h + "\n$$" : o.standalone ? "\\[" + h + "\\]" : h) << "\n";
            if (o.at) w << comment << "at --at: " << matrix_text(r.hessian_value, s.output) << "\n";
        }
        w << where;
        if (o.steps && &r != &results.back()) w << "\n";
    }
    if (o.standalone) out << latex_document(*main.model, main.function->name, body_out.str());
    return kExitOk;
}

int eval(const Options& o, Session& s, std::ostream& out) {
    open(o, s);
    View& v = s.main();
    Expr f = v.function->expr;
    require_values(*v.model, f, v.env);
    s.output.limit = o.max_output;
    auto [rows, cols] = concrete_shape(v.model->cx(), f, v.env);
    s.output.expect(rows, cols, "the value");
    Eigen::MatrixXd value = evaluate(v.model->cx(), f, v.env, o.precision);
    if (o.format.value_or("text") == "json") {
        json::Writer w(0);
        w.begin_object().key("of").string(v.function->name).key("value");
        write_value(w, value, v.model->cx().sizes(), v.model->cx().shape(f));
        s.output.wrote(w.str().size());
        w.end_object();
        out << w.str() << "\n";
    } else {
        std::string text = matrix_text(value, s.output);  // refused before anything is written
        out << v.function->name << " = " << text << "\n";
    }
    return kExitOk;
}

int check(const Options& o, Session& s, std::ostream& out) {
    open(o, s);
    std::vector<Derived> results = derive_all(s, Layout::Numerator, false, o.hessian);
    bool ok = true;
    for (Derived& d : results) {
        View& v = *d.view;
        // With --hessian, the Hessian against finite differences of the gradient.
        Expr f = o.hessian ? d.gradient : v.function->expr;
        Expr derivative = o.hessian ? d.hessian : d.d;
        std::vector<CheckResult> r = check_derivatives(*v.model, f, {d.x->expr}, {derivative},
                                                       o.at ? &v.env : nullptr, o.check);
        const CheckResult& c = r.at(0);
        ok = ok && c.ok;
        PrintOptions po;
        po.names = &v.names;
        std::string lhs = header(Style::Unicode, v.function->name, *d.x, v.model->cx().sizes(), o.hessian ? 2 : 1);
        out << fmt::format("{} = {}\n", lhs, printed(v.model->cx(), derivative, po));
        out << fmt::format("  {}: largest error {:.3g} (tolerance {:.3g}) over {} point{} (seed {}), at point {}, Jacobian entry ({}, {}): symbolic {:.17g}, finite differences {:.17g}, absolute error {:.3g}, relative error {:.3g}\n",
                           c.ok ? "ok" : "MISMATCH", c.max_error, o.check.tolerance, o.check.points,
                           o.check.points == 1 ? "" : "s", o.check.seed, c.point + 1, c.row + 1, c.col + 1,
                           c.symbolic, c.numeric, c.absolute_error, c.relative_error);
        if (!o.check.extreme) continue;
        // --extreme: the derivative is finite wherever the function is, at large and tiny scales.
        ExtremeResult x = check_extremes(*v.model, f, {d.x->expr}, {derivative}, o.at ? &v.env : nullptr, o.check).at(0);
        ok = ok && x.ok;
        if (x.ok)
            out << fmt::format("  extreme: ok: finite at {} points of scales 1e3, 1e8 and 1e-8 where {} is finite "
                               "({} skipped where it is not)\n", x.points, v.function->name, x.skipped);
        else
            out << fmt::format("  extreme: NOT FINITE: {} at a point of scale {:g} (point {}), entry ({}, {}), where {} "
                               "is finite\n", std::isnan(x.derivative) ? "NaN" : x.derivative > 0 ? "+inf" : "-inf", x.scale, x.point + 1, x.row + 1, x.col + 1,
                               v.function->name);
    }
    return ok ? kExitOk : kExitCheckFailed;
}

}  // namespace

// `matcalc help [COMMAND | functions [--markdown] | --all]`, `matcalc --help`.
int help(const std::vector<std::string>& args, std::ostream& out) {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::vector<std::string_view> commands = cli::command_names();
    if (rest.empty()) {
        out << cli::overview_help();
    } else if (rest[0] == "functions" && rest.size() <= 2 && (rest.size() == 1 || rest[1] == "--markdown")) {
        out << cli::function_reference(rest.size() == 2);
    } else if (rest.size() == 1 && rest[0] == "--all") {
        out << cli::full_help();
    } else if (rest.size() == 1 && std::count(commands.begin(), commands.end(), std::string_view(rest[0]))) {
        out << cli::command_help(rest[0]);
    } else {
        std::vector<std::string> topics{"functions"};
        for (std::string_view c : cli::command_names()) topics.emplace_back(c);
        std::string hint;
        if (auto note = did_you_mean(rest[0], topics); !note.empty()) hint = "; " + note.front();
        throw UsageError(fmt::format("no help on '{}'{} (help takes a command or 'functions')", rest[0], hint), "help");
    }
    return kExitOk;
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Session session;
    struct Notes {  // printed last, on success and failure alike
        Session& s;
        std::ostream& err;
        ~Notes() {
            for (const std::string& n : s.notes) err << n << "\n";
        }
    } notes{session, err};
    try {
        if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) return help(args, out);
        if (args.size() == 1 && args[0] == "--version") {
            out << "matcalc " << kVersion << "\n";
            return kExitOk;
        }
        Options o = cli::parse_options(args);
        if (o.help) {
            out << cli::command_help(o.command);
            return kExitOk;
        }
        ScopedBudget budget(o.budget);
        int status = o.command == "derive"  ? derive(o, session, out)
                     : o.command == "eval"    ? eval(o, session, out)
                     : o.command == "train"   ? cli::train(o, out, err)
                     : o.command == "codegen" ? cli::codegen(o, out, err)
                     : o.command == "compare" ? cli::compare(o, out, err)
                                              : check(o, session, out);
        // A write error on the output (a full disk, /dev/full) is not a success.
        out.flush();
        if (!out) throw OutputError("cannot write the output to standard output");
        return status;
    } catch (const UsageError& e) {
        // One short line, and where to look: not the whole usage.
        err << "matcalc: error: " << shorten(e.what(), 4 * kMaxEchoed) << "\n";
        if (!e.see.empty()) err << "see 'matcalc " << e.see << "'\n";
        return kExitBadInput;
    } catch (const InputError& e) {
        err << render_error(session.blame ? *session.blame : Source{"matcalc", ""}, e);
        return kExitBadInput;
    } catch (const OutputError& e) {
        err << "matcalc: error: " << shorten(e.what(), 4 * kMaxEchoed) << "\n";
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        err << "matcalc: error: out of memory (the input is too large)\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        err << "matcalc: internal error: " << e.what() << "\n";
        return 3;
    }
}

}  // namespace matcalc
