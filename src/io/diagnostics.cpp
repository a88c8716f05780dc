// line_column and render_error (README, Commands: "model.mc:3:14: error: ..." with the
// source line and a caret under the offending text).
#include "matcalc/io/diagnostics.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace matcalc {
namespace {

// Length of the UTF-8 sequence at p, or 0 when it is not a valid one (an invalid byte
// counts as one column and is shown as U+FFFD).
std::size_t sequence_length(const std::string& text, std::size_t p) {
    const auto c = static_cast<unsigned char>(text[p]);
    std::size_t n = 0;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3;
    else if (c >= 0xF0 && c <= 0xF4) n = 4;
    else return 0;
    if (p + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(text[p + k]) & 0xC0) != 0x80) return 0;
    return n;
}

// How one character of a source line is shown: invalid bytes and control characters
// other than tab as U+FFFD, so that the caret line stays aligned.
std::string shown_glyph(const std::string& text, std::size_t p, std::size_t& length) {
    const std::size_t n = sequence_length(text, p);
    const auto c = static_cast<unsigned char>(text[p]);
    length = std::max<std::size_t>(n, 1);
    if (n == 0 || (c < 0x20 && c != '\t') || c == 0x7F) return "\xEF\xBF\xBD";
    return text.substr(p, n);
}

constexpr std::size_t kMaxShown = 120;  // longer lines are shown around the column

}  // namespace

std::string shorten(std::string_view text, std::size_t max) {
    if (text.size() <= max) return std::string(text);
    auto boundary = [&](std::size_t p) {  // back to the start of a UTF-8 sequence
        while (p > 0 && p < text.size() && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
        return p;
    };
    std::size_t head = boundary(max / 2), tail = boundary(text.size() - max / 2);
    return fmt::format("{} … ({} bytes) … {}", text.substr(0, head), tail - head, text.substr(tail));
}

LineColumn line_column(const std::string& text, std::size_t offset) {
    offset = std::min(offset, text.size());
    LineColumn lc;
    std::size_t line_start = 0;
    for (std::size_t p = 0; p < offset; ++p) {
        if (text[p] == '\n') {
            ++lc.line;
            line_start = p + 1;
        }
    }
    for (std::size_t p = line_start; p < offset;) {
        p += std::max<std::size_t>(sequence_length(text, p), 1);
        ++lc.column;
    }
    return lc;
}

std::string render_error(const Source& source, const InputError& error) {
    std::string out = shorten(source.name);
    const std::string message = shorten(error.what(), 4 * kMaxEchoed);
    if (!error.where()) {
        out += ": error: ";
        out += message;
        out += '\n';
    } else {
        const std::string& text = source.text;
        const SourceRange range = *error.where();
        const std::size_t begin = std::min(range.begin, text.size());
        const LineColumn lc = line_column(text, begin);
        out += ':' + std::to_string(lc.line) + ':' + std::to_string(lc.column) + ": error: ";
        out += message;
        out += '\n';

        std::size_t line_begin = begin;
        while (line_begin > 0 && text[line_begin - 1] != '\n') --line_begin;
        std::size_t line_end = text.find('\n', begin);
        if (line_end == std::string::npos) line_end = text.size();
        if (line_end > line_begin && text[line_end - 1] == '\r') --line_end;
        std::size_t glyphs = 0;
        for (std::size_t p = line_begin; p < line_end; ++glyphs)
            p += std::max<std::size_t>(sequence_length(text, p), 1);

        // The caret sits under glyph `column`; tildes under the rest of the range on this
        // line. A long line is shown in a window around the column.
        const std::size_t column = lc.column - 1;
        std::size_t first_shown = 0;
        std::size_t end_shown = glyphs;
        if (glyphs > kMaxShown) {
            first_shown = column > kMaxShown / 2 ? column - kMaxShown / 2 : 0;
            end_shown = std::min(glyphs, first_shown + kMaxShown);
        }
        std::string shown = first_shown > 0 ? "  ..." : "  ";
        std::string marks = first_shown > 0 ? "     " : "  ";
        std::size_t g = 0;
        for (std::size_t p = line_begin; p < line_end; ++g) {
            std::size_t length = 0;
            if (g >= end_shown) break;
            if (g < first_shown) {
                p += std::max<std::size_t>(sequence_length(text, p), 1);
                continue;
            }
            const std::string glyph = shown_glyph(text, p, length);
            shown += glyph;
            if (g < column) marks += glyph == "\t" ? '\t' : ' ';
            else if (g == column) marks += '^';
            else if (p < range.end) marks += '~';
            p += length;
        }
        if (column >= g) marks += '^';  // at the end of the line
        if (end_shown < glyphs) shown += "...";
        out += shown;
        out += '\n';
        out += marks;
        out += '\n';
    }
    for (const std::string& note : error.notes()) {
        out += "  ";
        out += shorten(note, 4 * kMaxEchoed);
        out += '\n';
    }
    return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::vector<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
    if (name.size() > 200) return {};
    // The same name in another case first (ReLU, Tanh): names are case-sensitive.
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    for (const std::string& c : candidates)
        if (c != name && lower(c) == lower(name))
            return {fmt::format("did you mean '{}'? (names are case-sensitive)", c)};
    std::string best;
    // One edit away at most for short names: any one-letter name is one edit from 'x'.
    std::size_t best_d = std::min(std::max<std::size_t>(2, name.size() / 3) + 1, name.size());
    for (const std::string& c : candidates) {
        std::size_t d = edit_distance(name, c);
        if (d < best_d) best_d = d, best = c;
    }
    if (best.empty()) return {};
    return {fmt::format("did you mean '{}'?", best)};
}

}  // namespace matcalc
