// `matcalc derive` (README, Commands): each derivative (and Hessian) in the requested
// format — Unicode, text, LaTeX (with the piecewise cases form), Markdown, JSON — with its
// named quantities, its values at --at and, with --steps, the derivation step by step.
#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "cli_session.hpp"
#include "matcalc/cli/cli.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/steps/steps.hpp"

namespace matcalc::cli {

namespace {

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

}  // namespace

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

}  // namespace matcalc::cli
