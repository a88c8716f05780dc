// parse_program: the one translation unit that instantiates the Spirit X3 grammar.
//
// The text is checked first (size, NUL bytes, UTF-8), then read statement by statement:
// the statement loop (separators, what may follow a statement) is written here by hand,
// each statement is parsed by the X3 rule `statement` (expression_def.hpp).
#include <string>

#include "config.hpp"
#include "error_handler.hpp"
#include "expression_def.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/io/utf8.hpp"

namespace matcalc {
namespace grammar {
namespace {

// Throws at the first NUL byte or invalid UTF-8 sequence (overlong forms, surrogates
// and code points above U+10FFFF are invalid).
void validate_text(const std::string& text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    auto fail = [&](std::size_t i, const char* what) {
        static const char* digits = "0123456789ABCDEF";
        std::string hex = "0x";
        hex += digits[s[i] >> 4];
        hex += digits[s[i] & 0xF];
        throw InputError(std::string(what) + " (byte " + hex + " at offset " + std::to_string(i) + ")",
                         SourceRange{i, i + 1}, {"model text must be UTF-8"});
    };
    for (std::size_t i = 0; i < size;) {
        const unsigned char c = s[i];
        if (c == 0) throw InputError("NUL byte in the input (at offset " + std::to_string(i) + ")",
                                     SourceRange{i, i + 1});
        std::size_t bad_end = 0;
        Utf8Problem problem = Utf8Problem::None;
        const std::size_t n = utf8_sequence(text, i, bad_end, &problem);
        switch (problem) {
        case Utf8Problem::None: break;
        case Utf8Problem::BadByte: fail(i, "invalid UTF-8"); break;
        case Utf8Problem::Truncated: fail(i, "invalid UTF-8: the text ends inside a character"); break;
        case Utf8Problem::Incomplete: fail(i, "invalid UTF-8: an incomplete character"); break;
        }
        i += n;
    }
}

// A statement did not even start: say what a statement looks like.
[[noreturn]] void bad_statement_start(const ParseState& st, const char* p, const char* end) {
    const char* q = scan_name(p, end);
    if (q == p) {
        Found found = found_at(st, p, end);
        found.notes.push_back(
            "a statement is a declaration such as 'x : vector(n)' or a definition such as "
            "'f = x + 1'");
        if (*p == '}' || *p == ')' || *p == ']')
            found.notes.insert(found.notes.begin(), "there is no opening bracket for it");
        throw InputError("unexpected " + found.description + " at the start of a statement",
                         found.range, std::move(found.notes));
    }
    // Names, then neither ':' nor '='.
    const std::string first(p, q);
    std::size_t names = 1;
    for (;;) {
        const char* r = skip_blanks(q, end, false);
        if (r == end || *r != ',') break;
        r = skip_blanks(r + 1, end, false);
        const char* e = scan_name(r, end);
        if (e == r) throw expectation_error(st, r, end, "a name");  // not reached: rule reports it
        q = e;
        ++names;
    }
    const char* at = skip_blanks(q, end, false);
    Found found = found_at(st, at, end);
    if (names > 1) {
        found.notes.push_back("a declaration is 'a, b : type'");
        throw InputError("expected ':' after the names of a declaration, before " + found.description,
                         found.range, std::move(found.notes));
    }
    found.notes.push_back("a definition is '" + first + " = expression', a declaration '" + first +
                          " : type'");
    throw InputError("expected '=' or ':' after '" + first + "', before " + found.description,
                     found.range, std::move(found.notes));
}

// Something follows a complete statement on the same line.
[[noreturn]] void trailing_text(const ParseState& st, const char* p, const char* end,
                                const ast::Statement& statement) {
    Found found = found_at(st, p, end);
    const auto* decl = std::get_if<ast::Declaration>(&statement);
    const bool after_expression = !decl || decl->initial_value || decl->initializer;
    std::vector<std::string> notes = std::move(found.notes);
    const char c = *p;
    if (c == ')' || c == ']')
        notes.insert(notes.begin(), "there is no opening bracket for it");
    if (after_expression) {
        // (Operands side by side are a product, so an operand here follows a line break
        // inside no bracket, or a closing token: say how to join them.)
        if (starts_name(p, end) || c == '(' || is_ascii_digit(c))
            notes.push_back("write an operator between two operands, as in 'a * b'");
        throw InputError("unexpected " + found.description + " after the expression", found.range,
                         std::move(notes));
    }
    notes.push_back("a declaration may end with '= value' or '~ initializer'");
    throw InputError("unexpected " + found.description + " after the type", found.range, std::move(notes));
}

}  // namespace
}  // namespace grammar

ast::Program parse_program(const Source& source) {
    using namespace grammar;
    const std::string& text = source.text;
    if (text.size() > kMaxInputBytes)
        throw InputError("input too large: " + std::to_string(text.size()) + " bytes (the limit is " +
                         std::to_string(kMaxInputBytes) + ")");
    validate_text(text);

    ParseState state;
    state.text = &text;
    state.begin = text.data();
    skipper_parser skipper;
    skipper.state = &state;
    const auto parser = x3::with<state_tag>(&state)[rules::statement];

    const char* p = text.data();
    const char* const end = p + text.size();
    ast::Program program;
    try {
        for (;;) {
            p = skip_blanks(p, end, false);
            if (p == end) break;
            if (*p == '\n' || *p == ';') {
                ++p;
                continue;
            }
            ast::Statement statement;
            if (!x3::phrase_parse(p, end, parser, skipper, statement)) bad_statement_start(state, p, end);
            p = skip_blanks(p, end, false);
            if (p != end && *p != '\n' && *p != ';') trailing_text(state, p, end, statement);
            program.statements.push_back(std::move(statement));
        }
    } catch (const x3::expectation_failure<iterator_type>& failure) {
        throw expectation_error(state, failure.where(), end, failure.which());
    }
    return program;
}

ast::Expr parse_expression(const Source& source, bool wildcards) {
    using namespace grammar;
    const std::string& text = source.text;
    if (text.size() > kMaxInputBytes)
        throw InputError("input too large: " + std::to_string(text.size()) + " bytes (the limit is " +
                         std::to_string(kMaxInputBytes) + ")");
    validate_text(text);
    ParseState state;
    state.text = &text;
    state.begin = text.data();
    state.wildcards = wildcards;
    skipper_parser skipper;
    skipper.state = &state;
    const auto parser = x3::with<state_tag>(&state)[rules::expression];
    const char* p = text.data();
    const char* const end = p + text.size();
    grammar::Node node;
    try {
        if (!x3::phrase_parse(p, end, parser, skipper, node)) {
            Found found = found_at(state, skip_blanks(p, end, false), end);
            throw InputError("expected an expression, found " + found.description, found.range, std::move(found.notes));
        }
    } catch (const x3::expectation_failure<iterator_type>& failure) {
        throw expectation_error(state, failure.where(), end, failure.which());
    }
    p = skip_blanks(p, end, false);
    if (p != end) {
        Found found = found_at(state, p, end);
        throw InputError("unexpected " + found.description + " after the expression", found.range, std::move(found.notes));
    }
    return std::move(node.expr);
}

}  // namespace matcalc
