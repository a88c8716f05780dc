// The Python API's calls over the engine (session.hpp). derive, value, jacobian, gradient
// and hessian follow `matcalc derive` (src/cli/cli.cpp: open, load_view, derive_all) step
// for step — the same views for definitions cut into variables, the same simplifier
// prepared the same way, the same association of products before evaluation — because
// the binding promises the command line's formulas and doubles, not merely close ones.
#include "session.hpp"

#include <memory>
#include <unordered_map>

#include <fmt/format.h>

#include "matcalc/apps/check.hpp"
#include "matcalc/apps/compare.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/codegen/codegen.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/associate.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc::python {

namespace {

ShapeDim shape_dim(const SizeTable& z, Dim d) {
    d = z.resolve(d);
    if (is_symbol(d)) return z.name(d);
    return static_cast<std::int64_t>(d);
}

bool declared_matrix(const Symbol& s) { return s.type == ast::TypeSpec::Kind::Matrix; }

// A model bound for one purpose: as written, or with one definition cut into a variable
// (derive("z"): ∂L/∂z holds everything else fixed), as the command line's View.
struct View {
    std::unique_ptr<Model> model;
    const Symbol* function = nullptr;
    Env env;
    std::unique_ptr<Simplifier> simplifier;
    std::unordered_map<Expr, std::string> names;
};

// One call: the model bound afresh, its views, the variables, and which text an input
// error points into.
struct Run {
    const Source& source;
    const Source*& blame;
    std::optional<Source> values;
    std::vector<View> views;
    struct Wrt {
        std::size_t view;
        const Symbol* symbol;
    };
    std::vector<Wrt> wrt;
    bool expand = false;
    View& main() { return views.front(); }
};

// The function `of` names, with a message that speaks of the Python argument.
const Symbol& function_of(const Model& model, const std::optional<std::string>& of) {
    if (of && !model.find(*of)) {
        std::vector<std::string> names;
        for (const Symbol& s : model.symbols())
            if (s.kind == Symbol::Kind::Defined) names.push_back(s.name);
        throw InputError(fmt::format("of='{}': the model has no definition named '{}'", *of, *of), std::nullopt,
                         did_you_mean(*of, names));
    }
    return model.function(of);
}

void load_view(Run& r, View& v, const std::optional<std::string>& of) {
    v.function = &function_of(*v.model, of);
    v.simplifier = std::make_unique<Simplifier>(v.model->cx());
    if (!r.expand) {
        NamedExpr self{v.function->name, v.function->expr};
        v.names = name_definitions(*v.simplifier, v.model->definitions(v.function), &self);
    }
    if (!r.values) return;
    r.blame = &*r.values;
    v.env = load_values(*v.model, *r.values);
    r.blame = &r.source;
    // A cut definition takes the value of its expression at this point.
    for (const Symbol& sym : v.model->symbols())
        if (sym.cut_from && !v.env.values.count(sym.name)) {
            require_values(*v.model, sym.cut_from, v.env);
            v.env.values[sym.name] = evaluate(v.model->cx(), sym.cut_from, v.env);
        }
}

void open(Run& r, const std::optional<std::string>& of, const std::vector<std::string>& wrt,
          const std::optional<ValuesText>& at) {
    if (at) r.values = Source{at->name, at->text};
    r.views.push_back(View{std::make_unique<Model>(load_model(r.source)), nullptr, {}, nullptr, {}});
    load_view(r, r.main(), of);
    Model& probe = *r.main().model;
    for (const std::string& w : wrt) {
        const Symbol* sym = probe.find(w);
        if (!sym) {
            std::vector<std::string> names;
            for (const Symbol& c : probe.symbols()) names.push_back(c.name);
            InputError e(fmt::format("wrt '{}': the model has no symbol named '{}'", w, w), std::nullopt,
                         did_you_mean(w, names));
            std::string all;
            for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
            e.add_note(fmt::format("the model's symbols: {}", all.empty() ? "none" : all));
            throw e;
        }
        if (sym->kind == Symbol::Kind::Declared) {
            r.wrt.push_back({0, sym});
            continue;
        }
        if (sym == r.main().function)
            throw InputError(fmt::format("wrt '{}': that is the function being differentiated", w));
        BindOptions cut;
        cut.free_definitions.push_back(w);
        View v{std::make_unique<Model>(load_model(r.source, cut)), nullptr, {}, nullptr, {}};
        load_view(r, v, of);
        r.views.push_back(std::move(v));
        r.wrt.push_back({r.views.size() - 1, r.views.back().model->find(w)});
    }
}

std::string printed(const Context& cx, Expr e, PrintOptions po) {
    po.max_length = std::size_t{16} << 20;
    std::string s = print(cx, e, po);
    if (s.size() > po.max_length)
        throw InputError("the result is too large to print (more than 16 MiB of text)", std::nullopt,
                         {"give intermediate quantities names with definitions: results print them by name"});
    return s;
}

struct Derived {
    View* view = nullptr;
    const Symbol* x = nullptr;
    Expr d = nullptr;
    Eigen::MatrixXd value;
    Expr gradient = nullptr, hessian = nullptr;
    Eigen::MatrixXd hessian_value;
};

// The gradients of a scalar function with respect to all the variables of one view from
// one reverse sweep, as the command line takes them (empty when that does not apply).
std::unordered_map<const Symbol*, Expr> swept_gradients(Run& r, std::size_t view) {
    View& v = r.views[view];
    Context& cx = v.model->cx();
    std::vector<const Symbol*> symbols;
    std::vector<Expr> xs;
    for (const Run::Wrt& w : r.wrt)
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

std::vector<Derived> derive_all(Run& r, bool with_values, bool hessian = false) {
    std::vector<Derived> results;
    std::unordered_map<const Symbol*, Expr> swept;
    for (std::size_t view = 0; view < r.views.size(); ++view) swept.merge(swept_gradients(r, view));
    for (const Run::Wrt& w : r.wrt) {
        View& v = r.views[w.view];
        Context& cx = v.model->cx();
        Expr f = v.function->expr;
        Derived d;
        d.view = &v;
        d.x = w.symbol;
        Expr x = w.symbol->expr;
        if (hessian && !cx.is_scalar(f))
            throw InputError(fmt::format("a Hessian needs a scalar function; {} is a {}", v.function->name,
                                         cx.sizes().describe(cx.shape(f))));
        try {
            auto it = swept.find(w.symbol);
            Expr g = it != swept.end() ? it->second : nullptr;
            d.d = (*v.simplifier)(g ? derivative_from_gradient(cx, g, x, Layout::Numerator, declared_matrix(*w.symbol))
                                    : derivative(cx, f, x, Layout::Numerator, declared_matrix(*w.symbol)));
            if (hessian) {
                d.gradient = (*v.simplifier)(g ? g : gradient(cx, f, x));
                d.hessian = (*v.simplifier)(matcalc::hessian(cx, f, x, d.gradient));
            }
        } catch (const UnsupportedDerivative& e) {
            throw InputError(fmt::format("∂{}/∂{}: {}", v.function->name, w.symbol->name, e.what()));
        } catch (const std::overflow_error& e) {
            throw InputError(fmt::format("∂{}/∂{}: the derivative's sizes are too large ({})", v.function->name,
                                         w.symbol->name, e.what()));
        }
        if (with_values) {
            SizeOf size_of = [&](Dim dim) { return known_size(cx.sizes(), dim, v.env); };
            require_values(*v.model, d.d, v.env);
            d.value = evaluate(cx, cheapest_association(cx, d.d, size_of), v.env);
            if (d.hessian) {
                require_values(*v.model, d.hessian, v.env);
                d.hessian_value = evaluate(cx, cheapest_association(cx, d.hessian, size_of), v.env);
            }
        }
        results.push_back(std::move(d));
    }
    return results;
}

// The form write_value (values.hpp) gives a value of this symbolic shape.
Form value_form(const Eigen::MatrixXd& m, const SizeTable& sizes, Shape symbolic) {
    Form form = Form::Rows;
    if (sizes.is_scalar(symbolic)) form = m.size() == 1 ? Form::Number : Form::List;
    else if (sizes.is_one(symbolic.rows) || sizes.is_one(symbolic.cols)) form = Form::List;
    if (form == Form::List && m.rows() != 1 && m.cols() != 1) form = Form::Rows;
    return form;
}

// The form of a variable's value or gradient as the variable was declared.
Form declared_form(const Symbol& s) {
    switch (s.type) {
    case ast::TypeSpec::Kind::Scalar: return Form::Number;
    case ast::TypeSpec::Kind::Vector: return Form::List;
    case ast::TypeSpec::Kind::Matrix: return Form::Rows;
    }
    return Form::Rows;
}

// The body of a call, its input errors turned into BindingInputError against the text
// they point into.
template <class Body>
auto guarded(const Source& source, Body body) {
    const Source* blame = &source;
    try {
        return body(blame);
    } catch (...) {
        rethrow_as_binding_error(source, *blame);
    }
}

// One derivative with values: the shared part of jacobian, gradient and hessian.
// `scalar_only` names the call when it needs a scalar function ("gradient", "hessian").
template <class Result>
Result with_derivative(const Source& source, const std::string& wrt, const ValuesText& at,
                       const std::optional<std::string>& of, const char* scalar_only, bool hessian,
                       Result (*finish)(Run&, Derived&)) {
    return guarded(source, [&](const Source*& blame) {
        Run r{source, blame, {}, {}, {}, false};
        open(r, of, {wrt}, at);
        const View& v = r.views[r.wrt.at(0).view];
        const Context& cx = v.model->cx();
        if (scalar_only && !cx.is_scalar(v.function->expr))
            throw InputError(fmt::format("{}: {} is a {}, not a scalar{}", scalar_only, v.function->name,
                                         cx.sizes().describe(cx.shape(v.function->expr)),
                                         hessian ? " (a Hessian needs a scalar function)" : " (use jacobian)"));
        std::vector<Derived> results = derive_all(r, true, hessian);
        return finish(r, results.at(0));
    });
}

Eigen::MatrixXd jacobian_of(Run&, Derived& d) {
    const Context& cx = d.view->model->cx();
    return jacobian_matrix(cx, d.view->function->expr, d.x->expr, d.value);
}

Value gradient_of(Run&, Derived& d) {
    const Context& cx = d.view->model->cx();
    auto [rows, cols] = concrete_shape(cx, d.x->expr, d.view->env);
    return Value{d.value.reshaped(rows, cols), declared_form(*d.x)};
}

Eigen::MatrixXd hessian_of(Run&, Derived& d) { return d.hessian_value; }

}  // namespace

void rethrow_as_binding_error(const Source& model, const Source& blame) {
    try {
        throw;
    } catch (const BindingInputError&) {
        throw;
    } catch (const BindingDiverged&) {
        throw;
    } catch (const InputError& e) {
        std::optional<std::size_t> line, column;
        if (&blame == &model && e.where()) {
            LineColumn lc = line_column(model.text, std::min(e.where()->begin, model.text.size()));
            line = lc.line;
            column = lc.column;
        }
        throw BindingInputError(render_error(blame, e), line, column);
    } catch (const UnsupportedDerivative& e) {
        throw BindingInputError(render_error(blame, InputError(e.what())), std::nullopt, std::nullopt);
    } catch (const std::bad_alloc&) {
        throw BindingInputError(model.name + ": error: out of memory (the input is too large)\n", std::nullopt,
                                std::nullopt);
    }
}

Session::Session(std::string text, std::string name, bool from_file)
    : source_{std::move(name), std::move(text)}, from_file_(from_file) {
    guarded(source_, [&](const Source*&) {
        load_model(source_);
        return 0;
    });
}

std::vector<Session::SymbolInfo> Session::symbols() const {
    return guarded(source_, [&](const Source*&) {
        Model model = load_model(source_);
        const SizeTable& z = model.cx().sizes();
        std::vector<SymbolInfo> out;
        for (const Symbol& s : model.symbols()) {
            Shape sh = model.cx().shape(s.expr);
            out.push_back({s.name, s.kind == Symbol::Kind::Declared ? "declared" : "defined", s.role,
                           shape_dim(z, sh.rows), shape_dim(z, sh.cols)});
        }
        return out;
    });
}

std::string Session::function_name(const std::optional<std::string>& of) const {
    return guarded(source_, [&](const Source*&) {
        Model model = load_model(source_);
        return function_of(model, of).name;
    });
}

std::vector<DerivativeText> Session::derive(const std::vector<std::string>& wrt, const std::optional<std::string>& of,
                                            bool expand) const {
    return guarded(source_, [&](const Source*& blame) {
        Run r{source_, blame, {}, {}, {}, expand};
        open(r, of, wrt, std::nullopt);
        std::vector<DerivativeText> out;
        for (Derived& d : derive_all(r, false)) {
            const Context& cx = d.view->model->cx();
            PrintOptions po;
            po.names = &d.view->names;
            DerivativeText t;
            t.of = d.view->function->name;
            t.wrt = d.x->name;
            t.latex_header = fmt::format("\\frac{{\\partial {}}}{{\\partial {}}}",
                                         latex_name(t.of, kScalarShape, cx.sizes()),
                                         latex_name(d.x->name, d.x->expr->shape, cx.sizes()));
            po.style = Style::Ascii;
            t.text = printed(cx, d.d, po);
            po.style = Style::Unicode;
            t.unicode = printed(cx, d.d, po);
            po.style = Style::Latex;
            t.latex = printed(cx, d.d, po);
            Shape sh = cx.shape(d.d);
            t.rows = shape_dim(cx.sizes(), sh.rows);
            t.cols = shape_dim(cx.sizes(), sh.cols);
            out.push_back(std::move(t));
        }
        return out;
    });
}

Value Session::value(const ValuesText& at, const std::optional<std::string>& of) const {
    return guarded(source_, [&](const Source*& blame) {
        Run r{source_, blame, {}, {}, {}, false};
        open(r, of, {}, at);
        View& v = r.main();
        const Context& cx = v.model->cx();
        Expr f = v.function->expr;
        require_values(*v.model, f, v.env);
        Eigen::MatrixXd m = evaluate(cx, f, v.env);
        Form form = value_form(m, cx.sizes(), cx.shape(f));
        return Value{std::move(m), form};
    });
}

Eigen::MatrixXd Session::jacobian(const std::string& wrt, const ValuesText& at,
                                  const std::optional<std::string>& of) const {
    return with_derivative<Eigen::MatrixXd>(source_, wrt, at, of, nullptr, false, &jacobian_of);
}

Value Session::gradient(const std::string& wrt, const ValuesText& at, const std::optional<std::string>& of) const {
    return with_derivative<Value>(source_, wrt, at, of, "gradient", false, &gradient_of);
}

Eigen::MatrixXd Session::hessian(const std::string& wrt, const ValuesText& at,
                                 const std::optional<std::string>& of) const {
    return with_derivative<Eigen::MatrixXd>(source_, wrt, at, of, "hessian", true, &hessian_of);
}

std::vector<CheckSummary> Session::check(const std::vector<std::string>& wrt, const CheckSettings& settings,
                                         const std::optional<ValuesText>& at,
                                         const std::optional<std::string>& of) const {
    return guarded(source_, [&](const Source*& blame) {
        if (settings.points < 1 || settings.points > 1000)
            throw InputError(fmt::format("points={}: give 1 to 1000 points", settings.points));
        if (!(settings.tolerance > 0))
            throw InputError(fmt::format("tolerance={}: give a positive number", settings.tolerance));
        Run r{source_, blame, {}, {}, {}, false};
        open(r, of, wrt, at);
        CheckOptions options;
        options.points = settings.points;
        options.seed = settings.seed;
        options.tolerance = settings.tolerance;
        std::vector<CheckSummary> out;
        for (Derived& d : derive_all(r, false, settings.hessian)) {
            View& v = *d.view;
            Expr f = settings.hessian ? d.gradient : v.function->expr;
            Expr derivative = settings.hessian ? d.hessian : d.d;
            std::vector<CheckResult> results =
                check_derivatives(*v.model, f, {d.x->expr}, {derivative}, at ? &v.env : nullptr, options);
            const CheckResult& c = results.at(0);
            out.push_back({d.x->name, c.ok, c.max_error, settings.tolerance, settings.points, c.point, c.row, c.col,
                           c.symbolic, c.numeric, c.absolute_error, c.relative_error});
        }
        return out;
    });
}

CompareSummary Session::compare(const std::string& wrt, const std::string& claim, const CheckSettings& settings,
                               const std::optional<std::string>& of) const {
    const Source claim_source{"claim", claim};
    return guarded(source_, [&](const Source*& blame) {
        if (settings.points < 1 || settings.points > 1000)
            throw InputError(fmt::format("points={}: give 1 to 1000 points", settings.points));
        if (!(settings.tolerance > 0))
            throw InputError(fmt::format("tolerance={}: give a positive number", settings.tolerance));
        Run r{source_, blame, {}, {}, {}, false};
        open(r, of, {wrt}, std::nullopt);
        View& v = r.views[r.wrt.at(0).view];
        blame = &claim_source;  // from here on, errors are the claim's
        Expr e = bind_claim(*v.model, claim_source);
        CompareOptions options;
        options.points = settings.points;
        options.seed = settings.seed;
        options.tolerance = settings.tolerance;
        CompareResult c = compare_claim(*v.model, *v.function, *r.wrt.at(0).symbol, e, options);
        return CompareSummary{c.equal, compared_as_name(c.compared_as), c.diagnosis, c.max_error, c.symbolic, c.points};
    });
}

std::string Session::codegen(const std::vector<std::string>& wrt, const std::string& lang,
                             const std::optional<std::string>& of, bool expand) const {
    return guarded(source_, [&](const Source*&) {
        if (lang != "numpy" && lang != "cpp" && lang != "torch")
            throw InputError(fmt::format("lang='{}': the languages are 'numpy', 'cpp' and 'torch'", lang), std::nullopt,
                             did_you_mean(lang, {"numpy", "cpp", "torch"}));
        Model model = load_model(source_);
        const Symbol& f = function_of(model, of);
        CodegenOptions options;
        // The header names the source as `matcalc codegen` does, so that the text is the
        // command line's byte for byte: the file, or "-e text" for a model given as text.
        options.source_name = from_file_ ? source_.name : "-e text";
        options.expand = expand;
        if (lang == "torch") return generate_torch(model, f, wrt, options);
        return lang == "numpy" ? generate_numpy(model, f, wrt, options) : generate_cpp(model, f, wrt, options);
    });
}

}  // namespace matcalc::python
