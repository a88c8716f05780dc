// Names and numbers in the printers' styles (print.hpp): a model's names in LaTeX (bold
// vectors and matrices, Greek letters, accents, subscripts) and numbers in their shortest
// form.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "matcalc/io/number_text.hpp"
#include "matcalc/print/print.hpp"
#include "print_internal.hpp"

namespace matcalc {

namespace {

// ---- names in LaTeX -------------------------------------------------------------------

constexpr Greek kGreek[] = {
    {"alpha", "α", "\\alpha"},     {"beta", "β", "\\beta"},       {"gamma", "γ", "\\gamma"},
    {"delta", "δ", "\\delta"},     {"epsilon", "ε", "\\epsilon"}, {"varepsilon", "ϵ", "\\varepsilon"},
    {"zeta", "ζ", "\\zeta"},       {"eta", "η", "\\eta"},         {"theta", "θ", "\\theta"},
    {"iota", "ι", "\\iota"},       {"kappa", "κ", "\\kappa"},     {"lambda", "λ", "\\lambda"},
    {"mu", "μ", "\\mu"},           {"nu", "ν", "\\nu"},           {"xi", "ξ", "\\xi"},
    {"pi", "π", "\\pi"},           {"rho", "ρ", "\\rho"},         {"sigma", "σ", "\\sigma"},
    {"tau", "τ", "\\tau"},         {"upsilon", "υ", "\\upsilon"}, {"phi", "φ", "\\phi"},
    {"chi", "χ", "\\chi"},         {"psi", "ψ", "\\psi"},         {"omega", "ω", "\\omega"},
    {"Gamma", "Γ", "\\Gamma"},     {"Delta", "Δ", "\\Delta"},     {"Theta", "Θ", "\\Theta"},
    {"Lambda", "Λ", "\\Lambda"},   {"Xi", "Ξ", "\\Xi"},           {"Pi", "Π", "\\Pi"},
    {"Sigma", "Σ", "\\Sigma"},     {"Upsilon", "Υ", "\\Upsilon"}, {"Phi", "Φ", "\\Phi"},
    {"Psi", "Ψ", "\\Psi"},         {"Omega", "Ω", "\\Omega"},
};

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string escape_underscores(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '_') out += "\\_";
        else out += c;
    }
    return out;
}

// The name without subscript or accent: a letter, a Greek letter or a word.
std::string latex_base(std::string_view base, bool bold) {
    if (const Greek* g = greek(base))
        return bold ? "\\boldsymbol{" + std::string(g->command) + "}" : std::string(g->command);
    bool ascii = true;
    for (char c : base) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (!ascii) return "\\text{" + std::string(base) + "}";
    if (base.size() == 1 && ascii_letter(base[0]))
        return bold ? "\\mathbf{" + std::string(base) + "}" : std::string(base);
    return (bold ? "\\mathbf{" : "\\mathrm{") + escape_underscores(base) + "}";
}

}  // namespace

const Greek* greek(std::string_view name) {
    for (const Greek& g : kGreek)
        if (name == g.ascii || name == g.unicode) return &g;
    return nullptr;
}

std::string format_number(double value) {
    if (value == 0) return "0";
    std::string t = shortest_double(value);
    // 1e-05 → 1e-5, 1e+20 → 1e20
    if (std::size_t p = t.find('e'); p != std::string::npos) {
        std::size_t q = p + 1;
        if (t[q] == '+') t.erase(q, 1);
        else if (t[q] == '-') ++q;
        while (q + 1 < t.size() && t[q] == '0') t.erase(q, 1);
    }
    return t;
}

std::string latex_name(std::string_view name, Shape shape, const SizeTable& sizes) {
    bool bold = sizes.is_vector(shape) || sizes.is_row(shape);
    std::string_view base = name, sub;
    if (std::size_t u = name.find('_'); u != std::string_view::npos && u > 0 && u + 1 < name.size()) {
        base = name.substr(0, u);
        sub = name.substr(u + 1);
    } else {
        std::size_t k = name.size();
        while (k > 0 && std::isdigit(static_cast<unsigned char>(name[k - 1]))) --k;
        if (k > 0 && k < name.size()) {
            base = name.substr(0, k);
            sub = name.substr(k);
        }
    }
    // An accent: `yhat`, `y_hat`, `xbar`, `sigmatilde` (on one letter or a Greek name).
    std::string_view accent;
    for (std::string_view a : {"hat", "bar", "tilde"}) {
        if (sub == a) {
            accent = a;
            sub = {};
            break;
        }
        if (base.size() > a.size() && base.ends_with(a)) {
            std::string_view stem = base.substr(0, base.size() - a.size());
            if ((stem.size() == 1 && ascii_letter(stem[0])) || greek(stem)) {
                accent = a;
                base = stem;
                break;
            }
        }
    }
    std::string out = latex_base(base, bold);
    if (!accent.empty()) out = "\\" + std::string(accent) + "{" + out + "}";
    if (!sub.empty()) {
        bool digits = true;
        for (char c : sub) digits = digits && std::isdigit(static_cast<unsigned char>(c));
        out += "_{" + (digits ? std::string(sub) : latex_name(sub, kScalarShape, sizes)) + "}";
    }
    return out;
}

}  // namespace matcalc
