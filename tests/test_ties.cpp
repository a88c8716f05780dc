// Ties of max and min (docs/language.md, Derivatives): with a constant argument the lecture's rule holds
// (∂max(0, z)/∂z = 0 at z = 0); where both arguments vary and are equal each takes half,
// so the two partials add up to 1 (as PyTorch's maximum and minimum, and as central
// differences measure). The numbers are checked against central differences of the
// function written out here in plain C++, not through matcalc.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "support.hpp"

using namespace matcalc::testing;

namespace {

std::vector<double> numbers(const matcalc::json::Value& v) {
    std::vector<double> out;
    if (v.is_number()) out.push_back(v.as_number());
    else
        for (const matcalc::json::Value& x : v.items()) out.push_back(x.as_number());
    return out;
}

std::string list(const std::vector<double>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

// The gradient `derive --at` prints with respect to `wrt`.
std::vector<double> gradient_at(const std::string& model, const std::string& wrt, const std::string& values) {
    Derivative d = derive({"-e", model, "--wrt", wrt, "--at", values});
    return numbers(*d.object.find("gradient"));
}

// Central differences of f at x, entry by entry.
std::vector<double> central_differences(const std::function<double(const std::vector<double>&)>& f,
                                        std::vector<double> x) {
    std::vector<double> g(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = x[i], h = 1e-6;
        x[i] = saved + h;
        double plus = f(x);
        x[i] = saved - h;
        double minus = f(x);
        x[i] = saved;
        g[i] = (plus - minus) / (2 * h);
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

}  // namespace

TEST_CASE("ties: max(x, x) and min(x, x) have derivative 1", "[ties]") {
    const std::string model = "x : vector(n); f = sum(max(x, x))";
    CHECK(derive({"-e", model, "--wrt", "x"}).unicode == "𝟏ᵀ");
    close(gradient_at(model, "x", R"({"x": [1, -2, 0]})"), {1, 1, 1}, 0);
    close(gradient_at("x : vector(n); f = sum(min(x, x))", "x", R"({"x": [1, -2, 0]})"), {1, 1, 1}, 0);
    // Two scalars that happen to be equal: half each, the partials add up to 1.
    const std::string ab = "a, b : scalar; f = max(a, b)";
    close(gradient_at(ab, "a", R"({"a": 1, "b": 1})"), {0.5}, 0);
    close(gradient_at(ab, "b", R"({"a": 1, "b": 1})"), {0.5}, 0);
    close(gradient_at(ab, "a", R"({"a": 2, "b": 1})"), {1}, 0);
    close(gradient_at(ab, "b", R"({"a": 2, "b": 1})"), {0}, 0);
    // max(x, 2x) at 0: ½ · 1 + ½ · 2, the mean of the slopes on either side.
    close(gradient_at("x : scalar; f = max(x, 2x)", "x", R"({"x": 0})"), {1.5}, 1e-15);
}

TEST_CASE("ties: a constant argument keeps the lecture's 0 at the kink", "[ties]") {
    close(gradient_at("z : scalar; f = max(0, z)", "z", R"({"z": 0})"), {0}, 0);
    close(gradient_at("z : scalar; f = relu(z)", "z", R"({"z": 0})"), {0}, 0);
    close(gradient_at("x : vector(n); f = sum(max(x, 0.5))", "x", R"({"x": [0.5, 1, 0]})"), {0, 1, 0}, 0);
    close(gradient_at("x : vector(n); f = sum(min(x, 0.5))", "x", R"({"x": [0.5, 1, 0]})"), {0, 0, 1}, 0);
    CHECK(derive({"-e", "w, x : vector(n); b : scalar; f = max(0, w·x + b)", "--wrt", "w"}).unicode ==
          "step(w·x + b) xᵀ");
}

TEST_CASE("ties: the PPO clipped objective has its gradient inside the clip range", "[ties]") {
    // min(r ⊙ A, clip(r, 0.8, 1.2) ⊙ A), the clip written with max and min. Inside the
    // range both arguments are the same number: the gradient is A there, not 0.
    const std::string model = "r, A : vector(n); f = sum(min(r ⊙ A, min(max(r, 0.8), 1.2) ⊙ A))";
    const std::vector<double> r{1.0, 0.9, 1.1, 1.5, 0.5, 1.3, 0.6}, A{2.0, -1.0, 0.5, 3.0, 1.5, -2.0, -0.7};
    auto f = [&](const std::vector<double>& rv) {
        double s = 0;
        for (std::size_t i = 0; i < rv.size(); ++i) {
            double clipped = std::min(std::max(rv[i], 0.8), 1.2);
            s += std::min(rv[i] * A[i], clipped * A[i]);
        }
        return s;
    };
    const std::string at = R"({"r": )" + list(r) + R"(, "A": )" + list(A) + "}";
    std::vector<double> got = gradient_at(model, "r", at), fd = central_differences(f, r);
    close(got, fd, 1e-8);
    // The first three entries are inside the clip range: A itself.
    close({got[0], got[1], got[2]}, {2.0, -1.0, 0.5}, 0);
    // check draws random points of it instead of refusing them as kinks.
    Run c = run({"check", "-e", model, "--wrt", "r"});
    INFO(c.out << c.err);
    CHECK(c.code == 0);
    Run cx = run({"check", "-e", "x : vector(n); f = sum(max(x, x))", "--wrt", "x"});
    CHECK(cx.code == 0);
}

TEST_CASE("ties: a derivative of max between two variables reads heaviside", "[ties]") {
    CHECK(derive({"-e", "x, y : vector(n); f = sum(max(x, y))", "--wrt", "x"}).unicode == "heaviside(x − y)ᵀ");
    CHECK(derive({"-e", "x, y : vector(n); f = sum(min(x, y))", "--wrt", "y"}).unicode == "heaviside(x − y)ᵀ");
    Run e = run({"eval", "-e", "x : vector(n); f = heaviside(x)", "--at", R"({"x": [-1, 0, 2]})"});
    CHECK(e.out == "f = [0, 0.5, 1]\n");
}
