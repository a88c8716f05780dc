// Turning parse failures into InputError values: what was found at a position, what
// came before it, and hints for characters that look like operators but are not.
// X3's own error handler prints to a stream without a column; here diagnostics are data.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "primitives.hpp"

namespace matcalc::grammar {

inline std::string position_text(const ParseState& state, std::size_t offset) {
    const LineColumn lc = line_column(*state.text, offset);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

inline std::string code_point_name(char32_t c) {
    static const char* digits = "0123456789ABCDEF";
    std::string hex;
    for (int shift = c > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4) hex += digits[(c >> shift) & 0xF];
    return "U+" + hex;
}

// An ASCII operator of two characters, as a message quotes it: the operation table's
// ("./", ".*", ".^"), and "**", which people write for a power.
inline bool two_character_operator(std::string_view two) {
    if (two.size() != 2 || static_cast<unsigned char>(two[0]) >= 0x80 || static_cast<unsigned char>(two[1]) >= 0x80)
        return false;
    if (two == "**") return true;
    for (std::string_view s : operator_spellings(Notation::Infix))
        if (s == two) return true;
    return false;
}

// The extent of the token that starts at p (a name, a number, a two-character operator,
// or one character).
inline const char* token_end(const char* p, const char* end) {
    if (p == end) return p;
    if (const char* q = scan_name(p, end); q != p) return q;
    if (const std::size_t n = scan_number(p, end); n != 0) return p + n;
    if (end - p >= 2) {
        const std::string_view two(p, 2);
        if (two_character_operator(two)) return p + 2;
    }
    std::size_t n = 0;
    decode(p, end, n);
    return p + n;
}

struct Found {
    std::string description;  // "'y'", "end of line", "end of input", "character U+0007"
    SourceRange range;
    std::vector<std::string> notes;  // hints for look-alike characters
};

inline std::vector<std::string> lookalike_hints(std::string_view token) {
    std::size_t n = 0;
    if (token.empty()) return {};
    if (token == "**") return {"write '^' for a power, as in x^2"};
    const char32_t c = decode(token.data(), token.data() + token.size(), n);
    switch (c) {
        case U'⋅': case U'∙': case U'•':
            return {"did you mean '·' (U+00B7), the inner product? It is also written dot(a, b)"};
        case U'×':
            return {"'×' is not an operator: write '*' for a product, '⊙' for an elementwise one, "
                    "kron(A, B) for a Kronecker product"};
        case U'′': case U'’': case U'´': case U'`':
            return {"write ' or ᵀ for a transpose"};
        case U'∥': return {"write '‖' (U+2016) around a norm, or norm(a)"};
        case U'|': return {"write abs(a) for an absolute value, and ‖a‖ or norm(a) for a norm"};
        case U'²': case U'³': return {"write a power with '^', as in x^2"};
        case U'–': case U'—': return {"did you mean '-'?"};
        case U'÷': return {"write '/' for a division"};
        case U'{': case U'}': return {"write a matrix literal with brackets, as in [a, b; c, d]"};
        default: return {};
    }
}

inline Found found_at(const ParseState& state, const char* p, const char* end) {
    Found f;
    const std::size_t at = state.offset(p);
    if (p == end) {
        f.description = "end of input";
        f.range = {at, at};
        return f;
    }
    if (*p == '\n' || *p == '\r') {
        f.description = "end of line";
        f.range = {at, at};
        return f;
    }
    const char* q = token_end(p, end);
    f.range = {at, state.offset(q)};
    std::size_t n = 0;
    const char32_t c = decode(p, end, n);
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || is_unicode_blank(c) ||
        (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E))
        f.description = "character " + code_point_name(c);
    else if (c == '\'')
        f.description = "\"'\"";
    else
        f.description = "'" + std::string(p, q) + "'";
    f.notes = lookalike_hints(std::string_view(p, static_cast<std::size_t>(q - p)));
    return f;
}

// The token that ends at `where` (blanks before it are skipped), or "" at the start.
inline std::string token_before(const char* begin, const char* where) {
    const char* e = where;
    while (e != begin && (e[-1] == ' ' || e[-1] == '\t')) --e;
    if (e == begin) return "";
    auto cp_start = [&](const char* p) {
        do --p;
        while (p != begin && (static_cast<unsigned char>(*p) & 0xC0) == 0x80);
        return p;
    };
    const char* s = cp_start(e);
    std::size_t n = 0;
    if (is_name_continue(decode(s, e, n))) {  // a name or a number: go back over it
        while (s != begin) {
            const char* t = cp_start(s);
            if (!is_name_continue(decode(t, e, n)) && *t != '.') break;
            s = t;
        }
        return std::string(s, e);
    }
    if (e - begin >= 2) {
        const std::string_view two(e - 2, 2);
        if (two != "**" && two_character_operator(two)) return std::string(two);
    }
    if (*s == '\n') return "";
    return std::string(s, e);
}

// "expected an expression after '+'" when the missing thing is an operand (its name
// starts with "a " or "an "); "expected ')' before 'x'" otherwise.
inline InputError expectation_error(const ParseState& state, const char* where, const char* end,
                                    const std::string& what) {
    const char* at = skip_blanks(where, end, false);
    Found found = found_at(state, at, end);
    const bool operand = what.rfind("a ", 0) == 0 || what.rfind("an ", 0) == 0;
    const std::string before = token_before(state.begin, where);
    if (before == "*" && found.description == "'*'" && at == where)
        found.notes.push_back("write '^' for a power, as in x^2");
    std::string message = "expected " + what;
    if (operand && !before.empty())
        message += " after '" + before + "'";
    else
        message += " before " + found.description;
    return InputError(std::move(message), found.range, std::move(found.notes));
}

}  // namespace matcalc::grammar
