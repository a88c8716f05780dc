// The spelling of generated code (codegen.hpp): C++ and Python identifiers for a model's
// names (transliterated, never a keyword nor a name reserved to the implementation),
// numbers, and the operation table's elementwise formulas with their arguments written in.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "matcalc/codegen/codegen.hpp"
#include "matcalc/print/print.hpp"

namespace matcalc {

namespace {

// ---------------------------------------------------------------- identifiers

struct Spelling {
    char32_t c;
    const char* ascii;
};

// Greek letters, the letters with a hat, bar or tilde that names use (ŷ, ȳ) and the
// combining marks of decomposed ones (y + U+0302), subscript letters (xᵢ → x_i).
constexpr Spelling kSpellings[] = {
    {U'α', "alpha"}, {U'β', "beta"}, {U'γ', "gamma"}, {U'δ', "delta"}, {U'ε', "epsilon"}, {U'ζ', "zeta"},
    {U'η', "eta"}, {U'θ', "theta"}, {U'ι', "iota"}, {U'κ', "kappa"}, {U'λ', "lambda"}, {U'μ', "mu"},
    {U'ν', "nu"}, {U'ξ', "xi"}, {U'ο', "omicron"}, {U'π', "pi"}, {U'ρ', "rho"}, {U'σ', "sigma"},
    {U'ς', "sigma"}, {U'τ', "tau"}, {U'υ', "upsilon"}, {U'φ', "phi"}, {U'χ', "chi"}, {U'ψ', "psi"},
    {U'ω', "omega"}, {U'Γ', "Gamma"}, {U'Δ', "Delta"}, {U'Θ', "Theta"}, {U'Λ', "Lambda"}, {U'Ξ', "Xi"},
    {U'Π', "Pi"}, {U'Σ', "Sigma"}, {U'Υ', "Upsilon"}, {U'Φ', "Phi"}, {U'Ψ', "Psi"}, {U'Ω', "Omega"},
    {U'ϵ', "epsilon"}, {U'ϑ', "theta"}, {U'ϕ', "phi"}, {U'ϱ', "rho"}, {U'ϖ', "pi"}, {U'µ', "mu"},
    {U'ℓ', "ell"},
    {U'â', "ahat"}, {U'ê', "ehat"}, {U'î', "ihat"}, {U'ô', "ohat"}, {U'û', "uhat"}, {U'ŵ', "what"},
    {U'ŷ', "yhat"}, {U'ẑ', "zhat"}, {U'ĉ', "chat"}, {U'ĝ', "ghat"}, {U'ĥ', "hhat"}, {U'ĵ', "jhat"},
    {U'ŝ', "shat"}, {U'Ŷ', "Yhat"}, {U'Ŵ', "What"},
    {U'ā', "abar"}, {U'ē', "ebar"}, {U'ī', "ibar"}, {U'ō', "obar"}, {U'ū', "ubar"}, {U'ȳ', "ybar"},
    {U'ã', "atilde"}, {U'ẽ', "etilde"}, {U'ĩ', "itilde"}, {U'õ', "otilde"}, {U'ũ', "utilde"},
    {U'ỹ', "ytilde"}, {U'ñ', "ntilde"},
    {U'\u0302', "hat"}, {U'\u0304', "bar"}, {U'\u0305', "bar"}, {U'\u0303', "tilde"}, {U'\u0307', "dot"},
    {U'\u0308', "ddot"},
    {U'ᵢ', "_i"}, {U'ⱼ', "_j"}, {U'ₖ', "_k"}, {U'ₘ', "_m"}, {U'ₙ', "_n"}, {U'ₜ', "_t"}, {U'ₓ', "_x"},
    {U'ₐ', "_a"}, {U'ₑ', "_e"}, {U'ₒ', "_o"},
};

// C++20's keywords and alternative tokens, and names the generated code uses itself.
const std::unordered_set<std::string_view>& reserved_identifiers() {
    static const std::unordered_set<std::string_view> words = {
        "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
        "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval",
        "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype",
        "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
        "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace",
        "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
        "public", "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
        "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
        "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
        "volatile", "wchar_t", "while", "xor", "xor_eq", "final", "override", "import", "module",
        // the generated code's own names and the macros of the headers it includes
        "std", "Eigen", "assert", "NULL", "EOF", "errno", "HUGE_VAL", "INFINITY", "NAN",
    };
    return words;
}

// The code point at s[i] (names are valid UTF-8: the parser checked), advancing i.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += static_cast<std::size_t>(len);
    return cp;
}

bool ascii_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether t can stand as an operand without parentheses: a name, a call such as b3(0),
// a number, or something already in parentheses.
bool operand_safe(const std::string& t) {
    if (t.empty()) return false;
    if (t.front() == '(') {
        int depth = 0;
        for (std::size_t i = 0; i < t.size(); ++i) {
            depth += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
            if (depth == 0) return i + 1 == t.size();
        }
        return false;
    }
    return t.find_first_of("+-*/<>?:!=&|^%~@") == std::string::npos;
}

// Python's keywords, and names the generated module uses itself (codegen_numpy.cpp).
const std::unordered_set<std::string_view>& python_reserved() {
    static const std::unordered_set<std::string_view> words = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
        // the generated module's own names
        "np", "float", "ValueError", "NamedTuple", "_scalar_arg", "_vector_arg", "_matrix_arg", "_commutation",
        // and those of the PyTorch module (--lang torch)
        "torch", "once_differentiable", "tuple", "zip", "next", "_to_numpy", "_vec", "_unvec",
    };
    return words;
}

// A number's literal: v exactly, negative numbers in parentheses; NaN and the infinities
// as the language spells them.
std::string number_literal(double v, const char* nan, const char* inf) {
    if (std::isnan(v)) return nan;
    if (std::isinf(v)) return v > 0 ? inf : fmt::format("(-{})", inf);
    if (v == 0) return std::signbit(v) ? "(-0.0)" : "0.0";
    std::string t = format_number(v);
    if (t.find_first_of(".e") == std::string::npos) t += ".0";
    return v < 0 ? "(" + t + ")" : t;
}

}  // namespace

std::string cpp_identifier(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        const char32_t c = next_code_point(name, i);
        if (c < 0x80 && ascii_word_char(static_cast<char>(c))) {
            out += static_cast<char>(c);
        } else if (c >= 0x2080 && c <= 0x2089) {  // subscript digits
            out += static_cast<char>('0' + (c - 0x2080));
        } else if (auto it = std::find_if(std::begin(kSpellings), std::end(kSpellings),
                                          [&](const Spelling& s) { return s.c == c; });
                   it != std::end(kSpellings)) {
            out += it->ascii;
        } else {
            out += fmt::format("u{:04x}", static_cast<std::uint32_t>(c));
        }
    }
    // No identifiers reserved to the implementation: none with "__", none starting with
    // "_" and a capital; none starting with a digit.
    for (std::size_t p; (p = out.find("__")) != std::string::npos;) out.erase(p, 1);
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])) ||
        (out[0] == '_' && (out.size() == 1 || std::isupper(static_cast<unsigned char>(out[1])))))
        out = "v" + out;
    if (reserved_identifiers().count(out)) out += '_';
    return out;
}

std::string python_identifier(std::string_view name) {
    std::string id = cpp_identifier(name);
    if (python_reserved().count(id)) id += '_';
    return id;
}

std::string cpp_number(double v) { return number_literal(v, "std::nan(\"\")", "HUGE_VAL"); }

std::string python_number(double v) { return number_literal(v, "np.nan", "np.inf"); }

// Placeholders are whole words; the letters of a number (1e5) are not placeholders.
std::string fill_formula(std::string_view formula, const std::string* a, const std::string* b) {
    std::string out;
    for (std::size_t i = 0; i < formula.size();) {
        const char c = formula[i];
        std::size_t j = i + 1;
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            while (j < formula.size() && ascii_word_char(formula[j])) ++j;
            std::string_view word = formula.substr(i, j - i);
            const std::string* with = word == "a" ? a : word == "b" ? b : nullptr;
            out += with ? (operand_safe(*with) ? *with : "(" + *with + ")") : std::string(word);
        } else if (std::isdigit(static_cast<unsigned char>(c))) {  // 1.0, 1e5: no placeholders inside
            while (j < formula.size() && (ascii_word_char(formula[j]) || formula[j] == '.')) ++j;
            out += formula.substr(i, j - i);
        } else {
            out += c;
        }
        i = j;
    }
    return out;
}

}  // namespace matcalc
