// Numbers read from and written to text without the locale, the same on every standard
// library: std::from_chars and std::to_chars for double where the library has them
// (libstdc++), and the same grammar and results from strtod and fmt's shortest digits
// where it does not (libc++ 13, which Debian's emscripten uses for the WebAssembly build).
#pragma once

#include <string>
#include <system_error>

namespace matcalc {

struct ReadDouble {
    const char* end;  // one past the number read (first when none)
    std::errc ec;     // {} or invalid_argument or result_out_of_range (value then untouched)
};

// As std::from_chars(first, last, value) with chars_format::general: an optional '-', then
// digits with an optional fraction and exponent, or inf, infinity, nan (any case).
ReadDouble read_double(const char* first, const char* last, double& value);

// The shortest decimal text that reads back as `value`, as std::to_chars(buf, end, value)
// writes it ("0.1", "1e-05", "1e+20", "-inf", "nan").
std::string shortest_double(double value);

namespace detail {  // the portable implementations, exposed for the test that compares them
ReadDouble read_double_portable(const char* first, const char* last, double& value);
std::string shortest_portable(double value);
}  // namespace detail

}  // namespace matcalc
