// A small JSON library: a strict RFC 8259 reader that keeps source positions, and
// helpers to write JSON text (README, Commands: values files and JSON output).
//
// Reading:
//   matcalc::Source src{"point.json", text};
//   json::Value doc = json::parse(src);          // throws InputError on any problem
//   if (const json::Value* w = doc.find("w"))
//       for (const json::Value& e : w->items()) use(e.as_number());
//
// Writing (commas, colons and quoting are the writer's business):
//   json::Writer out;                            // Writer(2) for indented output
//   out.begin_object();
//   out.key("of").string("f");
//   out.key("value").begin_array().number(0.5).number(1e-3).end_array();
//   out.end_object();
//   std::cout << out.str();                      // {"of": "f", "value": [0.5, 0.001]}
#pragma once

#include "matcalc/io/diagnostics.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace matcalc::json {

// Limits. RFC 8259 §9 lets a parser limit size, depth and number range.
inline constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::size_t kMaxDepth = 256;         // nested arrays/objects
inline constexpr std::size_t kMaxValues = std::size_t{1} << 22;  // values per document

enum class Kind { null, boolean, number, string, array, object };

// "null", "a boolean", "a number", "a string", "an array", "an object": for messages
// such as "expected a number, found a string".
const char* kind_name(Kind kind);

struct Member;

// An immutable JSON value with the byte range of its text in the source (for a string,
// the range includes the quotes). Objects keep their members in source order; keys are
// unique (the parser rejects duplicates).
class Value {
public:
    Value() = default;  // null, empty range

    Kind kind() const { return static_cast<Kind>(data_.index()); }
    const SourceRange& range() const { return range_; }

    bool is_null() const { return kind() == Kind::null; }
    bool is_bool() const { return kind() == Kind::boolean; }
    bool is_number() const { return kind() == Kind::number; }
    bool is_string() const { return kind() == Kind::string; }
    bool is_array() const { return kind() == Kind::array; }
    bool is_object() const { return kind() == Kind::object; }

    // Accessors: the kind must match (checked: a mismatch throws InputError at range(),
    // "expected a number, found a string"), so callers may use them directly on input.
    bool as_bool() const;
    double as_number() const;
    const std::string& as_string() const;   // UTF-8, escapes decoded (may contain NUL)
    const std::vector<Value>& items() const;     // array elements
    const std::vector<Member>& members() const;  // object members, in source order

    // Object member by key, or nullptr (also nullptr when this is not an object).
    const Value* find(std::string_view key) const;

    // Elements of an array or members of an object; 0 for anything else.
    std::size_t size() const;

    // Builders, used by the parser; also handy in tests.
    static Value make_null(SourceRange r = {});
    static Value make_bool(bool b, SourceRange r = {});
    static Value make_number(double d, SourceRange r = {});
    static Value make_string(std::string s, SourceRange r = {});
    static Value make_array(std::vector<Value> items, SourceRange r = {});
    static Value make_object(std::vector<Member> members, SourceRange r = {});

private:
    // Alternatives in the order of Kind.
    using Data = std::variant<std::monostate, bool, double, std::string, std::vector<Value>,
                              std::vector<Member>>;
    Data data_;
    SourceRange range_;
};

struct Member {
    std::string key;
    SourceRange key_range;  // the key's text, quotes included
    Value value;
};

// Parse one JSON document (RFC 8259, strict). Any problem throws InputError with the
// range of the offending bytes: syntax errors, text after the value, an empty input,
// invalid UTF-8, control characters in strings, bad escapes, lone surrogates, duplicate
// keys, numbers that overflow a double (underflow gives 0 or a subnormal), a byte order
// mark, nesting deeper than kMaxDepth, more than kMaxValues values, input longer than
// kMaxInputBytes. Iterative and linear time: no input can overflow the stack.
Value parse(const Source& source);

// The JSON text of a value (compact, one line), e.g. to echo part of an input.
std::string dump(const Value& value);

// ---------------------------------------------------------------- writing

// A JSON string literal: `"` and `\` escaped, control characters as \n, \t, ... or
// \u00XX; valid UTF-8 passed through as is, each invalid byte replaced by U+FFFD so the
// output is always valid JSON.
std::string quote(std::string_view utf8);

// The shortest of "%.15g", "%.16g", "%.17g" that reads back as the same double
// ("0.1", "1e-300", "0.30000000000000004", "3", "-0"). NaN and ±inf have no JSON form:
// "null".
std::string number(double value);

// Builds a JSON text with correct commas. Compact by default ({"a": 1, "b": [1, 2]});
// with indent > 0, one member or element per line. Misuse (a value in an object
// without key(), key() in an array, unbalanced end_*, a second top-level value) is a
// programming error: std::logic_error.
class Writer {
public:
    explicit Writer(int indent = 0) : indent_(indent) {}

    Writer& begin_object();
    Writer& end_object();
    Writer& begin_array();
    Writer& end_array();
    Writer& key(std::string_view name);  // inside an object, before each value

    Writer& null();
    Writer& boolean(bool b);
    Writer& number(double d);               // via json::number: NaN/inf become null
    Writer& string(std::string_view utf8);  // via json::quote
    Writer& raw(std::string_view json_text);  // an already formatted JSON value, as is
    Writer& value(const Value& v);           // a parsed value (dump)

    // Convenience for numeric output: a flat list, or a list of rows.
    Writer& numbers(const std::vector<double>& list);

    // True when exactly one complete top-level value has been written.
    bool complete() const { return done_ && stack_.empty(); }
    const std::string& str() const { return out_; }

private:
    struct Level {
        bool object;
        bool empty = true;
        bool key_pending = false;
    };
    void before_value();
    void newline();
    void close(bool object);

    std::vector<Level> stack_;
    std::string out_;
    int indent_ = 0;
    bool done_ = false;
};

}  // namespace matcalc::json
