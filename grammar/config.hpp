// The one definition of the grammar's iterator, parse state and context types
// (grammar/parser.cpp is the only translation unit that includes this).
//
// The grammar reads the UTF-8 bytes directly (const char*), after parse_program has
// validated them. Non-ASCII characters are decoded by the grammar's own
// primitives (primitives.hpp); none of X3's `standard` character classes is used, so no
// byte >= 0x80 ever reaches them.
#pragma once

#include <cstddef>
#include <string>

#include <boost/spirit/home/x3.hpp>

namespace matcalc::grammar {

namespace x3 = boost::spirit::x3;

using iterator_type = const char*;

// Mutable state shared by the parsers of one parse_program call. Injected into the
// X3 context with x3::with<state_tag>; the skipper holds a pointer to it as well.
struct ParseState {
    const std::string* text = nullptr;  // the whole source (for line:column in messages)
    const char* begin = nullptr;        // text->data()
    std::size_t depth = 0;          // open (, [, ‖, f(, √ — limited by kMaxNesting
    std::size_t bracket_depth = 0;  // open (, [, ‖, f( — inside them a newline is a blank
    std::size_t last_open = 0;      // where the bracket that closed last was opened
    std::size_t open_norms = 0;     // open ‖: inside one, ‖ closes it and starts no product
    bool wildcards = false;         // patterns (rules, the table's formulas): `?x` is a name

    std::size_t offset(const char* p) const { return static_cast<std::size_t>(p - begin); }
};

struct state_tag;

template <typename Context>
ParseState& state_of(Context const& context) {
    return *x3::get<state_tag>(context);
}

}  // namespace matcalc::grammar
