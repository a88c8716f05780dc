// Entry point of the grammar (grammar/parser.cpp, the one translation unit that
// instantiates Spirit X3).
#pragma once

#include <cstddef>

#include "matcalc/frontend/ast.hpp"
#include "matcalc/io/diagnostics.hpp"

namespace matcalc {

// Limits that keep hostile input from crashing or exhausting the machine.
inline constexpr std::size_t kMaxInputBytes = 8u << 20;  // 8 MiB of model text
inline constexpr std::size_t kMaxNesting = 200;          // (, [, ‖, f( nested this deep

// Parses a whole program (docs/language.md). Throws InputError pointing at the offending
// text on a syntax error, invalid UTF-8, a NUL byte, too deep nesting or too large input.
// A program with no statements (empty, blank or comments only) parses to an empty Program.
ast::Program parse_program(const Source& source);

// Parses one expression (the whole text). With `wildcards`, a name may start with `?`
// (`?x`): the patterns of rewrite rules and of the operation table's formulas.
ast::Expr parse_expression(const Source& source, bool wildcards = false);

}  // namespace matcalc
