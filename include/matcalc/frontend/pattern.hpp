// Patterns written in matcalc's formula syntax (core/pattern.hpp): `(?A * ?B)'`,
// `?out ⊙ (1 − ?out)`. The text is parsed by the project's own grammar with wildcards
// allowed (`?x` is a name); operators and functions are the operation table's spellings,
// with one reading fixed where the language's depends on shapes: `*` is the matrix
// product (a scaling is written ⊙ with a scalar, as the smart constructors build it).
// Numbers match constants of any shape; `vector(c)`, `matrix(c)` are c in every entry
// of the shape of their sibling; `eye` is an identity of any order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "matcalc/core/pattern.hpp"
#include "matcalc/io/diagnostics.hpp"

namespace matcalc {

// Parses `text` (named `where` in messages) into a pattern. Wildcards are numbered in
// the order of `wildcards`, which gains the names it does not hold yet (so the two sides
// of a rule share one list). A plain name is a wildcard too when it is in `wildcards`
// (the table's formulas name their arguments a, b, out). InputError for bad text.
Pattern parse_pattern(std::string_view where, std::string_view text, std::vector<std::string>& wildcards,
                      bool plain_names_are_wildcards = false);

}  // namespace matcalc
