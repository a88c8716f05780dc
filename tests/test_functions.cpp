// The functions, reductions and axes of issue 15 against independent oracles: the
// formulas written out in plain C++ here (PyTorch's softmax(dim=0) and softmax(dim=1) are
// loops over a matrix's columns and rows), their derivatives against central differences
// of those loops, and the conventions of docs/language.md (ties of max(x) and clip).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "support.hpp"

using namespace matcalc::testing;

namespace {

// A matrix in row-major order.
struct Mat {
    int rows = 0, cols = 0;
    std::vector<double> v;
    double& operator()(int i, int j) { return v[static_cast<std::size_t>(i * cols + j)]; }
    double operator()(int i, int j) const { return v[static_cast<std::size_t>(i * cols + j)]; }
};

// Every number of a JSON value (nested lists row by row).
void flatten(const matcalc::json::Value& v, std::vector<double>& out) {
    if (v.is_number()) out.push_back(v.as_number());
    else
        for (const matcalc::json::Value& x : v.items()) flatten(x, out);
}

std::string json_of(const Mat& m) {
    std::string s = "[";
    for (int i = 0; i < m.rows; ++i) {
        s += i ? ", [" : "[";
        for (int j = 0; j < m.cols; ++j) s += (j ? ", " : "") + std::to_string(m(i, j));
        s += "]";
    }
    return s + "]";
}

// softmax along dim 0 (down each column: matcalc's axis 1) or dim 1 (along each row: axis 2),
// shifted by the largest entry as PyTorch does; log_softmax likewise.
Mat softmax(const Mat& z, int axis, bool log) {
    Mat p = z;
    const int lines = axis == 1 ? z.cols : z.rows, length = axis == 1 ? z.rows : z.cols;
    for (int l = 0; l < lines; ++l) {
        auto at = [&](int k) -> double { return axis == 1 ? z(k, l) : z(l, k); };
        double top = at(0);
        for (int k = 1; k < length; ++k) top = std::max(top, at(k));
        double sum = 0;
        for (int k = 0; k < length; ++k) sum += std::exp(at(k) - top);
        for (int k = 0; k < length; ++k) {
            double& out = axis == 1 ? p(k, l) : p(l, k);
            out = log ? at(k) - top - std::log(sum) : std::exp(at(k) - top) / sum;
        }
    }
    return p;
}

// Central differences of f at z, entry by entry (row-major).
std::vector<double> central(const std::function<double(const Mat&)>& f, Mat z) {
    std::vector<double> g;
    for (std::size_t i = 0; i < z.v.size(); ++i) {
        const double saved = z.v[i], h = 1e-6;
        z.v[i] = saved + h;
        const double plus = f(z);
        z.v[i] = saved - h;
        const double minus = f(z);
        z.v[i] = saved;
        g.push_back((plus - minus) / (2 * h));
    }
    return g;
}

void close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("entry " << i << ": " << got[i] << " vs " << want[i]);
        CHECK(std::abs(got[i] - want[i]) <= tol);
    }
}

// `eval --at`: the value of a (matrix) function.
std::vector<double> eval(const std::string& model, const std::string& values);

// The value of the function (`eval --at`) and its gradient with respect to `wrt` (`derive --at`).
std::pair<std::vector<double>, std::vector<double>> at(const std::string& model, const std::string& wrt,
                                                       const std::string& values) {
    Derivative d = derive({"-e", model, "--wrt", wrt, "--at", values});
    std::vector<double> gradient;
    const matcalc::json::Value* g = d.object.find("gradient");
    REQUIRE(g);
    flatten(*g, gradient);
    return {eval(model, values), gradient};
}

std::vector<double> eval(const std::string& model, const std::string& values) {
    Run r = run({"eval", "-e", model, "--at", values, "--format", "json"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    matcalc::json::Value v = parse_json(r.out);
    std::vector<double> out;
    const matcalc::json::Value* value = v.find("value");
    REQUIRE(value);
    flatten(*value, out);
    return out;
}

const Mat kZ{3, 4, {0.5, -1.0, 2.0, 30.0, 1.5, 0.25, -3.0, 31.0, -0.75, 2.0, 0.0, 29.5}};
const Mat kW{3, 4, {1.0, -2.0, 0.5, 3.0, 0.25, 1.0, -1.0, 2.0, 2.0, 0.5, 1.5, -0.5}};

}  // namespace

TEST_CASE("functions: softmax(Z, 1) and softmax(Z, 2) are PyTorch's dim=0 and dim=1, value and gradient",
          "[functions][axes]") {
    const std::string values = "{\"Z\": " + json_of(kZ) + ", \"W\": " + json_of(kW) + "}";
    for (int axis : {1, 2}) {
        for (bool log : {false, true}) {
            const std::string fn = log ? "log_softmax" : "softmax";
            INFO(fn << "(Z, " << axis << ")");
            const std::string decl = "Z, W : matrix(3, 4); ";
            // The value, entry by entry.
            close(eval(decl + "f = " + fn + "(Z, " + std::to_string(axis) + ")", values), softmax(kZ, axis, log).v, 1e-14);
            // A scalar loss through it: its value and gradient.
            auto loss = [&](const Mat& z) {
                Mat p = softmax(z, axis, log);
                double s = 0;
                for (std::size_t i = 0; i < p.v.size(); ++i) s += kW.v[i] * p.v[i];
                return s;
            };
            auto [value, gradient] = at(decl + "f = sum(W ⊙ " + fn + "(Z, " + std::to_string(axis) + "))", "Z", values);
            close(value, {loss(kZ)}, 1e-13);
            close(gradient, central(loss, kZ), 1e-7);
        }
    }
}

TEST_CASE("functions: logsumexp, sum and mean with an axis", "[functions][axes]") {
    const std::string values = "{\"Z\": " + json_of(kZ) + "}";
    // The C++ oracle: each reduction of each column (axis 1) or row (axis 2), then sin, summed.
    auto reduce = [](const Mat& z, int axis, const std::string& fn) {
        std::vector<double> out;
        const int lines = axis == 1 ? z.cols : z.rows, length = axis == 1 ? z.rows : z.cols;
        for (int l = 0; l < lines; ++l) {
            double top = -INFINITY, sum = 0;
            for (int k = 0; k < length; ++k) top = std::max(top, axis == 1 ? z(k, l) : z(l, k));
            for (int k = 0; k < length; ++k) {
                double x = axis == 1 ? z(k, l) : z(l, k);
                sum += fn == "logsumexp" ? std::exp(x - top) : x;
            }
            out.push_back(fn == "logsumexp" ? top + std::log(sum) : fn == "mean" ? sum / length : sum);
        }
        return out;
    };
    for (const std::string fn : {"sum", "mean", "logsumexp"}) {
        for (int axis : {1, 2}) {
            INFO(fn << "(Z, " << axis << ")");
            const std::string call = fn + "(Z, " + std::to_string(axis) + ")";
            close(eval("Z : matrix(3, 4); f = " + call, values), reduce(kZ, axis, fn), 1e-13);
            auto loss = [&](const Mat& z) {
                double s = 0;
                for (double r : reduce(z, axis, fn)) s += std::sin(r);
                return s;
            };
            auto [value, gradient] = at("Z : matrix(3, 4); f = sum(sin(" + call + "))", "Z", values);
            close(value, {loss(kZ)}, 1e-13);
            close(gradient, central(loss, kZ), 1e-7);
        }
    }
    // The shapes, as MATLAB: a row of column results, a column of row results.
    CHECK(eval("Z : matrix(3, 4); f = sum(Z, 1)", values).size() == 4);
    CHECK(eval("Z : matrix(3, 4); f = sum(Z, 2)", values).size() == 3);
}

TEST_CASE("functions: gradients through softmax and log_softmax of a matrix print readably", "[functions][axes]") {
    // Softmax cross-entropy over a batch of columns: P − Y where Y's columns sum to 1.
    CHECK(derive({"-e", "Z, Y : matrix(k, B); f = -sum(Y ⊙ log_softmax(Z, 1))", "--wrt", "Z"}).unicode ==
          "softmax(Z, 1) ⊙ (𝟏ᵀ Y) − Y");  // 1ᵀ Y: the column sums, 1 for one-hot Y
    CHECK(derive({"-e", "Z : matrix(m, n); f = sum(logsumexp(Z, 1))", "--wrt", "Z"}).unicode == "softmax(Z, 1)");
    CHECK(derive({"-e", "Z : matrix(m, n); f = sum(logsumexp(Z, 2))", "--wrt", "Z"}).unicode == "softmax(Z, 2)");
    CHECK(derive({"-e", "X : matrix(m, n); w : vector(n); f = sum(X, 1) * w", "--wrt", "X"}).unicode == "𝟏 wᵀ");
}

TEST_CASE("functions: max(x) and min(x) of one argument, ties split evenly", "[functions][ties]") {
    const std::string model = "x : vector(n); f = max(x)";
    auto [value, gradient] = at(model, "x", R"({"x": [1, 3, -2, 0]})");
    close(value, {3}, 0);
    close(gradient, {0, 1, 0, 0}, 0);
    // Two entries tie for the largest: half each, as max(a, b) where both vary.
    std::tie(value, gradient) = at(model, "x", R"({"x": [1, 3, 3, 0]})");
    close(value, {3}, 0);
    close(gradient, {0, 0.5, 0.5, 0}, 0);
    std::tie(value, gradient) = at("x : vector(n); f = min(x)", "x", R"({"x": [-1, 3, -1, -1]})");
    close(value, {-1}, 0);
    close(gradient, {1.0 / 3, 0, 1.0 / 3, 1.0 / 3}, 1e-16);
    // Of a matrix, through a product: the indicator of the largest entry of A x.
    Run c = run({"check", "-e", "A : matrix(m, n); x : vector(n); f = max(A * x) + min(sin(x))", "--wrt", "A", "--wrt", "x"});
    INFO(c.out << c.err);
    CHECK(c.code == 0);
}

TEST_CASE("functions: clip(x, lo, hi): 1 strictly inside, 0 outside and at a tie with a constant bound",
          "[functions][ties]") {
    auto [value, gradient] = at("x : vector(5); f = sum(clip(x, -0.5, 1) ⊙ [1; 2; 3; 4; 5])", "x",
                                R"({"x": [-2, -0.5, 0.25, 1, 3]})");
    close(value, {-0.5 - 1 + 0.75 + 4 + 5}, 1e-15);
    close(gradient, {0, 0, 3, 0, 0}, 0);
    // Bounds that vary: a tie splits as max and min do.
    std::tie(value, gradient) = at("x, lo : scalar; f = clip(x, lo, 2)", "lo", R"({"x": 1, "lo": 1})");
    close(gradient, {0.5}, 0);
}

TEST_CASE("functions: gelu, elu, erf, sinh, cosh, log1p, expm1 against their formulas", "[functions]") {
    const std::vector<double> xs = {-3, -1, -0.25, 0, 0.5, 2};
    std::string list = "[";
    for (std::size_t i = 0; i < xs.size(); ++i) list += (i ? ", " : "") + std::to_string(xs[i]);
    list += "]";
    const std::string values = "{\"x\": " + list + "}";
    const double pi = std::acos(-1.0);
    struct Fn {
        std::string name;
        std::function<double(double)> f, df;
    };
    const std::vector<Fn> fns = {
        // Φ(x) = ½ (1 + erf(x/√2)); gelu' = Φ(x) + x φ(x).
        {"gelu", [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); },
         [&](double x) { return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-x * x / 2) / std::sqrt(2 * pi); }},
        {"elu", [](double x) { return x > 0 ? x : std::exp(x) - 1; }, [](double x) { return x > 0 ? 1 : std::exp(x); }},
        {"erf", [](double x) { return std::erf(x); }, [&](double x) { return 2 / std::sqrt(pi) * std::exp(-x * x); }},
        {"sinh", [](double x) { return (std::exp(x) - std::exp(-x)) / 2; }, [](double x) { return (std::exp(x) + std::exp(-x)) / 2; }},
        {"cosh", [](double x) { return (std::exp(x) + std::exp(-x)) / 2; }, [](double x) { return (std::exp(x) - std::exp(-x)) / 2; }},
        {"log1p", [](double x) { return std::log(1 + x); }, [](double x) { return 1 / (1 + x); }},
        {"expm1", [](double x) { return std::exp(x) - 1; }, [](double x) { return std::exp(x); }},
        {"softsign", [](double x) { return x / (1 + std::abs(x)); }, [](double x) { return 1 / ((1 + std::abs(x)) * (1 + std::abs(x))); }},
        {"silu", [](double x) { return x / (1 + std::exp(-x)); },
         [](double x) { double s = 1 / (1 + std::exp(-x)); return s * (1 + x * (1 - s)); }},
    };
    for (const Fn& fn : fns) {
        INFO(fn.name);
        const std::vector<double> v = fn.name == "log1p" ? std::vector<double>{-0.5, -0.25, 0, 0.5, 2, 3} : xs;
        std::string vl = "[";
        for (std::size_t i = 0; i < v.size(); ++i) vl += (i ? ", " : "") + std::to_string(v[i]);
        vl += "]";
        const std::string vals = "{\"x\": " + vl + "}";
        std::vector<double> want, dwant;
        for (double x : v) want.push_back(fn.f(x)), dwant.push_back(fn.df(x));
        close(eval("x : vector(n); f = " + fn.name + "(x)", vals), want, 1e-15);
        auto [value, gradient] = at("x : vector(n); f = sum(" + fn.name + "(x))", "x", vals);
        close(gradient, dwant, 1e-14);
    }
    // elu with its α: α (eˣ − 1) below 0, derivative α eˣ; the derivative in α is eˣ − 1.
    auto [value, gradient] = at("x : vector(n); a : scalar; f = sum(elu(x, a))", "a", "{\"x\": [-1, 2], \"a\": 0.5}");
    close(value, {0.5 * std::expm1(-1.0) + 2}, 1e-15);
    close(gradient, {std::expm1(-1.0)}, 1e-15);
    (void)values;
}
