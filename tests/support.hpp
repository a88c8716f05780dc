// Helpers shared by the tests: run the command line in-process, read its JSON.
#pragma once

#include <catch2/catch.hpp>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "matcalc/cli/cli.hpp"
#include "matcalc/io/json.hpp"

#ifndef MATCALC_SOURCE_DIR
#define MATCALC_SOURCE_DIR "."
#endif

namespace matcalc::testing {

struct Run {
    int code = -1;
    std::string out, err;
};

// The first form a person would not write in a printed result (issue 16's acceptance:
// `/ 1`, `·1`, `sum(… ⊙ I)`; in LaTeX `\frac{…}{1}` and `\cdot 1`; in ASCII
// `sum(… .* eye(n))`), with some text around it; empty when there is none. A plain scan,
// not std::regex, whose matching recurses per character on long results.
inline std::string unreadable_form(const std::string& text) {
    auto digit_after = [&](std::size_t p) {
        return p < text.size() && (std::isdigit(static_cast<unsigned char>(text[p])) || text[p] == '.' || text[p] == 'e' ||
                                    text.compare(p, 2, "×") == 0);
    };
    auto around = [&](std::size_t p) { return text.substr(p < 40 ? 0 : p - 40, 80); };
    for (const char* needle : {"/ 1", "·1", "\\cdot 1"}) {
        std::size_t n = std::char_traits<char>::length(needle);
        for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1))
            if (!digit_after(p + n)) return around(p);
    }
    if (std::size_t p = text.find("}{1}"); p != std::string::npos) return around(p);
    // sum(M ⊙ I), sum(M .* eye(n)): the innermost parenthesis around the identity opens
    // after `sum`.
    auto opened_by_sum = [&](std::size_t p) {
        std::size_t q = text.find_last_of("()", p);
        return q != std::string::npos && text[q] == '(' && q >= 3 && text.compare(q - 3, 3, "sum") == 0;
    };
    for (std::size_t p = text.find(" ⊙ I)"); p != std::string::npos; p = text.find(" ⊙ I)", p + 1))
        if (opened_by_sum(p)) return around(p);
    for (std::size_t p = text.find(" .* eye("); p != std::string::npos; p = text.find(" .* eye(", p + 1)) {
        std::size_t close = text.find(')', p + 8);
        if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ')' && opened_by_sum(p))
            return around(p);
    }
    return {};
}

// Every result the suite derives through the command line is scanned for those forms: a
// test case that derives one fails here, whatever it checks itself.
inline void scan_derived(const std::vector<std::string>& args, const std::string& out) {
    if (args.empty() || args[0] != "derive") return;
    std::string bad = unreadable_form(out);
    if (bad.empty()) return;
    std::string command;
    for (const std::string& a : args) command += (command.empty() ? "" : " ") + a;
    INFO("matcalc " << command);
    FAIL_CHECK("a printed result has a form a person would not write: ..." << bad << "...");
}

inline Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = run_cli(args, out, err);
    r.out = out.str();
    r.err = err.str();
    if (r.code == 0) scan_derived(args, r.out);
    return r;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string example(const std::string& relative) { return std::string(MATCALC_SOURCE_DIR) + "/examples/" + relative; }

inline json::Value parse_json(const std::string& text) { return json::parse(Source{"output", text}); }

// `matcalc derive ... --format json`: the one derivative's object.
struct Derivative {
    std::string text, unicode, latex;
    json::Value object;
};

inline Derivative derive(std::vector<std::string> args) {
    args.insert(args.begin(), "derive");
    args.push_back("--format");
    args.push_back("json");
    Run r = run(args);
    if (r.code != 0) throw std::runtime_error("derive failed: " + r.err);
    json::Value v = parse_json(r.out);
    const json::Value& d = v.find("derivatives")->items().at(0);
    return {d.find("text")->as_string(), d.find("unicode")->as_string(), d.find("latex")->as_string(), d};
}

}  // namespace matcalc::testing
