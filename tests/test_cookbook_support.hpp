// Helpers of the Cookbook tests (test_cookbook*.cpp): each identity is checked through the
// command line twice over, by `matcalc check` at random points and against central
// differences computed here from `matcalc eval` at a point written to a values file.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "support.hpp"

namespace matcalc::testing::cookbook {

// Concrete sizes for the symbolic ones of the declarations.
inline int size_of(const std::string& name) {
    static const std::map<std::string, int> sizes = {{"n", 3}, {"m", 2}, {"k", 4}, {"p", 2},
                                                     {"N", 5}, {"d", 3}, {"h", 4}};
    auto it = sizes.find(name);
    if (it != sizes.end()) return it->second;
    return std::stoi(name);
}

inline std::string trim(std::string s) {
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

inline std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep)) parts.push_back(trim(part));
    return parts;
}

struct Variable {
    std::string name;
    int rows = 1, cols = 1;
    bool vector = false;  // declared vector(d): written as a flat list
};

// The variables of declarations such as "a, b : vector(n); X : matrix(n, m); s : scalar".
inline std::vector<Variable> declared(const std::string& declarations) {
    std::vector<Variable> vars;
    for (const std::string& statement : split(declarations, ';')) {
        auto colon = statement.find(':');
        if (colon == std::string::npos || statement.find('=') != std::string::npos) continue;
        std::string type = trim(statement.substr(colon + 1));
        Variable v;
        if (type.rfind("vector(", 0) == 0) {
            v.rows = size_of(trim(type.substr(7, type.size() - 8)));
            v.vector = true;
        } else if (type.rfind("matrix(", 0) == 0) {
            auto dims = split(type.substr(7, type.size() - 8), ',');
            v.rows = size_of(dims.at(0));
            v.cols = size_of(dims.at(1));
        }
        for (const std::string& name : split(statement.substr(0, colon), ',')) {
            v.name = name;
            vars.push_back(v);
        }
    }
    return vars;
}

// A point where every function of the tests is defined: square matrices are 2 I plus
// entries in (−0.4, 0.4) (diagonally dominant with a positive definite symmetric part, so
// determinants, log-determinants and inverses exist), other matrices have entries in
// (−1, 1), vectors and scalars entries in (0.3, 1.2) (logarithms, powers, norms).
using Point = std::map<std::string, std::vector<double>>;  // entries in vec (column-major) order

inline Point random_point(const std::vector<Variable>& vars, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> noise(-0.4, 0.4), wide(-1.0, 1.0), positive(0.3, 1.2);
    Point p;
    for (const Variable& v : vars) {
        std::vector<double> x(v.rows * v.cols);
        for (int c = 0; c < v.cols; ++c)
            for (int r = 0; r < v.rows; ++r) {
                double& e = x[c * v.rows + r];
                if (v.rows == 1 || v.cols == 1) e = positive(rng);
                else if (v.rows == v.cols) e = (r == c ? 2.0 : 0.0) + noise(rng);
                else e = wide(rng);
            }
        p[v.name] = x;
    }
    return p;
}

inline std::string values_json(const std::vector<Variable>& vars, const Point& p) {
    std::string out = "{";
    for (std::size_t i = 0; i < vars.size(); ++i) {
        const Variable& v = vars[i];
        const std::vector<double>& x = p.at(v.name);
        out += fmt::format("{}\"{}\": ", i ? ", " : "", v.name);
        if (v.rows == 1 && v.cols == 1) {
            out += fmt::format("{:.17g}", x[0]);
        } else if (v.vector) {
            out += "[";
            for (int r = 0; r < v.rows; ++r) out += fmt::format("{}{:.17g}", r ? ", " : "", x[r]);
            out += "]";
        } else {
            out += "[";
            for (int r = 0; r < v.rows; ++r) {
                out += r ? ", [" : "[";
                for (int c = 0; c < v.cols; ++c) out += fmt::format("{}{:.17g}", c ? ", " : "", x[c * v.rows + r]);
                out += "]";
            }
            out += "]";
        }
    }
    return out + "}";
}

// A number, a flat list or a list of rows, in vec (column-major) order.
inline std::vector<double> flatten(const json::Value& v) {
    if (v.is_number()) return {v.as_number()};
    const auto& items = v.items();
    if (items.empty() || items[0].is_number()) {
        std::vector<double> x;
        for (const json::Value& e : items) x.push_back(e.as_number());
        return x;
    }
    std::size_t rows = items.size(), cols = items[0].items().size();
    std::vector<double> x(rows * cols);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) x[c * rows + r] = items[r].items().at(c).as_number();
    return x;
}

class ValuesFile {
public:
    ValuesFile()
        : path_((std::filesystem::temp_directory_path() /
                 fmt::format("matcalc_cookbook_{}_{}.json", ::getpid(), counter()++))
                    .string()) {}
    ~ValuesFile() { std::filesystem::remove(path_); }
    const std::string& write(const std::string& text) {
        std::ofstream(path_, std::ios::binary) << text;
        return path_;
    }

private:
    static int& counter() {
        static int c = 0;
        return c;
    }
    std::string path_;
};

// The function's value at p (through `matcalc eval`), in vec order.
inline std::vector<double> value_at(const std::string& model, const std::vector<Variable>& vars, const Point& p,
                                    ValuesFile& file) {
    Run r = run({"eval", "-e", model, "--at", file.write(values_json(vars, p)), "--format", "json"});
    if (r.code != 0) throw std::runtime_error("eval failed: " + r.err);
    return flatten(*parse_json(r.out).find("value"));
}

// The largest |J − J_fd| / max(1, |J_fd|) between `derive --at`'s Jacobian (numel(f) ×
// numel(wrt), vec order) and central differences on `eval` (step 1e-6 max(1, |x|)) of
// `evaluated` (the same model unless given: the tests of this helper give another one).
inline double finite_difference_error(const std::string& model, const std::string& wrt, unsigned seed = 7,
                                      const std::string& evaluated = "") {
    std::vector<Variable> vars = declared(model);
    Point p = random_point(vars, seed);
    ValuesFile file;
    Derivative d = derive({"-e", model, "--wrt", wrt, "--at", file.write(values_json(vars, p))});
    const json::Value* jacobian = d.object.find("jacobian");
    if (!jacobian) throw std::runtime_error("no jacobian in derive's output");
    const auto& rows = jacobian->items();
    std::vector<double>& x = p.at(wrt);
    double worst = 0;
    for (std::size_t j = 0; j < x.size(); ++j) {
        double saved = x[j], h = 1e-6 * std::max(1.0, std::abs(saved));
        x[j] = saved + h;
        const std::string& f = evaluated.empty() ? model : evaluated;
        std::vector<double> plus = value_at(f, vars, p, file);
        x[j] = saved - h;
        std::vector<double> minus = value_at(f, vars, p, file);
        x[j] = saved;
        if (rows.size() != plus.size()) throw std::runtime_error("jacobian rows differ from numel(f)");
        for (std::size_t i = 0; i < plus.size(); ++i) {
            double fd = (plus[i] - minus[i]) / (2 * h);
            double symbolic = rows[i].items().at(j).as_number();
            worst = std::max(worst, std::abs(symbolic - fd) / std::max(1.0, std::abs(fd)));
        }
    }
    return worst;
}

// One identity: `function` of the declared variables, differentiated with respect to
// `wrt`; `unicode` is the form matcalc prints (in `layout`), nullptr where only the
// numbers are checked.
struct Identity {
    const char* source;  // where the identity comes from
    const char* declarations;
    const char* function;
    const char* wrt;
    const char* unicode;
    const char* layout = "numerator";
};

inline void check_identity(const Identity& c) {
    std::string model = std::string(c.declarations) + "; f = " + c.function;
    INFO(c.source << ": " << model << "  --wrt " << c.wrt);
    if (c.unicode) CHECK(derive({"-e", model, "--wrt", c.wrt, "--layout", c.layout}).unicode == c.unicode);
    Run check = run({"check", "-e", model, "--wrt", c.wrt, "--points", "3"});
    INFO(check.out << check.err);
    CHECK(check.code == 0);
    CHECK(finite_difference_error(model, c.wrt) < 1e-6);
    // A scalar function's Hessian, against finite differences of its gradient.
    Run hessian = run({"check", "-e", model, "--wrt", c.wrt, "--points", "3", "--hessian"});
    if (hessian.err.find("needs a scalar function") == std::string::npos) {
        INFO("--hessian: " << hessian.out << hessian.err);
        CHECK(hessian.code == 0);
    }
}

}  // namespace matcalc::testing::cookbook
