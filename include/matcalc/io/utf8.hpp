// UTF-8 validation: the one decoder of well-formedness, shared by the grammar (model text),
// the JSON reader and the JSON writer.
#pragma once

#include <cstddef>
#include <string_view>

namespace matcalc {

// Why a sequence is malformed.
enum class Utf8Problem : unsigned char {
    None,
    BadByte,     // a byte that starts no sequence, or an overlong form, a surrogate, > U+10FFFF
    Truncated,   // the text ends inside a character
    Incomplete,  // a lead byte not followed by enough continuation bytes
};

// Length of the well-formed UTF-8 sequence at text[pos] (Unicode Table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when it is malformed; then
// `bad_end` is one past the first offending byte and `problem` (if given) says why.
inline std::size_t utf8_sequence(std::string_view text, std::size_t pos, std::size_t& bad_end,
                                 Utf8Problem* problem = nullptr) {
    const auto fail = [&](Utf8Problem p, std::size_t end) -> std::size_t {
        bad_end = end;
        if (problem) *problem = p;
        return 0;
    };
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char c = byte(pos);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;  // overlong
        if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;  // overlong
        if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return fail(Utf8Problem::BadByte, pos + 1);
    }
    // The structure first (enough continuation bytes), then the second byte's range.
    for (std::size_t i = 1; i < len; ++i) {
        if (pos + i >= text.size()) return fail(Utf8Problem::Truncated, text.size());
        if ((byte(pos + i) & 0xC0) != 0x80) return fail(Utf8Problem::Incomplete, pos + i + 1);
    }
    if (byte(pos + 1) < lo || byte(pos + 1) > hi) return fail(Utf8Problem::BadByte, pos + 2);
    if (problem) *problem = Utf8Problem::None;
    return len;
}

}  // namespace matcalc
