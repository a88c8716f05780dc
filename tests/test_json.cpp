// Tests of the JSON reader and writer (include/matcalc/io/json.hpp).
#include "matcalc/io/json.hpp"
#include "matcalc/io/number_text.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

using namespace matcalc;
namespace json = matcalc::json;

namespace {

json::Value parse_text(std::string text) { return json::parse(Source{"test.json", std::move(text)}); }

// Parses text that must be rejected; returns the error.
InputError parse_error(std::string text) {
    try {
        parse_text(std::move(text));
    } catch (const InputError& e) {
        return e;
    }
    FAIL("expected an InputError");
    return InputError("unreachable");
}

std::size_t error_at(const std::string& text) {
    const InputError e = parse_error(text);
    REQUIRE(e.where().has_value());
    return e.where()->begin;
}

bool same_double(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;  // bitwise: -0.0 differs from 0.0
}

}  // namespace

TEST_CASE("json: scalars", "[json]") {
    CHECK(parse_text("null").is_null());
    CHECK(parse_text("true").as_bool() == true);
    CHECK(parse_text(" false ").as_bool() == false);
    CHECK(parse_text("0").as_number() == 0);
    CHECK(parse_text("-12.5e1").as_number() == -125);
    CHECK(parse_text("1E+2").as_number() == 100);
    CHECK(parse_text("2.5e-3").as_number() == 0.0025);
    CHECK(parse_text("\"hi\"").as_string() == "hi");
    CHECK(parse_text("\t\r\n 7 \n").as_number() == 7);
}

TEST_CASE("json: values file shapes and source ranges", "[json]") {
    const std::string text = "{\"b\": 0.5, \"w\": [1, 2, 3], \"W\": [[1, 2], [3, 4]]}";
    const json::Value doc = parse_text(text);
    REQUIRE(doc.is_object());
    CHECK(doc.range().begin == 0);
    CHECK(doc.range().end == text.size());
    REQUIRE(doc.size() == 3);
    // Members keep their order.
    CHECK(doc.members()[0].key == "b");
    CHECK(doc.members()[1].key == "w");
    CHECK(doc.members()[2].key == "W");
    CHECK(doc.members()[1].key_range.begin == text.find("\"w\""));
    CHECK(doc.members()[1].key_range.end == text.find("\"w\"") + 3);

    const json::Value* b = doc.find("b");
    REQUIRE(b);
    CHECK(b->as_number() == 0.5);
    CHECK(b->range().begin == text.find("0.5"));
    CHECK(b->range().end == text.find("0.5") + 3);

    const json::Value* w = doc.find("w");
    REQUIRE(w);
    REQUIRE(w->items().size() == 3);
    CHECK(w->items()[2].as_number() == 3);
    CHECK(w->range().begin == text.find("[1, 2, 3]"));
    CHECK(w->range().end == text.find("[1, 2, 3]") + 9);

    const json::Value* W = doc.find("W");
    REQUIRE(W);
    CHECK(W->items()[1].items()[0].as_number() == 3);
    CHECK(W->items()[1].range().begin == text.find("[3, 4]"));
    CHECK(doc.find("missing") == nullptr);
    CHECK(b->find("b") == nullptr);  // not an object
}

TEST_CASE("json: empty containers, nesting, string ranges", "[json]") {
    const json::Value v = parse_text("[[], {}, [[]], {\"a\": {}}, \"\"]");
    REQUIRE(v.size() == 5);
    CHECK(v.items()[0].is_array());
    CHECK(v.items()[0].size() == 0);
    CHECK(v.items()[1].is_object());
    CHECK(v.items()[1].size() == 0);
    CHECK(v.items()[2].items()[0].is_array());
    CHECK(v.items()[3].find("a")->is_object());
    CHECK(v.items()[4].as_string().empty());
    CHECK(v.items()[4].range().begin == 26);
    CHECK(v.items()[4].range().end == 28);  // quotes included
}

TEST_CASE("json: string escapes and UTF-8", "[json]") {
    CHECK(parse_text(R"("a\"b\\c\/d\b\f\n\r\t")").as_string() == "a\"b\\c/d\b\f\n\r\t");
    CHECK(parse_text(R"("\u0041\u00e9\u20AC")").as_string() == "A\xC3\xA9\xE2\x82\xAC");
    CHECK(parse_text(R"("\ud83d\ude00")").as_string() == "\xF0\x9F\x98\x80");  // 😀
    CHECK(parse_text(R"("\u0000")").as_string() == std::string(1, '\0'));
    CHECK(parse_text("\"σ(w·x) ⊙ ᵀ\"").as_string() == "σ(w·x) ⊙ ᵀ");
    CHECK(parse_text("\"\xF4\x8F\xBF\xBF\"").as_string() == "\xF4\x8F\xBF\xBF");  // U+10FFFF
    CHECK(parse_text("\"\x7F\"").as_string() == "\x7F");  // DEL needs no escape
}

TEST_CASE("json: numbers", "[json]") {
    CHECK(parse_text("0.1").as_number() == 0.1);
    CHECK(parse_text("1e-300").as_number() == 1e-300);
    CHECK(parse_text("0.30000000000000004").as_number() == 0.1 + 0.2);
    CHECK(same_double(parse_text("-0").as_number(), -0.0));
    CHECK(same_double(parse_text("-0.0").as_number(), -0.0));
    // 2^53 + 1 is not a double: round to nearest even, 2^53.
    CHECK(parse_text("9007199254740993").as_number() == 9007199254740992.0);
    CHECK(parse_text("1.7976931348623157e308").as_number() ==
          std::numeric_limits<double>::max());
    CHECK(parse_text("4.9e-324").as_number() == std::numeric_limits<double>::denorm_min());
    // Underflow is not an error: the nearest double is zero.
    CHECK(same_double(parse_text("1e-400").as_number(), 0.0));
    CHECK(same_double(parse_text("-1e-400").as_number(), -0.0));
    CHECK(parse_text("0e999999999999999999").as_number() == 0);
    CHECK(parse_text("0.000000000000000000000000000001e30").as_number() == Approx(1.0));
}

TEST_CASE("json: malformed documents are rejected with a position", "[json]") {
    struct Case {
        std::string text;
        std::size_t at;  // expected SourceRange begin
    };
    const std::vector<Case> cases = {
        {"", 0},                                 // empty input
        {"   ", 3},                              // only white space: at the end
        {"[1, 2", 5},                            // unterminated array
        {"{\"a\": 1", 7},                        // unterminated object
        {"[1, 2,]", 6},                          // trailing comma in array
        {"{\"a\": 1,}", 8},                      // trailing comma in object
        {"[1 2]", 3},                            // missing comma
        {"{\"a\" 1}", 5},                        // missing colon
        {"{a: 1}", 1},                           // unquoted key
        {"{1: 1}", 1},                           // number as key
        {"['x']", 1},                            // single quotes
        {"[1] x", 4},                            // trailing garbage
        {"{} {}", 3},                            // two documents
        {"01", 0},                               // leading zero
        {"[-]", 1},                              // lone minus
        {"1.", 0},                               // no fraction digits
        {".5", 0},                               // no integer part
        {"+1", 0},                               // plus sign
        {"1e", 0},                               // no exponent digits
        {"[1e400]", 1},                          // overflow
        {"-1e400", 0},                           // overflow, negative
        {"[NaN]", 1},                            // NaN
        {"Infinity", 0},                         // infinity
        {"0x10", 0},                             // hex
        {"tru", 0},                              // bad literal
        {"[True]", 1},                           // capitalised literal
        {"nulll", 0},                            // literal with extra letters
        {"\"abc", 0},                            // unterminated string
        {"\"a\nb\"", 2},                         // raw newline in a string
        {"\"a\tb\"", 2},                         // raw tab in a string
        {R"("\x41")", 1},                        // bad escape
        {R"("\u12")", 1},                        // short \u escape
        {R"("\u12G4")", 1},                      // non-hex digit in \u escape
        {R"("ab\ud800")", 3},                    // lone high surrogate at the end
        {R"("\ud800x")", 1},                     // high surrogate followed by text
        {R"("\ud800\u0041")", 1},                // high surrogate + non-low
        {R"("\udc00")", 1},                      // lone low surrogate
        {"\"a\xC3\"", 2},                        // truncated UTF-8 sequence
        {"\"ab\xFF\"", 3},                       // invalid UTF-8 byte
        {"\"\xC0\x80\"", 1},                     // overlong encoding of NUL
        {"\"\xED\xA0\x80\"", 1},                 // UTF-8-encoded surrogate
        {"\"\xF4\x90\x80\x80\"", 1},             // above U+10FFFF
        {"[\xC3\xA9]", 1},                       // non-ASCII outside a string
        {"\xEF\xBB\xBF{}", 0},                   // byte order mark
        {"{\"a\": 1, \"b\": 2, \"a\": 3}", 17},  // duplicate key: at the second one
        {"{\"a\": 1, \"a\": 2", 9},              // duplicate found before the end
        {"[}", 1},                               // mismatched bracket
        {"{\"a\": ]}", 6},                       // missing value
        {"]", 0},                                // closing bracket first
        {"[1,,2]", 3},                           // double comma
        {"/* comment */ 1", 0},                  // no comments in JSON
    };
    for (const Case& c : cases) {
        INFO("document: " << c.text);
        CHECK(error_at(c.text) == c.at);
    }
}

TEST_CASE("json: error messages say what is wrong", "[json]") {
    const auto message = [](const std::string& text) {
        return std::string(parse_error(text).what());
    };
    CHECK_THAT(message("[1, 2,]"), Catch::Contains("trailing comma"));
    CHECK_THAT(message("{\"w\": 1, \"w\": 2}"), Catch::Contains("duplicate key \"w\""));
    CHECK_THAT(message("[1e999]"), Catch::Contains("too large"));
    CHECK_THAT(message("NaN"), Catch::Contains("not a JSON number"));
    CHECK_THAT(message("01"), Catch::Contains("leading zeros"));
    CHECK_THAT(message("\"\\ud800\""), Catch::Contains("lone high surrogate"));
    CHECK_THAT(message("\"\\udc00\""), Catch::Contains("lone low surrogate"));
    CHECK_THAT(message("\"\xFF\""), Catch::Contains("invalid UTF-8"));
    CHECK_THAT(message(""), Catch::Contains("empty input"));
    CHECK_THAT(message("[1] 2"), Catch::Contains("after the JSON value"));
    CHECK_THAT(message("{\"a\": tru}"), Catch::Contains("'tru'"));

    // The range covers the offending bytes.
    const InputError e = parse_error("[1, 1e999, 3]");
    REQUIRE(e.where());
    CHECK(e.where()->begin == 4);
    CHECK(e.where()->end == 9);
    const InputError dup = parse_error("{\"ab\": 1, \"ab\": 2}");
    REQUIRE(dup.where());
    CHECK(dup.where()->begin == 10);
    CHECK(dup.where()->end == 14);
}

TEST_CASE("json: NUL bytes inside and after the text", "[json]") {
    std::string text = "[1]";
    text += '\0';
    CHECK(error_at(text) == 3);
    std::string in_string = "\"a";
    in_string += '\0';
    in_string += "b\"";
    CHECK(error_at(in_string) == 2);  // a control character
}

TEST_CASE("json: accessors check the kind", "[json]") {
    const json::Value v = parse_text("{\"w\": \"text\"}");
    const json::Value& w = *v.find("w");
    try {
        (void)w.as_number();
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "expected a number, found a string");
        REQUIRE(e.where());
        CHECK(e.where()->begin == 6);
    }
    CHECK_THROWS_AS(v.items(), InputError);
    CHECK_THROWS_AS(w.members(), InputError);
    CHECK_THROWS_AS(w.as_bool(), InputError);
    CHECK(std::string(json::kind_name(json::Kind::array)) == "an array");
}

TEST_CASE("json: deep nesting is rejected without a crash", "[json]") {
    // 256 levels are fine.
    const json::Value ok = parse_text(std::string(256, '[') + std::string(256, ']'));
    CHECK(ok.is_array());
    // 257 levels: error at the 257th bracket.
    CHECK(error_at(std::string(257, '[') + std::string(257, ']')) == 256);
    // 100000 unclosed brackets.
    const InputError e = parse_error(std::string(100000, '['));
    CHECK_THAT(std::string(e.what()), Catch::Contains("too deep"));
    REQUIRE(e.where());
    CHECK(e.where()->begin == 256);
    // Deep objects too.
    std::string objects;
    for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
    CHECK(error_at(objects) == 256 * 5);
}

TEST_CASE("json: size limits", "[json]") {
    // Over 64 MiB: rejected before parsing.
    std::string big(json::kMaxInputBytes + 1, ' ');
    big[0] = '0';
    const InputError e = parse_error(std::move(big));
    CHECK_THAT(std::string(e.what()), Catch::Contains("too large"));
    // A long but valid array parses in linear time.
    std::string list = "[";
    for (int i = 0; i < 200000; ++i) list += i ? ",0.5" : "0.5";
    list += "]";
    CHECK(parse_text(list).size() == 200000);
}

TEST_CASE("json: number() writes the shortest text that round-trips", "[json]") {
    CHECK(json::number(0.1) == "0.1");
    CHECK(json::number(1e-300) == "1e-300");
    CHECK(json::number(0.1 + 0.2) == "0.30000000000000004");
    CHECK(json::number(3.0) == "3");
    CHECK(json::number(-2.5) == "-2.5");
    CHECK(json::number(-0.0) == "0");  // no negative zero in output: its sign means nothing
    CHECK(json::number(0.0) == "0");
    CHECK(json::number(9007199254740992.0) == "9007199254740992");      // 2^53
    CHECK(json::number(9007199254740993.0) == "9007199254740992");      // 2^53+1 → 2^53
    CHECK(json::number(std::nan("")) == "null");
    CHECK(json::number(std::numeric_limits<double>::infinity()) == "null");
    CHECK(json::number(-std::numeric_limits<double>::infinity()) == "null");

    const std::vector<double> samples = {0.1,
                                         1e-300,
                                         0.1 + 0.2,
                                         9007199254740993.0,
                                         1.0 / 3.0,
                                         2.0 / 3.0,
                                         std::numeric_limits<double>::max(),
                                         std::numeric_limits<double>::min(),
                                         std::numeric_limits<double>::denorm_min(),
                                         std::numeric_limits<double>::epsilon(),
                                         0.7739049279441520,
                                         -0.22609507205584797,
                                         123456789012345678.0,
                                         1e21,
                                         5e-324};
    for (double d : samples) {
        const std::string text = json::number(d);
        INFO("number " << text);
        CHECK(same_double(parse_text(text).as_number(), d));
        CHECK(text.size() <= 24);
    }
}

TEST_CASE("json: quote() escapes what JSON requires", "[json]") {
    CHECK(json::quote("abc") == "\"abc\"");
    CHECK(json::quote("a\"b\\c") == R"("a\"b\\c")");
    CHECK(json::quote("\n\t\r\b\f") == R"("\n\t\r\b\f")");
    CHECK(json::quote(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
    CHECK(json::quote(std::string(1, '\0')) == R"("\u0000")");
    CHECK(json::quote("xᵀ ⊙ σ") == "\"xᵀ ⊙ σ\"");                 // UTF-8 passed through
    CHECK(json::quote("a\xFF" "b") == "\"a\xEF\xBF\xBD" "b\"");   // invalid byte → U+FFFD
    CHECK(json::quote("/") == "\"/\"");
    // Round trip through the parser.
    const char raw[] = "q\"\\\n\x01 \0 σ";
    const std::string nasty(raw, sizeof raw - 1);
    CHECK(parse_text(json::quote(nasty)).as_string() == nasty);
}

TEST_CASE("json: Writer puts commas and colons in place", "[json]") {
    json::Writer w;
    w.begin_object();
    w.key("of").string("f");
    w.key("value").number(0.73);
    w.key("derivatives").begin_array();
    w.begin_object().key("wrt").string("w").key("shape").begin_array().number(1).string("n").end_array().end_object();
    w.begin_object().key("empty").begin_array().end_array().key("obj").begin_object().end_object().end_object();
    w.end_array();
    w.key("ok").boolean(true);
    w.key("none").null();
    w.key("raw").raw("[1, 2]");
    w.end_object();
    CHECK(w.complete());
    CHECK(w.str() ==
          R"({"of": "f", "value": 0.73, "derivatives": [{"wrt": "w", "shape": [1, "n"]}, )"
          R"({"empty": [], "obj": {}}], "ok": true, "none": null, "raw": [1, 2]})");
    // The output is valid JSON.
    CHECK(parse_text(w.str()).find("derivatives")->size() == 2);
}

TEST_CASE("json: Writer with indentation", "[json]") {
    json::Writer w(2);
    w.begin_object().key("a").numbers({1, 2}).key("b").begin_object().end_object().end_object();
    CHECK(w.str() == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
    CHECK(parse_text(w.str()).find("a")->size() == 2);
}

TEST_CASE("json: Writer rejects misuse", "[json]") {
    {
        json::Writer w;
        w.begin_object();
        CHECK_THROWS_AS(w.number(1), std::logic_error);  // value without key
    }
    {
        json::Writer w;
        w.begin_array();
        CHECK_THROWS_AS(w.key("a"), std::logic_error);  // key in an array
        CHECK_THROWS_AS(w.end_object(), std::logic_error);
        CHECK(!w.complete());
    }
    {
        json::Writer w;
        w.number(1);
        CHECK(w.complete());
        CHECK_THROWS_AS(w.number(2), std::logic_error);  // second top-level value
    }
}

TEST_CASE("json: dump() and parse() round-trip", "[json]") {
    const std::string text =
        R"({"x": 2, "y": 1, "W1": [[0.1], [0.1]], "b1": [0.1, 0.2], "s": "σ\n", "t": [true, false, null]})";
    const json::Value v = parse_text(text);
    const std::string once = json::dump(v);
    CHECK(once == text);
    CHECK(json::dump(parse_text(once)) == once);
    json::Writer w;
    w.begin_array().value(v.find("W1")->items()[0]).end_array();
    CHECK(w.str() == "[[0.1]]");
}

// ---------------------------------------------------------------- number text

TEST_CASE("number text: the portable reading and writing of doubles give the standard library's results", "[json][numbers]") {
    // The WebAssembly build's standard library lacks charconv for double: its stand-ins
    // must read and write exactly as std::from_chars and std::to_chars do here.
    std::mt19937_64 rng(7);
    auto check = [](double v) {
        INFO(fmt::format("{:a}", v));
        std::string want = matcalc::shortest_double(v), got = matcalc::detail::shortest_portable(v);
        REQUIRE(got == want);
        double a = 0, b = 0;
        auto ra = matcalc::read_double(want.data(), want.data() + want.size(), a);
        auto rb = matcalc::detail::read_double_portable(want.data(), want.data() + want.size(), b);
        REQUIRE(ra.ec == rb.ec);
        REQUIRE(ra.end == rb.end);
        if (!std::isnan(v)) REQUIRE(std::memcmp(&a, &b, sizeof a) == 0);
    };
    for (double v : {0.0, -0.0, 1.0, 0.1, 1e15, 1e16, 1e-5, 1e-7, 123456.0, 1e21, 5e-324, 1.7976931348623157e308,
                     2.5, 100.0, 0.001, 1234567890123456789.0, -3.25e-10, std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), std::nan("")})
        check(v);
    for (int i = 0; i < 200000; ++i) {
        std::uint64_t bits = rng();
        double v;
        std::memcpy(&v, &bits, sizeof v);
        check(v);
        check(static_cast<double>(static_cast<std::int64_t>(rng() >> 40)) / 1024.0);  // short decimals
    }
    // Texts that are not numbers, and the edges from_chars treats specially.
    for (const char* t : {"", "-", ".", "e5", "1e", "1e+", "+1", "0x10", "1.5e999", "1e-999", "-1e-999", "inf", "-Infinity",
                          "nan", "nan(123)", "nan(", "12abc", "1.", ".5", "00012", "1e0005", " 1"}) {
        INFO(t);
        std::string s(t);
        double a = 1.5, b = 1.5;
        auto ra = matcalc::read_double(s.data(), s.data() + s.size(), a);
        auto rb = matcalc::detail::read_double_portable(s.data(), s.data() + s.size(), b);
        CHECK(ra.ec == rb.ec);
        CHECK(ra.end == rb.end);
        if (ra.ec == std::errc() && !std::isnan(a)) CHECK(std::memcmp(&a, &b, sizeof a) == 0);
    }
}
