// `matcalc derive | eval | check`: options, loading the model and the values, and the
// output formats of design.md §3. Every input problem ends here as exit code 2 with a
// diagnostic in the compiler form.
#include "matcalc/cli.hpp"

#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "matcalc/check.hpp"
#include "matcalc/derive.hpp"
#include "matcalc/eval.hpp"
#include "matcalc/json.hpp"
#include "matcalc/model.hpp"
#include "matcalc/ops.hpp"
#include "matcalc/print.hpp"
#include "matcalc/simplify.hpp"

namespace matcalc {

namespace {

constexpr std::string_view kUsage = R"(usage:
  matcalc derive  MODEL --wrt VAR [--wrt VAR2 ...] [--of NAME]
                  [--format text|unicode|latex|json] [--layout numerator|denominator]
                  [--expand] [--at VALUES.json]
  matcalc eval    MODEL [--of NAME] --at VALUES.json [--format text|json]
  matcalc check   MODEL --wrt VAR [--of NAME] [--at VALUES.json] [--points K] [--seed S] [--tol T]
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
    CheckOptions check;
};

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

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    if (args.empty()) throw UsageError("no command given");
    o.command = args[0];
    if (o.command != "derive" && o.command != "eval" && o.command != "check") {
        if (o.command == "codegen" || o.command == "train")
            throw UsageError(fmt::format("'{}' is not available in this version yet", o.command));
        throw UsageError(fmt::format("unknown command '{}' (expected derive, eval or check)", o.command));
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string a = args[i], value;
        bool has_inline = false;
        if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
            value = a.substr(a.find('=') + 1);
            a = a.substr(0, a.find('='));
            has_inline = true;
        }
        auto next = [&]() -> std::string {
            if (has_inline) return value;
            if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value", a));
            return args[++i];
        };
        if (a == "-e") {
            if (o.model_text || o.model_file) throw UsageError("give one model: a file or -e TEXT");
            o.model_text = next();
        } else if (a == "--wrt") {
            o.wrt.push_back(next());
        } else if (a == "--of") {
            o.of = next();
        } else if (a == "--at") {
            o.at = next();
        } else if (a == "--format") {
            o.format = next();
            static const char* const formats[] = {"text", "unicode", "latex", "json"};
            if (std::find(std::begin(formats), std::end(formats), *o.format) == std::end(formats))
                throw UsageError(fmt::format("unknown format '{}' (expected text, unicode, latex or json)", *o.format));
        } else if (a == "--layout") {
            std::string l = next();
            if (l == "numerator") o.layout = Layout::Numerator;
            else if (l == "denominator") o.layout = Layout::Denominator;
            else throw UsageError(fmt::format("unknown layout '{}' (expected numerator or denominator)", l));
        } else if (a == "--expand") {
            o.expand = true;
        } else if (a == "--points") {
            o.check.points = static_cast<int>(parse_integer(a, next(), 1, 1000));
        } else if (a == "--seed") {
            o.check.seed = static_cast<std::uint64_t>(parse_integer(a, next(), 0, (1LL << 62)));
        } else if (a == "--tol") {
            std::string t = next();
            char* end = nullptr;
            double v = std::strtod(t.c_str(), &end);
            if (t.empty() || *end || !(v > 0) || !std::isfinite(v))
                throw UsageError(fmt::format("--tol expects a positive number, not '{}'", t));
            o.check.tolerance = v;
        } else if (a == "--steps" || a == "--hessian") {
            throw UsageError(fmt::format("{} is not available in this version yet", a));
        } else if (!a.empty() && a[0] == '-' && a != "-") {
            throw UsageError(fmt::format("unknown option '{}'", a));
        } else {
            if (o.model_text || o.model_file) throw UsageError(fmt::format("unexpected argument '{}'", a));
            o.model_file = a;
        }
    }
    if (!o.model_file && !o.model_text) throw UsageError("no model given (a file, or -e 'TEXT')");
    if ((o.command == "derive" || o.command == "check") && o.wrt.empty())
        throw UsageError(fmt::format("{} needs --wrt VAR", o.command));
    if (o.command == "eval" && !o.at) throw UsageError("eval needs --at VALUES.json");
    if (o.command != "derive" && o.format && (*o.format == "latex" || *o.format == "unicode") && o.command == "eval")
        throw UsageError("eval prints text or json");
    return o;
}

Source read_source(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("cannot read '{}'", path));
    std::ostringstream text;
    text << in.rdbuf();
    return Source{path, text.str()};
}

std::string shape_json_dim(const SizeTable& z, Dim d) {
    d = z.resolve(d);
    return is_symbol(d) ? json::quote(z.name(d)) : std::to_string(d);
}

// The loaded model, the function and the variables of one run.
struct Session {
    Source source;
    std::unique_ptr<Model> model;
    const Symbol* function = nullptr;
    std::vector<const Symbol*> wrt;
    std::optional<Source> values_source;
    Env env;
    const Source* blame = nullptr;  // the text an InputError's position refers to
};

void open(const Options& o, Session& s) {
    s.source = o.model_text ? Source{"-e", *o.model_text} : read_source(*o.model_file);
    s.blame = &s.source;
    // --wrt may name a definition (∂L/∂z): bind again with it cut into a variable.
    Model probe = load_model(s.source);
    BindOptions bind;
    for (const std::string& w : o.wrt) {
        const Symbol* sym = probe.find(w);
        if (!sym) {
            std::string hint;
            for (const Symbol& c : probe.symbols()) hint += (hint.empty() ? "" : ", ") + c.name;
            throw InputError(fmt::format("--wrt {}: the model has no symbol named '{}'", w, w),
                             std::nullopt, {fmt::format("the model's symbols: {}", hint.empty() ? "none" : hint)});
        }
        if (sym->kind == Symbol::Kind::Defined) {
            if (o.of ? *o.of == w : &probe.function(std::nullopt) == sym)
                throw InputError(fmt::format("--wrt {}: that is the function being differentiated", w));
            bind.free_definitions.push_back(w);
        }
    }
    s.model = std::make_unique<Model>(bind.free_definitions.empty() ? std::move(probe) : load_model(s.source, bind));
    s.function = &s.model->function(o.of);
    for (const std::string& w : o.wrt) s.wrt.push_back(s.model->find(w));
    if (o.at) {
        s.values_source = read_source(*o.at);
        s.blame = &*s.values_source;
        s.env = load_values(*s.model, *s.values_source);
        s.blame = &s.source;
        // Cut definitions take the value of their expression at this point.
        for (const Symbol& sym : s.model->symbols())
            if (sym.cut_from && !s.env.values.count(sym.name)) {
                require_values(*s.model, sym.cut_from, s.env);
                s.env.values[sym.name] = evaluate(s.model->cx(), sym.cut_from, s.env);
            }
    }
}

std::string header(Style style, const std::string& f, const Symbol& x, const SizeTable& z) {
    switch (style) {
    case Style::Ascii: return fmt::format("d{}/d{}", f, x.name);
    case Style::Unicode: return fmt::format("∂{}/∂{}", f, x.name);
    case Style::Latex:
        return fmt::format("\\frac{{\\partial {}}}{{\\partial {}}}", latex_name(f, kScalarShape, z),
                           latex_name(x.name, x.expr->shape, z));
    }
    return {};
}

std::string matrix_text(const Eigen::MatrixXd& m) { return value_json(m); }

int derive(const Options& o, Session& s, std::ostream& out) {
    open(o, s);
    Model& m = *s.model;
    Context& cx = m.cx();
    Expr f = s.function->expr;
    auto names = o.expand ? std::unordered_map<Expr, std::string>{} : m.definition_names(s.function);
    PrintOptions print_options;
    print_options.names = &names;

    struct Result {
        const Symbol* x;
        Expr d;
    };
    std::vector<Result> results;
    for (const Symbol* x : s.wrt) {
        if (x->expr->op->name != "variable")
            throw InputError(fmt::format("--wrt {}: not a variable", x->name));
        Expr raw;
        try {
            raw = derivative(cx, f, x->expr, o.layout);
        } catch (const UnsupportedDerivative& e) {
            throw InputError(fmt::format("∂{}/∂{}: {}", s.function->name, x->name, e.what()));
        }
        results.push_back({x, simplify(cx, raw)});
    }
    std::vector<Expr> roots{f};
    for (const Result& r : results) roots.push_back(r.d);
    std::vector<Eigen::MatrixXd> values;
    if (o.at) {
        for (Expr e : roots) require_values(m, e, s.env);
        values = evaluate_all(cx, roots, s.env);
    }

    std::string format = o.format.value_or("unicode");
    if (format == "json") {
        json::Writer w(2);
        w.begin_object().key("of").string(s.function->name);
        if (o.at) {
            w.key("value");
            write_value(w, values[0], cx.sizes(), cx.shape(f));
        }
        w.key("derivatives").begin_array();
        for (std::size_t k = 0; k < results.size(); ++k) {
            const Result& r = results[k];
            w.begin_object().key("wrt").string(r.x->name);
            print_options.style = Style::Ascii;
            w.key("text").string(print(cx, r.d, print_options));
            print_options.style = Style::Unicode;
            w.key("unicode").string(print(cx, r.d, print_options));
            print_options.style = Style::Latex;
            w.key("latex").string(print(cx, r.d, print_options));
            Shape sh = cx.shape(r.d);
            w.key("shape").raw(fmt::format("[{}, {}]", shape_json_dim(cx.sizes(), sh.rows), shape_json_dim(cx.sizes(), sh.cols)));
            if (o.at) {
                Eigen::MatrixXd numerator = values[k + 1];
                bool matrix_x = cx.sizes().is_matrix(cx.shape(r.x->expr));
                if (o.layout == Layout::Denominator && !matrix_x) numerator.transposeInPlace();
                w.key("jacobian");
                write_rows(w, jacobian_matrix(cx, f, r.x->expr, numerator));
                if (cx.is_scalar(f)) {
                    // The gradient, shaped like the variable.
                    Eigen::MatrixXd g = matrix_x ? numerator : Eigen::MatrixXd(numerator.transpose());
                    if (cx.sizes().is_row(cx.shape(r.x->expr))) g.transposeInPlace();
                    w.key("gradient");
                    write_value(w, g, cx.sizes(), cx.shape(r.x->expr));
                }
            }
            w.end_object();
        }
        w.end_array().end_object();
        out << w.str() << "\n";
        return kExitOk;
    }
    Style style = format == "text" ? Style::Ascii : format == "latex" ? Style::Latex : Style::Unicode;
    print_options.style = style;
    if (o.at) out << fmt::format("{} = {}\n", s.function->name, matrix_text(values[0]));
    for (std::size_t k = 0; k < results.size(); ++k) {
        const Result& r = results[k];
        std::string h = header(style, s.function->name, *r.x, cx.sizes());
        out << h << " = " << print(cx, r.d, print_options) << "\n";
        if (o.at) out << std::string(style == Style::Latex ? 0 : 2, ' ') << (style == Style::Latex ? "% " : "")
                      << "at --at: " << matrix_text(values[k + 1]) << "\n";
    }
    return kExitOk;
}

int eval(const Options& o, Session& s, std::ostream& out) {
    open(o, s);
    Model& m = *s.model;
    Expr f = s.function->expr;
    require_values(m, f, s.env);
    Eigen::MatrixXd v = evaluate(m.cx(), f, s.env);
    if (o.format.value_or("text") == "json") {
        json::Writer w(0);
        w.begin_object().key("of").string(s.function->name).key("value");
        write_value(w, v, m.cx().sizes(), m.cx().shape(f));
        w.end_object();
        out << w.str() << "\n";
    } else {
        out << s.function->name << " = " << matrix_text(v) << "\n";
    }
    return kExitOk;
}

int check(const Options& o, Session& s, std::ostream& out) {
    open(o, s);
    Model& m = *s.model;
    Context& cx = m.cx();
    Expr f = s.function->expr;
    std::vector<Expr> wrt, derivatives;
    for (const Symbol* x : s.wrt) {
        if (x->expr->op->name != "variable") throw InputError(fmt::format("--wrt {}: not a variable", x->name));
        wrt.push_back(x->expr);
        try {
            derivatives.push_back(simplify(cx, derivative(cx, f, x->expr, Layout::Numerator)));
        } catch (const UnsupportedDerivative& e) {
            throw InputError(fmt::format("∂{}/∂{}: {}", s.function->name, x->name, e.what()));
        }
    }
    std::vector<CheckResult> results = check_derivatives(m, f, wrt, derivatives, o.at ? &s.env : nullptr, o.check);
    bool ok = true;
    PrintOptions po;
    auto names = m.definition_names(s.function);
    po.names = &names;
    for (std::size_t k = 0; k < results.size(); ++k) {
        const CheckResult& r = results[k];
        ok = ok && r.ok;
        out << fmt::format("∂{}/∂{} = {}\n", s.function->name, r.wrt, print(cx, derivatives[k], po));
        out << fmt::format("  {}: largest relative error {:.3g} over {} point{} (seed {}), at point {}, Jacobian entry ({}, {}): symbolic {:.17g}, finite differences {:.17g}\n",
                           r.ok ? "ok" : "MISMATCH", r.max_error, o.check.points, o.check.points == 1 ? "" : "s",
                           o.check.seed, r.point + 1, r.row + 1, r.col + 1, r.symbolic, r.numeric);
    }
    return ok ? kExitOk : kExitCheckFailed;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
        out << kUsage;
        return kExitOk;
    }
    Session session;
    try {
        Options o = parse_options(args);
        if (o.command == "derive") return derive(o, session, out);
        if (o.command == "eval") return eval(o, session, out);
        return check(o, session, out);
    } catch (const UsageError& e) {
        err << "matcalc: error: " << e.what() << "\n" << kUsage;
        return kExitBadInput;
    } catch (const InputError& e) {
        err << render_error(session.blame ? *session.blame : Source{"matcalc", ""}, e);
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
