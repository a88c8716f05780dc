// Strict RFC 8259 reader; see include/matcalc/io/json.hpp (the writer is json_write.cpp).
//
// The parser is a loop over an explicit stack of open containers (no recursion), so
// the nesting depth costs heap, not stack, and is capped at kMaxDepth anyway. Every
// byte is looked at a bounded number of times: linear time.
#include "matcalc/io/json.hpp"

#include "matcalc/io/number_text.hpp"
#include "matcalc/io/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <unordered_set>
#include <utility>

namespace matcalc::json {

// ---------------------------------------------------------------- Value

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "a number";
    case Kind::string: return "a string";
    case Kind::array: return "an array";
    case Kind::object: return "an object";
    }
    return "a value";
}

namespace {

[[noreturn]] void wrong_kind(const Value& v, Kind wanted) {
    throw InputError(std::string("expected ") + kind_name(wanted) + ", found " +
                         kind_name(v.kind()),
                     v.range());
}

}  // namespace

bool Value::as_bool() const {
    if (!is_bool()) wrong_kind(*this, Kind::boolean);
    return std::get<bool>(data_);
}

double Value::as_number() const {
    if (!is_number()) wrong_kind(*this, Kind::number);
    return std::get<double>(data_);
}

const std::string& Value::as_string() const {
    if (!is_string()) wrong_kind(*this, Kind::string);
    return std::get<std::string>(data_);
}

const std::vector<Value>& Value::items() const {
    if (!is_array()) wrong_kind(*this, Kind::array);
    return std::get<std::vector<Value>>(data_);
}

const std::vector<Member>& Value::members() const {
    if (!is_object()) wrong_kind(*this, Kind::object);
    return std::get<std::vector<Member>>(data_);
}

const Value* Value::find(std::string_view key) const {
    if (!is_object()) return nullptr;
    for (const Member& m : std::get<std::vector<Member>>(data_))
        if (m.key == key) return &m.value;
    return nullptr;
}

std::size_t Value::size() const {
    if (is_array()) return std::get<std::vector<Value>>(data_).size();
    if (is_object()) return std::get<std::vector<Member>>(data_).size();
    return 0;
}

Value Value::make_null(SourceRange r) {
    Value v;
    v.range_ = r;
    return v;
}

Value Value::make_bool(bool b, SourceRange r) {
    Value v;
    v.data_ = b;
    v.range_ = r;
    return v;
}

Value Value::make_number(double d, SourceRange r) {
    Value v;
    v.data_ = d;
    v.range_ = r;
    return v;
}

Value Value::make_string(std::string s, SourceRange r) {
    Value v;
    v.data_ = std::move(s);
    v.range_ = r;
    return v;
}

Value Value::make_array(std::vector<Value> items, SourceRange r) {
    Value v;
    v.data_ = std::move(items);
    v.range_ = r;
    return v;
}

Value Value::make_object(std::vector<Member> members, SourceRange r) {
    Value v;
    v.data_ = std::move(members);
    v.range_ = r;
    return v;
}

// ---------------------------------------------------------------- parser

namespace {

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_word_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string describe_byte(unsigned char c) {
    char buf[32];
    if (c >= 0x21 && c < 0x7F)
        std::snprintf(buf, sizeof buf, "'%c'", c);
    else
        std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
    return buf;
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Value run();

private:
    // An array or object whose closing bracket has not been seen yet.
    struct Open {
        bool object;
        std::size_t begin;  // offset of '[' or '{'
        std::vector<Value> items;
        std::vector<Member> members;
        std::unordered_set<std::string> keys;
        std::string key;  // key of the member whose value is being parsed
        SourceRange key_range;
    };

    // Throws at [begin, end), clamped to the text; at the end of the input the range
    // is empty: {size, size}.
    [[noreturn]] void fail(std::string message, std::size_t begin, std::size_t end) const {
        begin = std::min(begin, text_.size());
        end = std::min(std::max(end, begin + 1), text_.size());
        throw InputError(std::move(message), SourceRange{begin, end});
    }

    bool at_end() const { return pos_ >= text_.size(); }
    unsigned char peek() const { return static_cast<unsigned char>(text_[pos_]); }
    void skip_space() {
        while (!at_end() && is_space(peek())) ++pos_;
    }

    void count_value(std::size_t begin) {
        if (++values_ > kMaxValues)
            fail("too many values (more than " + std::to_string(kMaxValues) +
                     " in one document)",
                 begin, begin + 1);
    }

    [[noreturn]] void unexpected(const char* expected) const;
    Value scalar();
    Value literal();
    Value number();
    std::string string_body();  // at the opening quote; leaves pos_ after the closing one
    void object_key(Open& open);

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t values_ = 0;
};

void Parser::unexpected(const char* expected) const {
    if (at_end()) {
        fail(std::string("unexpected end of input, expected ") + expected, pos_, pos_ + 1);
    }
    const unsigned char c = peek();
    if (is_word_char(c)) {  // a whole word is easier to read than one letter
        std::size_t end = pos_;
        while (end < text_.size() && is_word_char(static_cast<unsigned char>(text_[end]))) ++end;
        fail("unexpected '" + std::string(text_.substr(pos_, end - pos_)) + "', expected " +
                 expected,
             pos_, end);
    }
    if (c >= 0x80) {
        std::size_t bad_end = pos_ + 1;
        const std::size_t len = utf8_sequence(text_, pos_, bad_end);
        if (len == 0) fail("invalid UTF-8 (" + describe_byte(c) + ")", pos_, bad_end);
        fail("unexpected character '" + std::string(text_.substr(pos_, len)) + "', expected " +
                 expected,
             pos_, pos_ + len);
    }
    fail("unexpected " + describe_byte(c) + ", expected " + expected, pos_, pos_ + 1);
}

Value Parser::run() {
    if (text_.size() > kMaxInputBytes)
        fail("input is too large (" + std::to_string(text_.size()) + " bytes; the limit is " +
                 std::to_string(kMaxInputBytes) + ")",
             kMaxInputBytes, text_.size());
    if (text_.substr(0, 3) == "\xEF\xBB\xBF")
        fail("byte order mark at the start of the input (JSON text must start without one)",
             0, 3);
    skip_space();
    if (at_end()) {
        fail(text_.empty() ? "empty input, expected a JSON value"
                           : "input holds only white space, expected a JSON value",
             pos_, pos_);
    }

    std::vector<Open> stack;
    std::optional<Value> done;  // the value just completed, to be placed in its parent
    bool after_comma = false;

    for (;;) {
        // 1. Read one value, or open a container.
        skip_space();
        if (at_end()) unexpected("a value");
        const unsigned char c = peek();
        const bool comma_before = after_comma;
        after_comma = false;
        if (c == '[' || c == '{') {
            if (stack.size() >= kMaxDepth)
                fail("nesting is too deep (more than " + std::to_string(kMaxDepth) +
                         " levels of arrays and objects)",
                     pos_, pos_ + 1);
            count_value(pos_);
            Open open;
            open.object = c == '{';
            open.begin = pos_++;
            skip_space();
            const char close = open.object ? '}' : ']';
            if (!at_end() && peek() == static_cast<unsigned char>(close)) {
                ++pos_;
                SourceRange r{open.begin, pos_};
                done = open.object ? Value::make_object({}, r) : Value::make_array({}, r);
            } else {
                if (open.object) object_key(open);
                stack.push_back(std::move(open));
                continue;  // read the first element / member value
            }
        } else if (c == ']' && comma_before) {
            fail("expected a value after ',' (a trailing comma is not allowed before ']')",
                 pos_, pos_ + 1);
        } else {
            done = scalar();
        }

        // 2. Place completed values in their parents, closing containers as they end.
        for (;;) {
            if (stack.empty()) {
                skip_space();
                if (!at_end()) {
                    fail("unexpected text after the JSON value (" + describe_byte(peek()) + ")",
                         pos_, pos_ + 1);
                }
                return std::move(*done);
            }
            Open& top = stack.back();
            if (top.object)
                top.members.push_back(Member{std::move(top.key), top.key_range, std::move(*done)});
            else
                top.items.push_back(std::move(*done));
            done.reset();

            skip_space();
            const char close = top.object ? '}' : ']';
            if (!at_end() && peek() == ',') {
                ++pos_;
                if (top.object) {
                    skip_space();
                    if (!at_end() && peek() == '}')
                        fail("expected a key after ',' (a trailing comma is not allowed before "
                             "'}')",
                             pos_, pos_ + 1);
                    object_key(top);
                }
                after_comma = !top.object;
                break;  // read the next value
            }
            if (!at_end() && peek() == static_cast<unsigned char>(close)) {
                ++pos_;
                SourceRange r{top.begin, pos_};
                done = top.object ? Value::make_object(std::move(top.members), r)
                                  : Value::make_array(std::move(top.items), r);
                stack.pop_back();
                continue;  // the closed container is a completed value
            }
            if (top.object)
                unexpected("',' or '}' after an object member");
            unexpected("',' or ']' after an array element");
        }
    }
}

// At the start of a member: reads `"key" :` and leaves pos_ at the value.
void Parser::object_key(Open& open) {
    skip_space();
    if (at_end() || peek() != '"') unexpected("a string key in double quotes");
    const std::size_t b = pos_;
    std::string key = string_body();
    const SourceRange r{b, pos_};
    if (!open.keys.insert(key).second)
        fail("duplicate key " + quote(key) + " in object", r.begin, r.end);
    skip_space();
    if (at_end() || peek() != ':') unexpected("':' after the key");
    ++pos_;
    open.key = std::move(key);
    open.key_range = r;
}

Value Parser::scalar() {
    const std::size_t b = pos_;
    const unsigned char c = peek();
    if (c == '"') {
        count_value(b);
        std::string s = string_body();
        return Value::make_string(std::move(s), SourceRange{b, pos_});
    }
    if (c == '-' || is_digit(c)) return number();
    if (c == 't' || c == 'f' || c == 'n') return literal();
    if (c == '+' || c == '.')
        fail(std::string("a JSON number cannot start with '") + static_cast<char>(c) + "'",
             b, b + 1);
    if (c == '\'') fail("strings must be in double quotes", b, b + 1);
    // NaN, Infinity, True, ...: a clearer message than "unexpected 'N'".
    std::size_t end = b;
    while (end < text_.size() && is_word_char(static_cast<unsigned char>(text_[end]))) ++end;
    const std::string_view word = text_.substr(b, end - b);
    if (word == "NaN" || word == "Infinity" || word == "inf" || word == "nan")
        fail("'" + std::string(word) + "' is not a JSON number (JSON has no NaN or infinity)",
             b, end);
    unexpected("a value");
}

Value Parser::literal() {
    const std::size_t b = pos_;
    std::size_t end = b;
    while (end < text_.size() && is_word_char(static_cast<unsigned char>(text_[end]))) ++end;
    const std::string_view word = text_.substr(b, end - b);
    count_value(b);
    pos_ = end;
    const SourceRange r{b, end};
    if (word == "true") return Value::make_bool(true, r);
    if (word == "false") return Value::make_bool(false, r);
    if (word == "null") return Value::make_null(r);
    fail("unknown word '" + std::string(word) + "' (JSON's words are true, false and null)", b,
         end);
}

// number = [ "-" ] ( "0" / [1-9] *DIGIT ) [ "." 1*DIGIT ] [ ("e"/"E") ["+"/"-"] 1*DIGIT ]
Value Parser::number() {
    const std::size_t b = pos_;
    count_value(b);
    std::size_t p = pos_;
    const auto digit_at = [&](std::size_t i) {
        return i < text_.size() && is_digit(static_cast<unsigned char>(text_[i]));
    };
    const auto char_at = [&](std::size_t i) { return i < text_.size() ? text_[i] : '\0'; };
    const auto bad = [&](const char* what, std::size_t end) {
        // The whole would-be number, up to the next separator, reads best in the message.
        std::size_t e = std::max(end, p);
        while (e < text_.size() && (is_word_char(static_cast<unsigned char>(text_[e])) ||
                                    text_[e] == '.' || text_[e] == '+' || text_[e] == '-'))
            ++e;
        fail(std::string(what) + " in number '" + std::string(text_.substr(b, e - b)) + "'",
             b, e);
    };

    if (char_at(p) == '-') ++p;
    if (!digit_at(p)) bad("expected a digit", p + 1);
    // Decimal exponent of the leading significant digit (for telling overflow from
    // underflow); nonzero_seen says whether there is one.
    long long lead_exponent = 0;
    bool nonzero_seen = false;
    if (char_at(p) == '0') {
        ++p;
        if (digit_at(p)) bad("leading zeros are not allowed", p + 1);
    } else {
        const std::size_t int_begin = p;
        while (digit_at(p)) ++p;
        nonzero_seen = true;
        lead_exponent = static_cast<long long>(p - int_begin) - 1;
    }
    if (char_at(p) == '.') {
        ++p;
        if (!digit_at(p)) bad("expected a digit after '.'", p + 1);
        const std::size_t frac_begin = p;
        while (digit_at(p)) {
            if (!nonzero_seen && text_[p] != '0') {
                nonzero_seen = true;
                lead_exponent = -static_cast<long long>(p - frac_begin) - 1;
            }
            ++p;
        }
    }
    long long exponent = 0;
    if (char_at(p) == 'e' || char_at(p) == 'E') {
        ++p;
        bool negative = false;
        if (char_at(p) == '+' || char_at(p) == '-') negative = text_[p++] == '-';
        if (!digit_at(p)) bad("expected a digit in the exponent", p + 1);
        while (digit_at(p)) {
            if (exponent < 1'000'000'000) exponent = exponent * 10 + (text_[p] - '0');
            ++p;
        }
        if (negative) exponent = -exponent;
    }
    if (p < text_.size() && (is_word_char(static_cast<unsigned char>(text_[p])) || text_[p] == '.'))
        bad("unexpected character", p + 1);

    pos_ = p;
    const SourceRange r{b, p};
    double value = 0;
    const auto res = read_double(text_.data() + b, text_.data() + p, value);
    if (res.ec == std::errc::result_out_of_range) {
        if (nonzero_seen && lead_exponent + exponent >= 0)
            fail("number '" + std::string(text_.substr(b, p - b)) +
                     "' is too large for a double",
                 b, p);
        value = text_[b] == '-' ? -0.0 : 0.0;  // underflow: the nearest double is zero
    } else if (res.ec != std::errc() || res.end != text_.data() + p) {
        fail("cannot read number '" + std::string(text_.substr(b, p - b)) + "'", b, p);
    }
    return Value::make_number(value, r);
}

std::string Parser::string_body() {
    const std::size_t open = pos_;
    ++pos_;  // the opening quote
    std::string out;
    for (;;) {
        if (at_end()) fail("unterminated string (missing closing '\"')", open, text_.size());
        const unsigned char c = peek();
        if (c == '"') {
            ++pos_;
            return out;
        }
        if (c == '\\') {
            const std::size_t esc = pos_;
            if (pos_ + 1 >= text_.size())
                fail("unterminated string (missing closing '\"')", open, text_.size());
            const char e = text_[pos_ + 1];
            pos_ += 2;
            switch (e) {
            case '"': out += '"'; continue;
            case '\\': out += '\\'; continue;
            case '/': out += '/'; continue;
            case 'b': out += '\b'; continue;
            case 'f': out += '\f'; continue;
            case 'n': out += '\n'; continue;
            case 'r': out += '\r'; continue;
            case 't': out += '\t'; continue;
            case 'u': break;
            default: {
                std::size_t bad_end = esc + 2;
                std::size_t len = utf8_sequence(text_, esc + 1, bad_end);
                if (len == 0) len = 1;
                fail("invalid escape '\\" + std::string(text_.substr(esc + 1, len)) +
                         "' (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                     esc, esc + 1 + len);
            }
            }
            // \uXXXX, possibly a surrogate pair \uD83D\uDE00.
            const auto hex4 = [&](std::size_t at, std::size_t esc_begin) -> std::uint32_t {
                std::uint32_t v = 0;
                for (std::size_t i = 0; i < 4; ++i) {
                    const int h = at + i < text_.size()
                                      ? hex_value(static_cast<unsigned char>(text_[at + i]))
                                      : -1;
                    if (h < 0)
                        fail("invalid \\u escape: expected four hex digits", esc_begin,
                             std::min(at + i + 1, text_.size()));
                    v = v * 16 + static_cast<std::uint32_t>(h);
                }
                return v;
            };
            std::uint32_t cp = hex4(pos_, esc);
            pos_ += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                fail("lone low surrogate in \\u escape (it must follow a high surrogate)", esc,
                     pos_);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (text_.substr(pos_, 2) != "\\u")
                    fail("lone high surrogate in \\u escape (it must be followed by a \\u "
                         "escape of a low surrogate)",
                         esc, pos_);
                const std::uint32_t low = hex4(pos_ + 2, pos_);
                if (low < 0xDC00 || low > 0xDFFF)
                    fail("lone high surrogate in \\u escape (the next escape is not a low "
                         "surrogate)",
                         esc, pos_);
                pos_ += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            append_utf8(out, cp);
            continue;
        }
        if (c < 0x20) {
            char buf[128];
            std::snprintf(buf, sizeof buf,
                          "control character U+%04X in a string must be escaped%s", c,
                          c == '\n' ? " (or the string is missing its closing '\"')" : "");
            fail(buf, pos_, pos_ + 1);
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++pos_;
            continue;
        }
        std::size_t bad_end = pos_ + 1;
        const std::size_t len = utf8_sequence(text_, pos_, bad_end);
        if (len == 0) fail("invalid UTF-8 in string (" + describe_byte(c) + ")", pos_, bad_end);
        out.append(text_.substr(pos_, len));
        pos_ += len;
    }
}

}  // namespace

Value parse(const Source& source) { return Parser(source.text).run(); }

}  // namespace matcalc::json
