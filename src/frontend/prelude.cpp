// Reading the prelude (prelude.hpp) from prelude.txt, embedded as kPreludeText.
#include "matcalc/frontend/prelude.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/pattern.hpp"

namespace matcalc {

extern const char kPreludeText[];  // prelude.txt, by cmake/embed.cmake

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

std::vector<PreludeFunction> read_prelude(std::string_view text) {
    std::vector<PreludeFunction> out;
    int line = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = std::min(text.find('\n', start), text.size());
        std::string s = trim(text.substr(start, end - start));
        start = end + 1;
        ++line;
        if (s.empty() || s[0] == '#') continue;
        auto fail = [&](const std::string& what) { throw std::logic_error(fmt::format("prelude.txt:{}: {}", line, what)); };
        PreludeFunction f;
        std::size_t hash = s.find('#');
        if (hash != std::string::npos) f.summary = trim(std::string_view(s).substr(hash + 1)), s = trim(s.substr(0, hash));
        std::size_t eq = s.find('='), open = s.find('('), close = s.find(')');
        if (eq == std::string::npos || open == std::string::npos || close == std::string::npos || close > eq)
            fail("a line is NAME(PARAMETERS) = BODY");
        f.name = trim(std::string_view(s).substr(0, open));
        std::string params = s.substr(open + 1, close - open - 1);
        for (std::size_t p = 0; p <= params.size();) {
            std::size_t comma = std::min(params.find(',', p), params.size());
            f.parameters.push_back(trim(std::string_view(params).substr(p, comma - p)));
            p = comma + 1;
        }
        f.body = trim(std::string_view(s).substr(eq + 1));
        if (find_function(f.name)) fail(fmt::format("'{}' is an operation of the table", f.name));
        std::vector<std::string> names = f.parameters;
        f.pattern = parse_pattern(fmt::format("prelude.txt:{}", line), f.body, names, true);
        if (names.size() != f.parameters.size()) fail(fmt::format("the body names '{}', no parameter", names.back()));
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

const std::vector<PreludeFunction>& prelude() {
    static const std::vector<PreludeFunction> functions = read_prelude(kPreludeText);
    return functions;
}

const PreludeFunction* find_prelude_function(std::string_view name) {
    for (const PreludeFunction& f : prelude())
        if (f.name == name) return &f;
    return nullptr;
}

}  // namespace matcalc
