// UTF-8 validation shared by the JSON reader and writer.
#pragma once

#include <cstddef>
#include <string_view>

namespace matcalc {

// Length of the well-formed UTF-8 sequence at text[pos] (Unicode Table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when it is malformed; then
// `bad_end` is one past the first offending byte.
inline std::size_t utf8_sequence(std::string_view text, std::size_t pos, std::size_t& bad_end) {
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
        bad_end = pos + 1;
        return 0;
    }
    for (std::size_t i = 1; i < len; ++i) {
        if (pos + i >= text.size()) {
            bad_end = text.size();
            return 0;
        }
        const unsigned char b = byte(pos + i);
        const unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
        if (b < min || b > max) {
            bad_end = pos + i + 1;
            return 0;
        }
    }
    return len;
}

}  // namespace matcalc
