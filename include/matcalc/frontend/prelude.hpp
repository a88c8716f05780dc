// The prelude: functions of the formula language defined by formulas of other operations
// (src/frontend/prelude.txt, embedded in the library), such as swish(t) = t ⊙ σ(t). The
// binder replaces a call by the body with the parameters bound to the arguments.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "matcalc/core/pattern.hpp"

namespace matcalc {

struct PreludeFunction {
    std::string name;                     // "swish"
    std::vector<std::string> parameters;  // {"t"}
    std::string body;                     // "t ⊙ σ(t)", as written
    std::string summary;                  // the line's comment
    Pattern pattern;                      // the body, parameters as wildcards 0, 1, ...
};

// Every function of the prelude, read and checked once (a malformed line is a logic
// error: the file is part of the program).
const std::vector<PreludeFunction>& prelude();
// The prelude's function of this name, or nullptr.
const PreludeFunction* find_prelude_function(std::string_view name);

}  // namespace matcalc
