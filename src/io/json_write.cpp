// The JSON writer: string quoting, shortest round-trip numbers, and Writer.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>

#include "matcalc/io/json.hpp"
#include "matcalc/io/number_text.hpp"
#include "matcalc/io/utf8.hpp"

namespace matcalc::json {

// ---------------------------------------------------------------- writing

std::string quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            switch (c) {
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
            }
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else {
            std::size_t bad_end = i + 1;
            const std::size_t len = utf8_sequence(s, i, bad_end);
            if (len == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD for each invalid byte
                ++i;
            } else {
                out.append(s.substr(i, len));
                i += len;
            }
        }
    }
    out += '"';
    return out;
}

std::string number(double value) {
    if (!std::isfinite(value)) return "null";  // NaN, ±inf
    // A zero is 0, never -0: the sign of a zero product depends on the order in which a
    // sum was formed (SIMD or not), it means nothing to a reader, and it would make the
    // same derivative print differently in the browser and in a terminal.
    if (value == 0) return "0";
    char buf[40];
    for (int precision = 15; precision <= 17; ++precision) {
        const int n = std::snprintf(buf, sizeof buf, "%.*g", precision, value);
        for (int i = 0; i < n; ++i)
            if (buf[i] == ',') buf[i] = '.';  // a locale with a decimal comma
        double back = 0;
        const auto res = read_double(buf, buf + n, back);
        if (precision == 17 || (res.ec == std::errc() && back == value)) return std::string(buf, n);
    }
    return "null";  // not reached
}

namespace {

void dump_to(Writer& w, const Value& v, std::size_t depth) {
    if (depth > kMaxDepth * 16)
        throw std::length_error("json::dump: value nested too deeply");
    switch (v.kind()) {
    case Kind::null: w.null(); break;
    case Kind::boolean: w.boolean(v.as_bool()); break;
    case Kind::number: w.number(v.as_number()); break;
    case Kind::string: w.string(v.as_string()); break;
    case Kind::array:
        w.begin_array();
        for (const Value& e : v.items()) dump_to(w, e, depth + 1);
        w.end_array();
        break;
    case Kind::object:
        w.begin_object();
        for (const Member& m : v.members()) {
            w.key(m.key);
            dump_to(w, m.value, depth + 1);
        }
        w.end_object();
        break;
    }
}

}  // namespace

std::string dump(const Value& value) {
    Writer w;
    dump_to(w, value, 0);
    return w.str();
}

void Writer::newline() {
    out_ += '\n';
    out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
}

void Writer::before_value() {
    if (stack_.empty()) {
        if (done_) throw std::logic_error("json::Writer: a second top-level value");
        done_ = true;
        return;
    }
    Level& top = stack_.back();
    if (top.object) {
        if (!top.key_pending) throw std::logic_error("json::Writer: object value without key()");
        top.key_pending = false;
        return;
    }
    if (!top.empty) out_ += indent_ > 0 ? "," : ", ";
    if (indent_ > 0) newline();
    top.empty = false;
}

Writer& Writer::key(std::string_view name) {
    if (stack_.empty() || !stack_.back().object)
        throw std::logic_error("json::Writer: key() outside an object");
    Level& top = stack_.back();
    if (top.key_pending) throw std::logic_error("json::Writer: two keys in a row");
    if (!top.empty) out_ += indent_ > 0 ? "," : ", ";
    if (indent_ > 0) newline();
    top.empty = false;
    top.key_pending = true;
    out_ += quote(name);
    out_ += ": ";
    return *this;
}

Writer& Writer::begin_object() {
    before_value();
    out_ += '{';
    stack_.push_back(Level{true});
    return *this;
}

Writer& Writer::begin_array() {
    before_value();
    out_ += '[';
    stack_.push_back(Level{false});
    return *this;
}

void Writer::close(bool object) {
    if (stack_.empty() || stack_.back().object != object)
        throw std::logic_error(object ? "json::Writer: end_object() without begin_object()"
                                      : "json::Writer: end_array() without begin_array()");
    if (stack_.back().key_pending)
        throw std::logic_error("json::Writer: key() without a value");
    const bool empty = stack_.back().empty;
    stack_.pop_back();
    if (indent_ > 0 && !empty) newline();
    out_ += object ? '}' : ']';
}

Writer& Writer::end_object() {
    close(true);
    return *this;
}

Writer& Writer::end_array() {
    close(false);
    return *this;
}

Writer& Writer::null() {
    before_value();
    out_ += "null";
    return *this;
}

Writer& Writer::boolean(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

Writer& Writer::number(double d) {
    before_value();
    out_ += json::number(d);
    return *this;
}

Writer& Writer::string(std::string_view utf8) {
    before_value();
    out_ += quote(utf8);
    return *this;
}

Writer& Writer::raw(std::string_view json_text) {
    before_value();
    out_ += json_text;
    return *this;
}

Writer& Writer::value(const Value& v) {
    dump_to(*this, v, 0);
    return *this;
}

Writer& Writer::numbers(const std::vector<double>& list) {
    begin_array();
    for (double d : list) number(d);
    return end_array();
}

}  // namespace matcalc::json
