// The command line's entry (run_cli) and `matcalc eval | check | help`: loading the model,
// the values and the variables of a run (cli_session.hpp, shared with `derive` in
// cli_derive.cpp). Every input problem ends here as exit code 2 with a diagnostic in the
// compiler form.
#include "matcalc/cli/cli.hpp"

#include "cli_options.hpp"
#include "cli_session.hpp"

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
using cli::Session;

namespace cli {

std::string shape_json_dim(const SizeTable& z, Dim d) {
    d = z.resolve(d);
    return is_symbol(d) ? json::quote(z.name(d)) : std::to_string(d);
}




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
std::string header(Style style, const std::string& f, const Symbol& x, const SizeTable& z, int order) {
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

std::vector<Derived> derive_all(Session& s, Layout layout, bool with_values, bool hessian,
                                const std::optional<std::string>& direction) {
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

}  // namespace cli

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
        int status = o.command == "derive"  ? cli::derive(o, session, out)
                     : o.command == "eval"    ? cli::eval(o, session, out)
                     : o.command == "train"   ? cli::train(o, out, err)
                     : o.command == "codegen" ? cli::codegen(o, out, err)
                     : o.command == "compare" ? cli::compare(o, out, err)
                                              : cli::check(o, session, out);
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
