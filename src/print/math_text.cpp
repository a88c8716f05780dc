// Mathematics inside prose in a printer's style (math_text.hpp). The text is read one
// character at a time; each symbol outside ASCII is spelled by whoever spells it in
// formulas: the operation table for operators and functions, the printers' superscripts
// for powers, the names' Greek letters, and the few symbols the printers themselves write
// around formulas (∂f/∂x, shapes m × n, ‖x‖).
#include "matcalc/print/math_text.hpp"

#include <algorithm>
#include <optional>

#include "matcalc/core/ops.hpp"
#include "matcalc/io/utf8.hpp"
#include "print_internal.hpp"

namespace matcalc {

namespace {

struct Spelling {
    std::string ascii, latex;  // the LaTeX as mathematics (it goes between $ signs)
};

// Symbols the printers write outside the operation table: the derivative labels
// (∂f/∂w, ∇), shapes (m × n) and numbers (2×10³), norms (‖x‖), the hat of ŷ, and prose
// punctuation of the notes.
const std::pair<std::string_view, Spelling>* printer_symbol(std::string_view ch) {
    static const std::pair<std::string_view, Spelling> symbols[] = {
        {"∂", {"d", "\\partial"}},  {"∇", {"grad ", "\\nabla"}}, {"×", {"x", "\\times"}},
        {"‖", {"||", "\\|"}},       {"√", {"sqrt", "\\surd"}},   {"ŷ", {"yhat", "\\hat{y}"}},
        {"≤", {"<=", "\\le"}},      {"≥", {">=", "\\ge"}},       {"→", {"->", "\\to"}},
        {"…", {"...", "\\dots"}},   {"–", {"-", "\\text{--}"}},
    };
    for (const auto& s : symbols)
        if (s.first == ch) return &s;
    return nullptr;
}

// Superscripts as the printers write powers and transposes (x², X⁻¹, X⁻ᵀ, e⁻ᶻ, zᵏ).
std::optional<Spelling> superscript_character(std::string_view ch) {
    static const char* const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    for (int d = 0; d < 10; ++d)
        if (ch == digits[d]) return Spelling{std::string(1, static_cast<char>('0' + d)), std::string(1, static_cast<char>('0' + d))};
    static const std::pair<std::string_view, Spelling> others[] = {
        {"⁻", {"-", "-"}}, {"⁺", {"+", "+"}}, {"ᵀ", {"T", "\\top"}}, {"ᵏ", {"k", "k"}},
        {"ⁿ", {"n", "n"}}, {"ᶻ", {"z", "z"}}, {"ⁱ", {"i", "i"}},     {"ʲ", {"j", "j"}},
    };
    for (const auto& [c, s] : others)
        if (ch == c) return s;
    return std::nullopt;
}

std::optional<char> subscript_digit(std::string_view ch) {
    static const char* const digits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
    for (int d = 0; d < 10; ++d)
        if (ch == digits[d]) return static_cast<char>('0' + d);
    return std::nullopt;
}

// An operator or function that the operation table prints with a symbol outside ASCII
// (⊙, ⊘, ·, ᵀ, ⊗, −, σ), spelled as that row prints in ASCII and LaTeX. Rows written
// as superscripts (inv: ⁻¹) are superscripts here too.
std::optional<Spelling> operation_symbol(std::string_view ch) {
    for (const OpInfo& op : op_table()) {
        if (op.unicode != ch || op.superscript_outside_ascii) continue;
        if (op.notation == Notation::Special || op.notation == Notation::Leaf) continue;
        return Spelling{std::string(op.ascii), std::string(op.latex)};
    }
    return std::nullopt;
}

bool is_word_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// LaTeX's special characters in text mode.
void append_escaped(std::string& out, char c) {
    switch (c) {
    case '\\': out += "\\textbackslash{}"; break;
    case '{': case '}': case '#': case '%': case '&': case '_': case '$':
        out += '\\';
        out += c;
        break;
    case '^': out += "\\textasciicircum{}"; break;
    case '~': out += "\\textasciitilde{}"; break;
    default: out += c;
    }
}

// The characters of `text`, one UTF-8 sequence each (a malformed byte alone).
std::vector<std::string_view> characters(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t bad_end = 0;
        std::size_t n = utf8_sequence(text, i, bad_end);
        if (n == 0) n = 1;
        out.push_back(text.substr(i, n));
        i += n;
    }
    return out;
}

class MathText {
public:
    explicit MathText(Style style) : style_(style) {}

    std::string render(std::string_view text) {
        const std::vector<std::string_view> chars = characters(text);
        for (std::size_t i = 0; i < chars.size(); ++i) {
            std::string_view ch = chars[i];
            if (static_cast<unsigned char>(ch[0]) < 0x80) {
                plain(ch[0]);
                continue;
            }
            // A run of superscripts is one exponent: e⁻ᶻ → e^-z, e^{-z}. A lone ᵀ is the
            // transpose, spelled as its row (x' in ASCII).
            if (superscript_character(ch) && !(ch == "ᵀ" && !run_continues(chars, i))) {
                std::string ascii, latex;
                std::size_t j = i;
                for (; j < chars.size(); ++j) {
                    std::optional<Spelling> s = superscript_character(chars[j]);
                    if (!s) break;
                    ascii += s->ascii;
                    latex += s->latex;
                }
                math("^" + ascii, "^{" + latex + "}");
                i = j - 1;
                continue;
            }
            if (std::optional<char> d = subscript_digit(ch)) {
                math(std::string(1, *d), "_{" + std::string(1, *d) + "}");
                continue;
            }
            if (auto s = printer_symbol(ch)) {
                math(s->second.ascii, s->second.latex);
                continue;
            }
            if (auto s = operation_symbol(ch)) {
                // An operator spelled as a word in ASCII (dot, kron) stands apart from its
                // operands: (s a)·b → (s a) dot b.
                std::string ascii = s->ascii;
                if (is_word_character(ascii.front()) && op_is_infix(ch)) {
                    if (!out_.empty() && out_.back() != ' ') ascii = " " + ascii;
                    if (i + 1 < chars.size() && chars[i + 1] != " ") ascii += " ";
                }
                math(ascii, s->latex);
                continue;
            }
            if (const Greek* g = greek(ch)) {
                math(std::string(g->ascii), std::string(g->command));
                continue;
            }
            unknown(ch);
        }
        if (style_ == Style::Latex) return "\\text{" + out_ + "}";
        return out_;
    }

private:
    static bool run_continues(const std::vector<std::string_view>& chars, std::size_t i) {
        return (i > 0 && superscript_character(chars[i - 1])) ||
               (i + 1 < chars.size() && superscript_character(chars[i + 1]));
    }
    static bool op_is_infix(std::string_view ch) {
        for (const OpInfo& op : op_table())
            if (op.unicode == ch) return op.notation == Notation::Infix;
        return false;
    }
    void plain(char c) {
        if (style_ == Style::Latex) append_escaped(out_, c);
        else out_ += c;
    }
    void math(const std::string& ascii, const std::string& latex) {
        switch (style_) {
        case Style::Ascii: out_ += ascii; break;
        case Style::Unicode: break;  // never called: Unicode is the text itself
        case Style::Latex: out_ += "$" + latex + "$"; break;
        }
    }
    void unknown(std::string_view ch) { out_ += ch; }

    Style style_;
    std::string out_;
};

}  // namespace

std::string math_text(std::string_view text, Style style) {
    if (style == Style::Unicode) return std::string(text);
    return MathText(style).render(text);
}

std::vector<std::string> unspelled_characters(std::string_view text) {
    std::vector<std::string> out;
    for (std::string_view ch : characters(text)) {
        if (static_cast<unsigned char>(ch[0]) < 0x80) continue;
        bool spelled = superscript_character(ch) || subscript_digit(ch) || printer_symbol(ch) ||
                       operation_symbol(ch) || greek(ch);
        if (!spelled && std::find(out.begin(), out.end(), ch) == out.end()) out.emplace_back(ch);
    }
    return out;
}

}  // namespace matcalc
