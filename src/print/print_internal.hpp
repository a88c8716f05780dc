// What the printers' files share inside the print stage.
#pragma once

#include <string_view>

namespace matcalc {

// A Greek letter's three spellings: its ASCII name (as a model may write it), its Unicode
// letter and its LaTeX command.
struct Greek {
    std::string_view ascii, unicode, command;
};

// The letter spelled `name` either way (`sigma` or `σ`), or nullptr.
const Greek* greek(std::string_view name);

}  // namespace matcalc
