// Writing a derivation (steps.hpp) as text, as a LaTeX align* environment, or as
// Markdown with $$ blocks. Every format is made from the same lines (step_lines), so they
// say the same thing; the test suite renders the LaTeX forms with KaTeX.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/print/math_text.hpp"
#include "matcalc/steps/steps.hpp"

namespace matcalc {

std::string shape_text(const SizeTable& sizes, Shape shape, Style style) {
    const char* times = style == Style::Ascii ? " x " : style == Style::Latex ? " \\times " : " × ";
    if (sizes.is_scalar(shape)) return "scalar";
    return sizes.name(shape.rows) + times + sizes.name(shape.cols);
}

namespace {

// Code points, as a stand-in for the width of a line on a terminal.
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

class Writer {
public:
    Writer(const Model& model, const Derivation& d, const StepsPrintOptions& o)
        : cx_(model.cx()), d_(d), o_(o), style_(o.print.style), steps_(o.print) {
        // In the steps, what depends on the variable is written with the intermediate
        // variables (or substituted back in full, as the lecture does); the model's names
        // are kept for what does not (a2 in ∂L/∂W3).
        if (o.print.names) {
            for (const auto& [node, name] : *o.print.names)
                if (!depends_on(node, d.variable->expr)) independent_names_.emplace(node, name);
        }
        steps_.names = &independent_names_;
        // Backpropagation's symbols ∂f/∂v are named in Unicode; in ASCII df/dv, in LaTeX
        // \frac{\partial f}{\partial v}, written as they are (with the model's names in
        // LaTeX beside them).
        if (style_ == Style::Latex && !d.backward.empty()) {
            for (auto& [node, name] : independent_names_) name = latex_name(name, cx_.shape(node), cx_.sizes());
            steps_.names_verbatim = true;
        }
        for (const Adjoint& a : d.backward)
            if (style_ != Style::Unicode) independent_names_.emplace(a.symbol, adjoint_name(a));
    }

    std::vector<StepLine> lines() {
        if (o_.mode == StepsMode::Brief) return brief_lines();
        std::vector<StepLine> out;
        auto line = [&](std::string section, std::string lhs, std::string rhs, std::string note) {
            out.push_back({std::move(section), std::move(lhs), std::move(rhs), std::move(note), ""});
        };
        const std::string defs = "Intermediate variables", partials = "Local partial derivatives",
                          chain = "Chain rule", back = "Substituting back", result = "Result";
        for (const Intermediate& in : d_.intermediates) {
            line(defs, name(in.symbol), with_value(definition(in), in.symbol),
                 in.written.empty() ? "" : in.written + " in the model");
            if (in.rephrased)  // the lecture's w·x = sum(w ⊙ x)
                out.back().math_note = print(in.rephrased) + " = " + print(in.rephrased_as);
        }
        if (o_.mode == StepsMode::Backward) {
            backward_lines(out, false);
            result_line(out, result);
            return out;
        }
        for (const LocalPartial& p : d_.partials)
            line(partials, partial(d_.intermediates[p.of].symbol, p.wrt), with_value(print(p.jacobian), p.jacobian), p.rule);
        Expr x = d_.variable->expr;
        for (const ChainStep& c : d_.chain) {
            Expr v = d_.intermediates[c.of].symbol;
            std::string symbolic;
            for (std::size_t t : c.terms) {
                const LocalPartial& p = d_.partials[t];
                if (!symbolic.empty()) symbolic += " + ";
                symbolic += partial(v, p.wrt);
                if (p.wrt != x) symbolic += " " + partial(p.wrt, x);
            }
            line(chain, partial(v, x), symbolic, c.rule);
            rewrites(out, chain, c.product, "", c.simplified);
            out.back().rhs = with_value(out.back().rhs, c.result);
        }
        if (d_.substituted) {
            std::vector<std::string> names;
            for (const Intermediate& in : d_.intermediates)
                if (in.fresh) names.push_back(in.name);  // a note: math_text writes γ as \gamma
            std::string lhs = partial(d_.intermediates.back().symbol, x);
            // Shown when the result does not read as the chain's product already.
            if (print(d_.chain_result) != print(d_.result, o_.print)) {
                std::string note = names.empty() ? "the intermediate variables substituted back"
                                                 : fmt::format("{} substituted back", join(names));
                line(back, lhs, print(d_.chain_result), "");
                // Substituted back in full, the model's names read as in the result.
                rewrites(out, back, d_.substituted, note, d_.back_simplified, &o_.print);
            }
        }
        result_line(out, result);
        // With numbers: backpropagation at the point too, the lecture's worked steps.
        if (o_.values && !d_.backward.empty()) backward_lines(out, false, "Backpropagation at the point");
        return out;
    }

private:
    void result_line(std::vector<StepLine>& out, const std::string& section) const {
        const Context& cx = cx_;
        Expr r = d_.result, f = d_.function->expr, x = d_.variable->expr;
        std::string body = o_.result_cases.empty() || style_ != Style::Latex ? print(r, o_.print) : o_.result_cases;
        out.push_back({section, partial_names(d_.function->name, cx.shape(f), d_.variable->name, cx.shape(x)),
                       with_value(body, r),
                       fmt::format("{}, {}", shape_text(cx.sizes(), cx.shape(r), text_style()), d_.result_note), ""});
    }

    Style text_style() const { return style_ == Style::Ascii ? Style::Ascii : Style::Unicode; }

    std::string adjoint_name(const Adjoint& a) const {
        const bool variable = a.of >= d_.intermediates.size();
        const std::string& v = variable ? d_.variable->name : d_.intermediates[a.of].name;
        if (style_ == Style::Latex)
            return partial_names(d_.function->name, cx_.shape(d_.function->expr), v,
                                 variable ? d_.variable->expr->shape : d_.intermediates[a.of].symbol->shape);
        return style_ == Style::Ascii ? fmt::format("d{}/d{}", d_.function->name, v) : a.symbol->name;
    }

    std::string with_value(std::string rhs, Expr e) const {
        if (!o_.values) return rhs;
        auto it = o_.values->find(e);
        return it == o_.values->end() || it->second == rhs ? rhs : rhs + " = " + it->second;
    }

    // Backpropagation: ∂f/∂v for each intermediate from the function down, then the
    // variable; `brief` leaves out the lines that only pass an adjoint on (∂L/∂γ = ∂L/∂z3
    // through a sum), printing the one they pass instead.
    void backward_lines(std::vector<StepLine>& out, bool brief, const std::string& section = "Backpropagation") {
        for (const Adjoint& a : d_.backward) {
            bool passes = false;
            for (const Adjoint& b : d_.backward)
                if (&b != &a && a.formula == b.symbol) passes = true;
            if (brief && passes && a.of < d_.intermediates.size()) {
                auto it = independent_names_.find(a.formula);
                independent_names_[a.symbol] = it != independent_names_.end() ? it->second : adjoint_name(*find_adjoint(a.formula));
                continue;
            }
            std::string note = a.rule;
            if (brief) note = shape_text(cx_.sizes(), cx_.shape(a.symbol), text_style()) + ", " + note;
            out.push_back({section, adjoint_name(a), with_value(print(a.formula), a.symbol), note, ""});
        }
    }

    const Adjoint* find_adjoint(Expr symbol) const {
        for (const Adjoint& a : d_.backward)
            if (a.symbol == symbol) return &a;
        return nullptr;
    }

    // At most one line per intermediate: backpropagation for a scalar function, else the
    // forward chain's results; the shape on every line.
    std::vector<StepLine> brief_lines() {
        std::vector<StepLine> out;
        if (!d_.backward.empty()) {
            backward_lines(out, true);
        } else {
            Expr x = d_.variable->expr;
            for (std::size_t i = 0; i < d_.intermediates.size(); ++i) {
                Expr v = d_.intermediates[i].symbol, value = nullptr;
                std::string rule;
                for (const ChainStep& c : d_.chain)
                    if (c.of == i) value = c.result, rule = c.rule;
                for (const LocalPartial& p : d_.partials)
                    if (!value && p.of == i && p.wrt == x) value = p.jacobian, rule = p.rule;
                if (!value) continue;
                out.push_back({"Forward", partial(v, x), with_value(print(value), value),
                               shape_text(cx_.sizes(), cx_.shape(value), text_style()) + ", " + rule, ""});
            }
        }
        result_line(out, "Result");
        return out;
    }

    std::string print(Expr e) const { return print(e, steps_); }
    // Every formula printed counts against one budget: the forward chain writes each
    // Jacobian whole, so the text of a deep network's steps grows with the square of its
    // depth. Past the budget the derivation is an input error, not minutes of output.
    std::string print(Expr e, const PrintOptions& po) const {
        PrintOptions limited = po;
        limited.max_length = kMaxStepsText - std::min(used_, kMaxStepsText);
        std::string s = matcalc::print(cx_, e, limited);
        used_ += s.size();
        if (used_ >= kMaxStepsText)
            throw InputError("the steps are too large to print (more than 16 MiB of text)", std::nullopt,
                             {"--steps is meant for derivations of a few dozen operations; without it the result "
                              "prints compactly"});
        return s;
    }
    static constexpr std::size_t kMaxStepsText = std::size_t{16} << 20;
    std::string name(Expr symbol) const { return print(symbol); }

    // An intermediate's definition, its own name (if the model gave the node one) not used.
    std::string definition(const Intermediate& in) const {
        if (!steps_.names || !steps_.names->count(in.definition)) return print(in.definition);
        auto names = *steps_.names;
        names.erase(in.definition);
        PrintOptions po = steps_;
        po.names = &names;
        return print(in.definition, po);
    }

    std::string partial(Expr of, Expr wrt) const {
        return partial_names(of->name, cx_.shape(of), wrt->name, cx_.shape(wrt));
    }
    std::string partial_names(const std::string& of, Shape of_shape, const std::string& wrt, Shape wrt_shape) const {
        switch (style_) {
        case Style::Ascii: return fmt::format("d{}/d{}", of, wrt);
        case Style::Unicode: return fmt::format("∂{}/∂{}", of, wrt);
        case Style::Latex:
            return fmt::format("\\frac{{\\partial {}}}{{\\partial {}}}", latex_name(of, of_shape, cx_.sizes()),
                               latex_name(wrt, wrt_shape, cx_.sizes()));
        }
        return {};
    }

    static std::string join(const std::vector<std::string>& parts) {
        std::string out;
        for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
        return out;
    }

    // `start`, then the form after each rewrite; consecutive forms that print alike are
    // one line naming all their rules.
    void rewrites(std::vector<StepLine>& out, const std::string& section, Expr start, const std::string& start_note,
                  const std::vector<Rewritten>& steps, const PrintOptions* po = nullptr) const {
        auto print = [&](Expr e) { return this->print(e, po ? *po : steps_); };
        std::string last = print(start);
        if (!out.empty() && out.back().section == section && out.back().rhs == last) {
            if (!start_note.empty()) out.back().note += (out.back().note.empty() ? "" : "; ") + start_note;
        } else {
            out.push_back({section, "", last, start_note, ""});
        }
        for (const Rewritten& r : steps) {
            std::string text = print(r.expr);
            if (text == last) {
                std::string& note = out.back().note;
                if (note.find(r.rule) == std::string::npos) note += (note.empty() ? "" : "; ") + r.rule;
                continue;
            }
            out.push_back({section, "", text, r.rule, ""});
            last = text;
        }
    }

    const Context& cx_;
    const Derivation& d_;
    const StepsPrintOptions& o_;
    Style style_;
    std::unordered_map<Expr, std::string> independent_names_;
    PrintOptions steps_;  // printing inside the steps: the model's names of what x does not change
    mutable std::size_t used_ = 0;
};

std::string format_text(const std::vector<StepLine>& lines, const std::string& title, bool ascii) {
    std::ostringstream out;
    out << title << "\n";
    std::string section;
    std::size_t lhs_width = 0, eq_width = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const StepLine& l = lines[i];
        if (l.section != section) {
            section = l.section;
            out << "\n" << section << "\n";
            // Columns per section: the left-hand sides, then the notes after the widest
            // equation (long equations push their own note out).
            lhs_width = eq_width = 0;
            for (std::size_t j = i; j < lines.size() && lines[j].section == section; ++j)
                lhs_width = std::max(lhs_width, width(lines[j].lhs));
            for (std::size_t j = i; j < lines.size() && lines[j].section == section; ++j)
                eq_width = std::max(eq_width, std::min<std::size_t>(lhs_width + 3 + width(lines[j].rhs), 56));
        }
        std::string eq = std::string(lhs_width - width(l.lhs), ' ') + l.lhs + " = " + l.rhs;
        out << "  " << eq;
        std::string note = l.note.empty() ? l.math_note : ascii ? math_text(l.note, Style::Ascii) : l.note;
        if (!note.empty()) out << std::string(eq_width > width(eq) ? eq_width - width(eq) : 0, ' ') << "    " << note;
        out << "\n";
    }
    return out.str();
}

// One align row: `lhs &= rhs && \text{note}`.
std::string align_row(const StepLine& l) {
    std::string row = l.lhs + " &= " + l.rhs;
    if (!l.note.empty()) row += " && " + math_text(l.note, Style::Latex);
    else if (!l.math_note.empty()) row += " && " + l.math_note;
    return row;
}

std::string format_latex(const std::vector<StepLine>& lines) {
    std::vector<std::string> rows;
    std::string section;
    for (const StepLine& l : lines) {
        if (l.section != section) {
            section = l.section;
            // A little space above each section's title (`\\[6pt]` ends the row before).
            if (!rows.empty()) rows.back() += "[6pt]";
            rows.push_back("&\\textbf{" + section + "} \\\\");
        }
        rows.push_back(align_row(l) + " \\\\");
    }
    if (!rows.empty()) rows.back().resize(rows.back().size() - 3);  // no break after the last row
    std::string out = "\\begin{align*}\n";
    for (const std::string& r : rows) out += r + "\n";
    return out + "\\end{align*}\n";
}

std::string format_markdown(const std::vector<StepLine>& lines, const std::string& title) {
    std::ostringstream out;
    out << "### " << title << "\n";
    std::string section;
    for (std::size_t i = 0; i < lines.size();) {
        if (lines[i].section != section) {
            section = lines[i].section;
            out << "\n**" << section << "**\n";
        }
        // A section: one aligned block.
        std::size_t end = i + 1;
        while (end < lines.size() && lines[end].section == section) ++end;
        out << "\n$$\n\\begin{aligned}\n";
        for (std::size_t j = i; j < end; ++j) out << align_row(lines[j]) << (j + 1 < end ? " \\\\\n" : "\n");
        out << "\\end{aligned}\n$$\n";
        i = end;
    }
    return out.str();
}

}  // namespace

std::vector<StepLine> step_lines(const Model& model, const Derivation& d, const StepsPrintOptions& options) {
    return Writer(model, d, options).lines();
}

std::string format_steps(const Model& model, const Derivation& d, const StepsPrintOptions& options) {
    StepsPrintOptions o = options;
    if (o.format != StepsFormat::Text) o.print.style = Style::Latex;
    std::vector<StepLine> lines = step_lines(model, d, o);
    const std::string& f = d.function->name;
    const std::string& x = d.variable->name;
    const char* how = o.mode == StepsMode::Backward ? " by backpropagation" : o.mode == StepsMode::Brief ? ", in brief" : ", step by step";
    switch (o.format) {
    case StepsFormat::Text: {
        bool ascii = o.print.style == Style::Ascii;
        return format_text(lines, fmt::format("{}{}/{}{}{}", ascii ? "d" : "∂", f, ascii ? "d" : "∂", x, how), ascii);
    }
    case StepsFormat::Latex: return format_latex(lines);
    case StepsFormat::Markdown: return format_markdown(lines, fmt::format("∂{}/∂{}{}", f, x, how));
    }
    return {};
}

}  // namespace matcalc

namespace matcalc {

std::string latex_document(const Model& model, const std::string& function, const std::string& body) {
    const Context& cx = model.cx();
    const SizeTable& z = cx.sizes();
    std::unordered_map<Expr, std::string> names;  // definitions print by name inside others
    for (const Symbol& s : model.symbols())
        if (s.kind == Symbol::Kind::Defined) names.emplace(s.expr, s.name);
    std::ostringstream out;
    // Landscape: a step with its rule is wider than a portrait page's text.
    out << "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n"
           "\\usepackage[a4paper,landscape,margin=1.5cm]{geometry}\n\\begin{document}\n\n";
    out << "\\section*{Derivatives of $" << latex_name(function, kScalarShape, z) << "$}\n\n";
    out << "\\subsection*{Symbols}\n\\begin{tabular}{lll}\n";
    for (const Symbol& s : model.symbols()) {
        Shape shape = cx.shape(s.expr);
        std::string space = z.is_scalar(shape) ? "\\mathbb{R}"
                            : z.is_vector(shape) ? fmt::format("\\mathbb{{R}}^{{{}}}", z.name(shape.rows))
                                                 : fmt::format("\\mathbb{{R}}^{{{} \\times {}}}", z.name(shape.rows),
                                                               z.name(shape.cols));
        std::string what = s.kind == Symbol::Kind::Declared ? (s.role.empty() ? "variable" : s.role) : "definition";
        std::string line = fmt::format("${} \\in {}$ & {}", latex_name(s.name, shape, z), space, what);
        if (s.kind == Symbol::Kind::Defined) {
            auto own = names.find(s.expr);
            std::string kept = own != names.end() && own->second == s.name ? own->second : "";
            if (!kept.empty()) names.erase(own);
            PrintOptions po;
            po.style = Style::Latex;
            po.names = &names;
            line += fmt::format(" & ${} = {}$", latex_name(s.name, shape, z), print(cx, s.expr, po));
            if (!kept.empty()) names.emplace(s.expr, kept);
        } else {
            line += " & ";
        }
        out << line << " \\\\\n";
    }
    out << "\\end{tabular}\n\n" << body << "\n\\end{document}\n";
    return out.str();
}

}  // namespace matcalc
