// Input errors and their rendering in the compiler form of README, Commands:
//   model.mc:3:14: error: cannot multiply vector(n) by vector(n)
//     f = w * x + b
//           ^
//     did you mean w·x ...
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace matcalc {

// Byte offsets [begin, end) into the source text. Positions live in the syntax tree
// only, never in DAG nodes (one node can stand at many places).
struct SourceRange {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// A named text: a model file, `-e` text ("<expr>"), or a values file.
struct Source {
    std::string name;
    std::string text;
};

// Every input problem (syntax, names, sizes, values, options) is an InputError:
// the command line turns it into exit code 2. `where` is set when the error points
// into a Source; which Source is the caller's to know (the command line tracks whether
// it is reading the model or the values file).
class InputError : public std::runtime_error {
public:
    explicit InputError(std::string message, std::optional<SourceRange> where = std::nullopt,
                        std::vector<std::string> notes = {})
        : std::runtime_error(std::move(message)), where_(where), notes_(std::move(notes)) {}

    const std::optional<SourceRange>& where() const { return where_; }
    const std::vector<std::string>& notes() const { return notes_; }
    void add_note(std::string note) { notes_.push_back(std::move(note)); }

private:
    std::optional<SourceRange> where_;
    std::vector<std::string> notes_;
};

// 1-based line and column (column counted in code points) of a byte offset.
struct LineColumn {
    std::size_t line = 1;
    std::size_t column = 1;
};
LineColumn line_column(const std::string& text, std::size_t offset);

// A note "did you mean 'sigmoid'?" for the candidate nearest to a misspelt name (by edit
// distance, within about a third of its length), or nothing.
std::vector<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

// Text of the input echoed in a message, cut to about `max` bytes: the start and the end
// kept (at UTF-8 boundaries), " … (N bytes) … " between them. A 10 MB key or option makes
// a message of a few hundred bytes, not of 10 MB.
inline constexpr std::size_t kMaxEchoed = 300;
std::string shorten(std::string_view text, std::size_t max = kMaxEchoed);

// "name:line:col: error: message" + the source line + a caret line + notes.
// Without a position: "name: error: message" + notes. The name, the message and each note
// are shortened (shorten(), to a few times kMaxEchoed).
std::string render_error(const Source& source, const InputError& error);

}  // namespace matcalc
