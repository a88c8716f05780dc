// number_text.hpp. The portable path is taken with libc++ (Debian's emscripten has libc++
// 13, without floating-point charconv); tests/test_json.cpp compares both paths here.
#include "matcalc/io/number_text.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace matcalc {

#if defined(_LIBCPP_VERSION)
#define MATCALC_CHARCONV_DOUBLE 0
#else
#define MATCALC_CHARCONV_DOUBLE 1
#endif

namespace detail {

bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool starts_with_word(const char* p, const char* last, const char* word) {
    for (; *word; ++p, ++word)
        if (p == last || lower(*p) != *word) return false;
    return true;
}

// from_chars's grammar and strtod's value: the longest prefix from_chars would read, copied
// and converted, with its out-of-range cases.
ReadDouble read_double_portable(const char* first, const char* last, double& value) {
    const char* p = first;
    bool negative = p != last && *p == '-';
    if (negative) ++p;
    if (starts_with_word(p, last, "inf")) {
        p += starts_with_word(p, last, "infinity") ? 8 : 3;
        value = negative ? -HUGE_VAL : HUGE_VAL;
        return {p, {}};
    }
    if (starts_with_word(p, last, "nan")) {
        p += 3;
        if (p != last && *p == '(') {  // nan(n-char-sequence)
            const char* q = p + 1;
            while (q != last && (ascii_digit(*q) || (lower(*q) >= 'a' && lower(*q) <= 'z') || *q == '_')) ++q;
            if (q != last && *q == ')') p = q + 1;
        }
        value = negative ? -std::nan("") : std::nan("");
        return {p, {}};
    }
    bool digits = false, nonzero = false;
    while (p != last && ascii_digit(*p)) digits = true, nonzero = nonzero || *p != '0', ++p;
    if (p != last && *p == '.') {
        const char* q = p + 1;
        bool fraction = false;
        while (q != last && ascii_digit(*q)) fraction = true, nonzero = nonzero || *q != '0', ++q;
        if (digits || fraction) p = q, digits = true;
    }
    if (!digits) return {first, std::errc::invalid_argument};
    if (p != last && lower(*p) == 'e') {
        const char* q = p + 1;
        if (q != last && (*q == '+' || *q == '-')) ++q;
        if (q != last && ascii_digit(*q)) {
            while (q != last && ascii_digit(*q)) ++q;
            p = q;
        }
    }
    const std::string text(first, p);
    errno = 0;
    const double v = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE && (std::isinf(v) || (v == 0 && nonzero))) return {p, std::errc::result_out_of_range};
    value = v;
    return {p, {}};
}

std::string shortest_portable(double value) {
    if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // fmt's shortest digits (Dragonbox), laid out as to_chars does: fixed or scientific,
    // whichever is shorter, fixed on a tie (as printf's %f and %e would write them).
    std::string s = fmt::format("{}", value);
    std::string sign;
    if (s[0] == '-') sign = "-", s.erase(0, 1);
    std::string digits;
    int point = 0;  // digits[0] is the 10^point digit
    std::size_t e = s.find('e');
    std::string mantissa = s.substr(0, e);
    int exponent = e == std::string::npos ? 0 : std::stoi(s.substr(e + 1));
    std::size_t dot = mantissa.find('.');
    std::string whole = mantissa.substr(0, dot), fraction = dot == std::string::npos ? "" : mantissa.substr(dot + 1);
    digits = whole + fraction;
    point = static_cast<int>(whole.size()) - 1 + exponent;
    std::size_t lead = digits.find_first_not_of('0');
    if (lead == std::string::npos) return sign + "0";
    point -= static_cast<int>(lead);
    digits.erase(0, lead);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const int n = static_cast<int>(digits.size());
    std::string fixed;
    if (point >= 0) {
        fixed = n <= point + 1 ? digits + std::string(static_cast<std::size_t>(point + 1 - n), '0')
                               : digits.substr(0, static_cast<std::size_t>(point + 1)) + "." +
                                     digits.substr(static_cast<std::size_t>(point + 1));
    } else {
        fixed = "0." + std::string(static_cast<std::size_t>(-point - 1), '0') + digits;
    }
    const int k = point < 0 ? -point : point;
    std::string scientific = digits.substr(0, 1) + (n > 1 ? "." + digits.substr(1) : "") + "e" + (point < 0 ? "-" : "+") +
                             (k < 10 ? "0" : "") + std::to_string(k);
    if (scientific.size() < fixed.size()) return sign + scientific;
    // An integer wider than its shortest digits is written exactly, as %.0f writes it
    // (to_chars: 1234567890123456768, not 1234567890123456800): the same width.
    if (point >= n) return sign + fmt::format("{:.0f}", std::fabs(value));
    return sign + fixed;
}

}  // namespace detail

ReadDouble read_double(const char* first, const char* last, double& value) {
#if MATCALC_CHARCONV_DOUBLE
    const auto r = std::from_chars(first, last, value);
    return {r.ptr, r.ec};
#else
    return detail::read_double_portable(first, last, value);
#endif
}

std::string shortest_double(double value) {
#if MATCALC_CHARCONV_DOUBLE
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
#else
    return detail::shortest_portable(value);
#endif
}

}  // namespace matcalc
