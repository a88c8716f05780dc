// Helpers shared by the tests: run the command line in-process, read its JSON.
#pragma once

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

inline Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = run_cli(args, out, err);
    r.out = out.str();
    r.err = err.str();
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
