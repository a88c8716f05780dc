// Lexical primitives of the grammar, written as X3 parsers over validated UTF-8 bytes:
// the skipper (blanks, comments, newlines inside brackets), tokens, names, numbers,
// sizes, and the directives that guard nesting depth and report unclosed brackets.
#pragma once

#include <array>
#include <charconv>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <boost/spirit/home/support/char_encoding/unicode/query.hpp>

#include "config.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/io/number_text.hpp"
#include "syntax.hpp"

namespace matcalc::grammar {

// ---------------------------------------------------------------- UTF-8 and classes

// Decodes the code point at p (the text is validated; a malformed sequence still yields
// U+FFFD and length 1 rather than reading past `end`).
inline char32_t decode(const char* p, const char* end, std::size_t& length) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
        length = 1;
        return c;
    }
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (static_cast<std::size_t>(end - p) < n) {
        length = 1;
        return 0xFFFD;
    }
    char32_t cp = c & (0x7Fu >> n);
    for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(p[i]) & 0x3Fu);
    length = n;
    return cp;
}

inline bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A name starts with an ASCII letter, `_` or a Unicode letter (σ, γ, η, ŷ, ℓ ...),
// except `ᵀ` (U+1D40), which is the transpose operator.
inline bool is_name_start(char32_t c) {
    if (c < 0x80) return is_ascii_letter(c) || c == '_';
    if (c == 0x1D40) return false;
    return boost::spirit::ucd::get_major_category(c) == boost::spirit::ucd::properties::letter;
}

// ... and continues with those, ASCII digits, subscript digits ₀-₉ (U+2080-2089) and
// combining marks (a decomposed ŷ is y + U+0302).
inline bool is_name_continue(char32_t c) {
    if (is_name_start(c) || is_ascii_digit(c)) return true;
    if (c < 0x80 || c == 0x1D40) return false;
    if (c >= 0x2080 && c <= 0x2089) return true;
    return boost::spirit::ucd::get_major_category(c) == boost::spirit::ucd::properties::mark;
}

// Unicode space separators (no-break space, thin space ...) count as blanks, as does
// the byte order mark (U+FEFF).
inline bool is_unicode_blank(char32_t c) {
    if (c == 0xFEFF) return true;
    return c >= 0x80 &&
           boost::spirit::ucd::get_category(c) == boost::spirit::ucd::properties::space_separator;
}

inline bool starts_name(const char* p, const char* end) {
    if (p == end) return false;
    std::size_t n = 0;
    return is_name_start(decode(p, end, n));
}

// The ones vector as matcalc prints it, 𝟏 (U+1D7CF, bold digit one, as \mathbf{1} in
// LaTeX): a name of one character, so that `𝟏ᵀx` is 𝟏ᵀ times x.
inline constexpr char32_t kOnesVector = 0x1D7CF;

// End of the name starting at p (p itself when there is none).
inline const char* scan_name(const char* p, const char* end) {
    std::size_t n = 0;
    if (p != end && decode(p, end, n) == kOnesVector) return p + n;
    if (p == end || !is_name_start(decode(p, end, n))) return p;
    p += n;
    while (p != end && is_name_continue(decode(p, end, n))) p += n;
    return p;
}

// ---------------------------------------------------------------- the skipper

// Skips blanks and `#` comments. A newline ends a statement, except inside an open
// bracket ((, [, ‖, a call), where it is a blank so that long literals can span lines.
inline const char* skip_blanks(const char* p, const char* end, bool newlines) {
    while (p != end) {
        const char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || (c == '\n' && newlines)) {
            ++p;
        } else if (c == '#') {
            while (p != end && *p != '\n') ++p;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            std::size_t n = 0;
            if (!is_unicode_blank(decode(p, end, n))) break;
            p += n;
        } else {
            break;
        }
    }
    return p;
}

struct skipper_parser : x3::parser<skipper_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    ParseState* state = nullptr;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
        const char* p = skip_blanks(first, last, state->bracket_depth > 0);
        const bool moved = p != first;
        first = p;
        return moved;
    }
};

// ---------------------------------------------------------------- tokens

template <typename Attribute>
void set_attribute(Attribute& attr, Token&& token) {
    if constexpr (std::is_same_v<Attribute, Token>) attr = std::move(token);
}

// A fixed spelling. Keywords (`word`) must not run on into a name: `scalars` is a name.
struct token_parser : x3::parser<token_parser> {
    using attribute_type = Token;
    static bool const has_attribute = true;

    std::string_view spelling;
    bool word = false;

    constexpr token_parser(std::string_view s, bool w) : spelling(s), word(w) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        const std::size_t size = spelling.size();
        if (static_cast<std::size_t>(last - first) < size ||
            std::memcmp(first, spelling.data(), size) != 0)
            return false;
        const char* p = first + size;
        std::size_t n = 0;
        if (word && p != last && is_name_continue(decode(p, last, n))) return false;
        const ParseState& st = state_of(context);
        set_attribute(attr, Token{std::string(spelling), {st.offset(first), st.offset(p)}});
        first = p;
        return true;
    }
};

constexpr token_parser tok(std::string_view s) { return {s, false}; }
constexpr token_parser keyword(std::string_view s) { return {s, true}; }

// An operator token of the operation table: any spelling of an operation written in
// `notation` at this precedence level (ops.cpp holds every spelling; the grammar names
// none), the longest that matches ("./" before "/").
struct operator_parser : x3::parser<operator_parser> {
    using attribute_type = Token;
    static bool const has_attribute = true;

    Notation notation;
    int precedence;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        for (std::string_view s : spellings()) {
            if (static_cast<std::size_t>(last - first) < s.size() || std::memcmp(first, s.data(), s.size()) != 0)
                continue;
            const ParseState& st = state_of(context);
            set_attribute(attr, Token{std::string(s), {st.offset(first), st.offset(first + s.size())}});
            first += s.size();
            return true;
        }
        return false;
    }

    const std::vector<std::string_view>& spellings() const {
        // One list per (notation, level), made once (thread-safe static initialisation).
        using Lists = std::array<std::array<std::vector<std::string_view>, 8>, 8>;
        static const Lists lists = [] {
            Lists l;
            for (std::size_t n = 0; n < 8; ++n)
                for (std::size_t p = 0; p < 8; ++p)
                    l[n][p] = operator_spellings(static_cast<Notation>(n), static_cast<int>(p));
            return l;
        }();
        return lists[static_cast<std::size_t>(notation)][static_cast<std::size_t>(precedence)];
    }
};

constexpr operator_parser table_operator(Notation notation, int precedence = 0) { return {{}, notation, precedence}; }

// A name (identifier).
struct name_parser : x3::parser<name_parser> {
    using attribute_type = Token;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        const ParseState& st = state_of(context);
        const bool wildcard = st.wildcards && first != last && *first == '?';  // `?x` in a pattern
        const char* p = scan_name(first + wildcard, last);
        if (p == first + wildcard) return false;
        set_attribute(attr, Token{std::string(first, p), {st.offset(first), st.offset(p)}});
        first = p;
        return true;
    }
};

// Length of the number literal at p: digits [. digits] [e [+-] digits], or . digits [...].
// A dot must be followed by a digit, so `2.*x` is 2 .* x and `2./x` is 2 ./ x.
inline std::size_t scan_number(const char* p, const char* end) {
    const char* q = p;
    while (q != end && is_ascii_digit(*q)) ++q;
    const bool int_digits = q != p;
    bool frac_digits = false;
    if (q != end && *q == '.' && q + 1 != end && is_ascii_digit(q[1])) {
        q += 2;
        while (q != end && is_ascii_digit(*q)) ++q;
        frac_digits = true;
    }
    if (!int_digits && !frac_digits) return 0;
    if (q != end && (*q == 'e' || *q == 'E')) {
        const char* e = q + 1;
        if (e != end && (*e == '+' || *e == '-')) ++e;
        if (e != end && is_ascii_digit(*e)) {
            while (e != end && is_ascii_digit(*e)) ++e;
            q = e;
        }
    }
    return static_cast<std::size_t>(q - p);
}

struct number_parser : x3::parser<number_parser> {
    using attribute_type = Node;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        const std::size_t length = scan_number(first, last);
        if (length == 0) return false;
        const ParseState& st = state_of(context);
        const SourceRange range{st.offset(first), st.offset(first + length)};
        double value = 0.0;
        const auto [end, ec] = read_double(first, first + length, value);
        if (ec == std::errc::result_out_of_range) {
            // Underflow is zero (or subnormal); overflow is an error.
            const std::string copy(first, length);
            value = std::strtod(copy.c_str(), nullptr);
            if (value > std::numeric_limits<double>::max())
                throw InputError("number '" + copy + "' is too large", range,
                                 {"the largest number is about 1.8e308"});
        } else if (ec != std::errc() || end != first + length) {
            throw InputError("malformed number '" + std::string(first, length) + "'", range);
        }
        if constexpr (std::is_same_v<Attribute, Node>) {
            attr = make_leaf(ast::ExprKind::Number, std::string(first, length), range);
            attr.expr.number = value;
        }
        first += length;
        return true;
    }
};

// A size in a type: a positive integer or a name. `0`, `-3`, `2.5` are errors that point
// at the size.
inline constexpr long long kMaxSize = std::numeric_limits<int>::max();

struct size_parser : x3::parser<size_parser> {
    using attribute_type = ast::Size;
    static bool const has_attribute = true;

    // A positive integer at p (the whole number token validated), its end in `end_of`.
    static long long integer(const ParseState& st, const char* p, const char* last, const char*& end_of) {
        const char* q = p;
        if (q != last && (*q == '-' || *q == '+')) ++q;
        const std::size_t length = scan_number(q, last);
        q += length;
        const std::string text(p, q);
        const SourceRange range{st.offset(p), st.offset(q)};
        const bool plain = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!plain || text.find_first_not_of('0') == std::string::npos)
            throw InputError("invalid size '" + text + "'", range,
                             {"a size is a positive integer or a name, as in vector(3), vector(n) or vector(n + 1)"});
        if (text.size() > 10 || std::stoll(text) > kMaxSize)
            throw InputError("size '" + text + "' is too large", range,
                             {"the largest size is " + std::to_string(kMaxSize)});
        end_of = q;
        return std::stoll(text);
    }

    // One term: `n`, `3`, `2n`, `2*n`, `m*n`.
    static bool term(const ParseState& st, const char*& p, const char* last, ast::SizeTerm& t) {
        const char* q = p;
        bool any = false;
        for (;;) {
            if (const char* e = scan_name(q, last); e != q) {
                t.symbols.emplace_back(q, e);
                q = e;
            } else if (q != last && (is_ascii_digit(*q) || *q == '-' || *q == '+' || *q == '.')) {
                if (!any && (*q == '-' || *q == '+') && scan_number(q + 1, last) == 0) return false;
                const char* e = nullptr;
                t.coefficient *= integer(st, q, last, e);
                if (t.coefficient > kMaxSize)
                    throw InputError("size is too large", SourceRange{st.offset(p), st.offset(e)},
                                     {"the largest size is " + std::to_string(kMaxSize)});
                q = e;
                if (const char* n = scan_name(q, last); n != q) {  // 2n
                    t.symbols.emplace_back(q, n);
                    q = n;
                }
            } else {
                if (!any) return false;
                throw InputError("expected a size after '*'", SourceRange{st.offset(q), st.offset(q)});
            }
            any = true;
            const char* r = skip_blanks(q, last, false);
            if (r == last || *r != '*') break;
            q = skip_blanks(r + 1, last, false);
        }
        p = q;
        return true;
    }

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        const ParseState& st = state_of(context);
        const char* p = first;
        std::vector<ast::SizeTerm> terms(1);
        if (!term(st, p, last, terms.back())) return false;
        for (;;) {
            const char* r = skip_blanks(p, last, false);
            if (r == last || *r != '+') break;
            const char* q = skip_blanks(r + 1, last, false);
            terms.emplace_back();
            if (!term(st, q, last, terms.back()))
                throw InputError("expected a size after '+'", SourceRange{st.offset(q), st.offset(q)});
            p = q;
        }
        ast::Size size;
        size.range = {st.offset(first), st.offset(p)};
        if (terms.size() == 1 && terms[0].coefficient == 1 && terms[0].symbols.size() == 1) {
            size.symbol = terms[0].symbols[0];  // n
        } else if (terms.size() == 1 && terms[0].symbols.empty()) {
            size.value = terms[0].coefficient;  // 3
        } else {
            size.terms = std::move(terms);  // p + 1, 2n, m*n
        }
        if constexpr (std::is_same_v<Attribute, ast::Size>) attr = std::move(size);
        first = p;
        return true;
    }
};

// ---------------------------------------------------------------- lookahead helpers

// Succeeds without consuming input when the very next character (no blank in between)
// can start the right operand of an implicit product: a name, `(`, `√` or `‖`.
struct adjacent_parser : x3::parser<adjacent_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
        if (first == last) return false;
        std::size_t n = 0;
        const char32_t c = decode(first, last, n);
        return c == '(' || c == U'√' || c == U'‖' || c == kOnesVector || is_name_start(c);
    }
};

// Succeeds without consuming input when the next token (after blanks, which do not
// include a newline outside brackets) can start the right operand of a juxtaposition
// (`wᵀx`, `W x`, `σ(z)(1 − σ(z))`): a number, a name, `(`, `[`, `‖`, `√`, or a
// wildcard `?x` in a pattern, on the same line. A sign cannot: `a -b` is a difference.
struct juxtaposable_parser : x3::parser<juxtaposable_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&, Attribute&) const {
        Iterator p = first;
        x3::skip_over(p, last, context);
        if (p == last) return false;
        // Not across a line break, even inside brackets, where a newline is a blank: an
        // unclosed `tanh(x + b` must not run on into the next line's statement.
        if (std::memchr(first, '\n', static_cast<std::size_t>(p - first))) return false;
        std::size_t n = 0;
        const char32_t c = decode(p, last, n);
        const ParseState& st = state_of(context);
        if (c == '?' && st.wildcards) return true;
        if (c == U'‖' && st.open_norms > 0) return false;  // ‖x‖: the bar closes the norm
        return is_ascii_digit(c) || (c == '.' && p + 1 != last && is_ascii_digit(p[1])) || c == '(' ||
               c == '[' || c == U'√' || c == U'‖' || c == U'⊤' || c == kOnesVector || is_name_start(c);
    }
};

// Superscripts written right after an operand (no blank): a power `x²`, `x⁻²`, `X⁻¹`
// (digits with an optional sign) or `X⁻ᵀ`, the transpose of the inverse. The token's
// text is the superscript as written.
inline std::size_t scan_superscript(const char* p, const char* end) {
    static constexpr std::string_view digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    auto at = [&](const char* q, std::string_view s) {
        return static_cast<std::size_t>(end - q) >= s.size() && std::memcmp(q, s.data(), s.size()) == 0;
    };
    const char* q = p;
    const bool minus = at(q, "⁻");
    if (minus || at(q, "⁺")) q += 3;
    if (minus && at(q, "ᵀ")) return static_cast<std::size_t>(q + 3 - p);
    const char* first_digit = q;
    for (bool more = true; more && q != end;) {
        more = false;
        for (std::string_view d : digits)
            if (at(q, d)) {
                q += d.size();
                more = true;
                break;
            }
    }
    return q == first_digit ? 0 : static_cast<std::size_t>(q - p);
}

struct superscript_parser : x3::parser<superscript_parser> {
    using attribute_type = Token;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&, Attribute& attr) const {
        const std::size_t n = scan_superscript(first, last);
        if (n == 0) return false;
        const ParseState& st = state_of(context);
        set_attribute(attr, Token{std::string(first, first + n), {st.offset(first), st.offset(first + n)}});
        first += n;
        return true;
    }
};

// The value of a superscript's digits and sign ("⁻¹²" is -12).
inline double superscript_value(std::string_view text) {
    static constexpr std::string_view digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    double value = 0, sign = 1;
    for (std::size_t i = 0; i < text.size();) {
        if (text.substr(i, 3) == "⁻") {
            sign = -1;
            i += 3;
            continue;
        }
        if (text.substr(i, 3) == "⁺") {
            i += 3;
            continue;
        }
        bool digit = false;
        for (int d = 0; d < 10 && !digit; ++d)
            if (text.substr(i, digits[d].size()) == digits[d]) {
                value = value * 10 + d;
                i += digits[d].size();
                digit = true;
            }
        if (!digit) ++i;  // not reached: scan_superscript lets only these through
    }
    return sign * value;
}

// Succeeds without consuming input when `[` follows with no blank: `x[2]` indexes, while
// `W [x; 1]` multiplies W by a stacked column.
struct index_bracket_parser : x3::parser<index_bracket_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
        return first != last && *first == '[';
    }
};

// Zero-width: fails (throws `message` at the token) when `subject` matches next. Bounds
// repetitions: `repeat(0, N)[p] >> no_more(p, ...)`.
template <typename Subject>
struct no_more_parser : x3::parser<no_more_parser<Subject>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    Subject subject;
    const char* message;
    const char* note;

    constexpr no_more_parser(Subject s, const char* m, const char* n) : subject(s), message(m), note(n) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
               Attribute&) const {
        Iterator i = first;
        Token token;
        if (subject.parse(i, last, context, rcontext, token))
            throw InputError(message, token.range, {note});
        return true;
    }
};

template <typename Subject>
constexpr no_more_parser<Subject> no_more(Subject s, const char* message, const char* note) {
    return {s, message, note};
}

// ---------------------------------------------------------------- brackets

// How a bracketed construct opens and closes, and what it contains.
struct Brackets {
    std::string_view open;
    std::string_view close;  // empty: a prefix operator without a closing token (√)
    const char* inside;      // "an expression": for "expected an expression after '('"
    bool newline_is_blank;   // a newline inside is a blank
};

inline std::string position_text(const ParseState& state, std::size_t offset);

// open > subject > close, with the nesting depth counted and limited (kMaxNesting) and
// an unclosed bracket reported with the place it was opened.
template <typename Subject>
struct enclosed_directive : x3::unary_parser<Subject, enclosed_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, enclosed_directive<Subject>>;
    static bool const is_pass_through_unary = true;
    static bool const handles_container = Subject::handles_container;

    Brackets brackets;

    constexpr enclosed_directive(Subject const& subject, Brackets b) : base_type(subject), brackets(b) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        const auto& open = brackets.open;
        if (static_cast<std::size_t>(last - first) < open.size() ||
            std::memcmp(first, open.data(), open.size()) != 0)
            return false;
        ParseState& st = state_of(context);
        const std::size_t open_at = st.offset(first);
        const SourceRange open_range{open_at, open_at + open.size()};
        if (st.depth >= kMaxNesting)
            throw InputError("too deeply nested: more than " + std::to_string(kMaxNesting) +
                                 " levels of brackets, calls, norms and roots",
                             open_range);
        first += open.size();

        struct Guard {
            ParseState& st;
            bool bracket;
            std::size_t outer_norms;  // inside ( or [ a bar opens a new norm: ‖(a ‖b‖)‖
            Guard(ParseState& s, bool b, bool norm) : st(s), bracket(b), outer_norms(s.open_norms) {
                ++st.depth;
                if (bracket) ++st.bracket_depth;
                st.open_norms = norm ? st.open_norms + 1 : 0;
            }
            ~Guard() {
                --st.depth;
                if (bracket) --st.bracket_depth;
                st.open_norms = outer_norms;
            }
            Guard(const Guard&) = delete;
            Guard& operator=(const Guard&) = delete;
        } guard(st, brackets.newline_is_blank, open == "‖");

        if (!this->subject.parse(first, last, context, rcontext, attr)) {
            const char* at = skip_blanks(first, last, brackets.newline_is_blank);
            throw InputError("expected " + std::string(brackets.inside) + " after '" +
                                 std::string(open) + "'",
                             SourceRange{st.offset(at), st.offset(at)});
        }
        const auto& close = brackets.close;
        if (close.empty()) {
            st.last_open = open_at;
            return true;
        }
        const char* content_end = first;
        x3::skip_over(first, last, context);
        if (static_cast<std::size_t>(last - first) < close.size() ||
            std::memcmp(first, close.data(), close.size()) != 0) {
            // Point at what stands in the way on the same line, or else right after the
            // bracket's content (not at the end of the file).
            const char* at = first;
            std::vector<std::string> notes;
            if (at == last || std::memchr(content_end, '\n', static_cast<std::size_t>(at - content_end))) {
                if (at != last)
                    notes.push_back(open == "[" ? "a newline inside brackets is a blank: separate rows with ';'"
                                                : "a newline inside brackets does not end the statement");
                at = content_end;
            }
            // `max (a, b)`: a list in parentheses after a function's name and a blank is no
            // call (the blank makes it a product with a parenthesis, which holds one
            // expression). After a variable's name (`x (a, b)`) no such hint.
            if (open == "(" && at != last && *at == ',' && open_at >= 2 && st.begin[open_at - 1] == ' ') {
                const char* end = st.begin + open_at - 1;
                while (end > st.begin && *end == ' ') --end;
                auto name_char = [](char ch) {
                    const unsigned char c = static_cast<unsigned char>(ch);
                    return std::isalnum(c) || c == '_' || c >= 0x80;
                };
                const char* start = end + 1;
                while (start > st.begin && name_char(start[-1])) --start;
                const std::string name(start, end + 1);
                if (start <= end && !std::isdigit(static_cast<unsigned char>(*start)) && find_function(name)) {
                    notes.push_back("a call's '(' touches the function's name: " + name + "(…), not " + name + " (…)");
                }
            }
            throw InputError("expected '" + std::string(close) + "' to close '" + std::string(open) +
                                 "' opened at " + position_text(st, open_at),
                             SourceRange{st.offset(at), st.offset(at)}, std::move(notes));
        }
        first += close.size();
        st.last_open = open_at;
        return true;
    }
};

struct enclosed_gen {
    Brackets brackets;
    template <typename Subject>
    constexpr enclosed_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
        Subject const& subject) const {
        return {x3::as_parser(subject), brackets};
    }
};

constexpr enclosed_gen enclosed(std::string_view open, std::string_view close, const char* inside,
                                bool newline_is_blank = true) {
    return {Brackets{open, close, inside, newline_is_blank}};
}

}  // namespace matcalc::grammar
