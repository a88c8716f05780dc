// The models of the code generators' tests (test_codegen.cpp for C++, test_codegen_numpy.cpp
// for NumPy), their values, and what both compare: the generated code's numbers against
// the evaluator's (derive --at --format json, in-process) to 1e-12 relative.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
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

namespace matcalc::testing::codegen_cases {

namespace fs = std::filesystem;

struct Case {
    std::string function;            // the model's function: <f>_and_gradients
    std::vector<std::string> model;  // a file, or -e TEXT
    std::vector<std::string> wrt;
    std::string values;              // the values file's text, also the driver's arguments
    std::vector<std::string> args;   // the function's arguments in order (names in `values`)
    std::string extra = {};          // more driver code for this case
    bool hessian = false;            // codegen --hessian: h_<var> too, against derive --hessian
};

inline const std::string kXYA = R"("x": [0.5, -1.2, 0.8], "y": [0.3, 0.7, -0.4],
    "A": [[0.9, -0.3, 0.2], [0.4, 1.1, -0.7], [-0.5, 0.6, 1.3]])";

inline std::vector<Case> cases() {
    return {
        {"L", {example("lecture/mlp_1231.mc")}, {"W1", "b1", "W2", "b2", "W3", "b3"},
         read_file(example("lecture/mlp_1231.json")), {"x", "y", "W1", "b1", "W2", "b2", "W3", "b3"}},
        {"C", {example("lecture/relu_mse_steps.mc")}, {"w", "b"}, read_file(example("lecture/relu_mse_steps.json")),
         {"X", "y", "w", "b"},
         // Arguments whose sizes disagree are refused.
         "try { C_and_gradients(X, Eigen::VectorXd::Zero(3), w, b); std::printf(\"sizes unchecked\\n\"); }\n"
         "catch (const std::invalid_argument&) { std::printf(\"sizes checked\\n\"); }\n"},
        {"CE",
         {"-e", "W : matrix(k, n); x : vector(n); b : vector(k); y : vector(k); λ : scalar\n"
                "z = W*x + b; ŷ = softmax(z); CE = -sum(y .* log(ŷ)) + λ * sum(W .^ 2)"},
         {"W", "b", "λ", "x"},
         R"({"W": [[0.2, -0.1, 0.4, 0.3], [-0.5, 0.6, 0.1, -0.2], [0.3, 0.2, -0.4, 0.5]],
             "x": [1.0, -0.5, 0.25, 2.0], "b": [0.1, -0.2, 0.05], "y": [0, 1, 0], "λ": 0.01})",
         {"W", "x", "b", "y", "λ"}},
        // A batch of samples as columns: the softmax of a matrix, column by column.
        {"CEB",
         {"-e", "W : matrix(k, n); X : matrix(n, B); b : vector(k); Y : matrix(k, B)\n"
                "P = softmax(W*X + b*ones(B)', 1); CEB = -sum(Y .* log(P)) / B"},
         {"W", "b"},
         R"({"W": [[0.2, -0.1, 0.4], [-0.5, 0.6, 0.1], [0.3, 0.2, -0.4], [0.7, -0.3, 0.2]],
             "X": [[1.0, -0.5, 30.0], [0.25, 2.0, -1.0], [-1.5, 0.5, 0.75]], "b": [0.1, -0.2, 0.05, 0.3],
             "Y": [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0]]})",
         {"W", "X", "b", "Y"}},
        // Axes (each column and row shifted by its own largest entry: 30 would not overflow,
        // but shows it), max and min of one argument, the functions of issue 15.
        {"AX",
         {"-e", "x : vector(n); Z : matrix(m, n)\n"
                "AX = sum(logsumexp(Z, 1)) + sum(log_softmax(Z, 2) ⊙ Z) + sum(softmax(Z, 1) ⊙ Z) + max(Z * x) "
                "- min(gelu(x)) + sum(erf(x) + elu(x, 0.5) + clip(x, -0.5, 0.5) + sinh(x) + log1p(x ⊙ x) + expm1(x)) "
                "+ mean(Z, 2)·ones(m) + sum(Z, 1) * x"},
         {"Z", "x"},
         R"({"Z": [[0.5, -1.0, 2.0, 30.0], [1.5, 0.25, -3.0, 31.0], [-0.75, 2.0, 0.0, 29.5]],
             "x": [0.3, -1.2, 0.7, 0.05]})",
         {"x", "Z"}},  // x first: one more entry of it disagrees with Z's columns (Z's rows are free)
        {"f",
         {"-e", "X : matrix(n, n); A : matrix(n, n)\n"
                "f = tr(A*X) + logdet(X) + det(X) + sum(inv(X)) + tr(X' * A * X)"},
         {"X", "A"},
         R"({"X": [[2, 0.5, -0.3], [0.1, 1.5, 0.4], [-0.2, 0.3, 1.8]],
             "A": [[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.7, 0.2, 0.1]]})",
         {"X", "A"}},
        {"g",
         {"-e", "W : matrix(m, n); x : vector(n); b : vector(m)\n"
                "g = [tanh(W*x + b) .* exp(b); leaky_relu(sum(x)); logsumexp(x); W' * b]"},
         {"x", "W", "b"},
         R"({"W": [[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]], "x": [0.3, -0.2, 0.8], "b": [0.1, -0.4]})",
         {"W", "x", "b"}},
        // Inner products, norms, diagonals, a row broadcast, blocks of a stack (reverse mode).
        {"h",
         {"-e", "x : vector(n); y : vector(n); A : matrix(n, n); c : vector(2)\n"
                "h = sum([x·y; norm(x)] .* c) + norm1(A*x) + sum(diag(A) .* x) + sum(relu(A - x)) + x'*A*x"
                " + sum(abs(x)) / n"},
         {"x", "A", "c"}, "{" + kXYA + R"(, "c": [0.6, -1.1]})", {"x", "y", "A", "c"}},
        // A diagonal matrix applied as a factor, never formed; an identity added.
        // --hessian: logistic regression's gradients and Hessians (a vector and a scalar variable).
        {"LR", {"-e", "X : matrix(N, d); w : vector(d); b : scalar; y : vector(N); p = σ(X*w + b); LR = sum(bce(p, y))/N"},
         {"w", "b"},
         R"({"X": [[1.0, -0.5, 0.2], [0.3, 2.0, -1.0], [-1.5, 0.5, 0.75], [0.4, -0.2, 1.1]], "w": [0.3, -0.7, 0.2],
             "b": 0.1, "y": [1, 0, 1, 1]})",
         {"X", "w", "b", "y"}, "", true},
        {"q", {"-e", "A : matrix(n, n); x : vector(n); y : vector(n); q = tanh(A*x) .* y + x"}, {"x", "y"}, "{" + kXYA + "}",
         {"A", "x", "y"}},
    };
}

inline void flatten(const json::Value& v, std::vector<double>& out) {
    if (v.is_number()) out.push_back(v.as_number());
    else
        for (const json::Value& item : v.items()) flatten(item, out);
}


// (a, b): a inside and outside the domains of log, sqrt, asin, bce; b as the exponent of pow,
// the slope of leaky_relu, the target of bce.
inline constexpr double kPoints[][2] = {{-2.5, -0.5}, {-1, 0.3}, {-0.3, 0.9}, {0, 2},  {0.4, -1}, {0.7, 0.25},
                             {1, 1},       {3, 0},    {0.2, 0.8}, {0.55, 1}, {-0.7, 3}, {2.5, 0.5}};

struct Scratch {
    fs::path dir;
    Scratch() {
        dir = fs::temp_directory_path() / ("matcalc_codegen_" + std::to_string(std::random_device{}()));
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::string p = (dir / name).string();
        std::ofstream(p) << text;
        return p;
    }
};

// `matcalc codegen` of a case, with more options (--lang numpy).
inline Run codegen(const Case& c, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args{"codegen"};
    args.insert(args.end(), c.model.begin(), c.model.end());
    for (const std::string& w : c.wrt) args.insert(args.end(), {"--wrt", w});
    if (c.hessian) args.push_back("--hessian");
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
}

// "a == b" for the evaluator's numbers: equal to 1e-12 relative (NaN equals NaN).
inline bool close(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b || std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b));
}


// A driver's output: "LABEL1 LABEL2 x1 x2 ..." lines, the numbers by the two words of their label.
inline std::map<std::string, std::vector<double>> read_numbers(const std::string& text) {
    std::map<std::string, std::vector<double>> got;
    std::istringstream out(text);
    for (std::string line; std::getline(out, line);) {
        std::istringstream words(line);
        std::string a, b;
        words >> a >> b;
        std::vector<double>& v = got[a + " " + b];
        for (std::string x; words >> x;) v.push_back(std::strtod(x.c_str(), nullptr));
    }
    return got;
}

// got[label] == expected, entry by entry to 1e-12 relative.
inline void compare(const std::map<std::string, std::vector<double>>& got, const std::string& label,
                    const std::vector<double>& expected) {
    INFO(label);
    auto it = got.find(label);
    REQUIRE(it != got.end());
    const std::vector<double>& v = it->second;
    REQUIRE(v.size() == expected.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
        INFO("entry " << k << ": generated " << v[k] << ", evaluator " << expected[k]);
        CHECK(close(v[k], expected[k]));
    }
}

// The evaluator's numbers for case i (derive --at --format json, in-process) against the
// driver's lines "i value ..." and "i VAR ..."; the evaluator's output, for more checks.
inline json::Value compare_with_evaluator(const Case& c, std::size_t i, const Scratch& scratch,
                                          const std::map<std::string, std::vector<double>>& got) {
    std::vector<std::string> args{"derive"};
    args.insert(args.end(), c.model.begin(), c.model.end());
    for (const std::string& w : c.wrt) args.insert(args.end(), {"--wrt", w});
    args.insert(args.end(), {"--at", scratch.write(c.function + ".json", c.values), "--format", "json"});
    if (c.hessian) args.push_back("--hessian");
    Run r = run(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    json::Value v = parse_json(r.out);
    std::vector<double> value;
    flatten(*v.find("value"), value);
    compare(got, fmt::format("{} value", i), value);
    const std::vector<json::Value>& ds = v.find("derivatives")->items();
    for (std::size_t k = 0; k < c.wrt.size(); ++k) {
        const json::Value* d = ds.at(k).find("gradient");
        std::vector<double> numbers;
        flatten(d ? *d : *ds.at(k).find("jacobian"), numbers);
        compare(got, fmt::format("{} {}", i, c.wrt[k]), numbers);
        if (c.hessian) {
            std::vector<double> hessian;
            flatten(*ds.at(k).find("hessian"), hessian);
            compare(got, fmt::format("{} h_{}", i, c.wrt[k]), hessian);
        }
    }
    return v;
}

}  // namespace matcalc::testing::codegen_cases
