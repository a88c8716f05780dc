// Numerically safe derivatives (README, Derivative conventions): the focal loss
// −sum(y ⊙ (1 − p)² ⊙ log p) of p = softmax(z) at logits of scale 1000, where p underflows
// to 0: derive --at and the generated code give the gradient a stable hand-written formula
// gives (log p = z − logsumexp(z), ∂L/∂z = h − p sum(h), h = p ⊙ ∂L/∂p with 1 ⊘ p
// cancelled), with no division by p anywhere.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bad_input_support.hpp"
#include "matcalc/io/json.hpp"

using namespace matcalc::testing::bad_input;

namespace {

const std::string kFocal = "z, y : vector(k); p = softmax(z); L = -sum(y ⊙ (1-p)^2 ⊙ log(p))";

// The oracle: plain doubles, log-softmax through the shifted log-sum-exp.
struct Focal {
    double value = 0;
    std::vector<double> gradient;
};

Focal focal(const std::vector<double>& z, const std::vector<double>& y) {
    double m = z[0];
    for (double v : z) m = std::max(m, v);
    double s = 0;
    for (double v : z) s += std::exp(v - m);
    const double lse = m + std::log(s);
    std::vector<double> lp, p, h;
    double hsum = 0;
    Focal f;
    for (std::size_t i = 0; i < z.size(); ++i) {
        lp.push_back(z[i] - lse);
        p.push_back(std::exp(lp[i]));
        f.value -= y[i] * (1 - p[i]) * (1 - p[i]) * lp[i];
        // h = p ⊙ ∂L/∂p = −y ⊙ (−2 (1 − p) p log p + (1 − p)²)
        h.push_back(-y[i] * (-2 * (1 - p[i]) * p[i] * lp[i] + (1 - p[i]) * (1 - p[i])));
        hsum += h[i];
    }
    for (std::size_t i = 0; i < z.size(); ++i) f.gradient.push_back(h[i] - p[i] * hsum);
    return f;
}

std::string list(const std::vector<double>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

}  // namespace

TEST_CASE("stable gradients: the focal loss at logits of scale 1000", "[stable]") {
    const std::vector<std::vector<double>> logits = {
        {1000, -1000, 500, 0.5}, {-1000, 1000, 999, -3}, {0.3, -0.2, 1.5, 0.1}, {800, 800, -800, 0}};
    const std::vector<double> y = {0.1, 0.6, 0.2, 0.1};
    for (const std::vector<double>& z : logits) {
        INFO("z = " << list(z));
        std::string at = "{\"z\": " + list(z) + ", \"y\": " + list(y) + "}";
        Run r = cli({"derive", "-e", kFocal, "--wrt", "z", "--at", at, "--format", "json"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        matcalc::json::Value doc = matcalc::json::parse(matcalc::Source{"out", r.out});
        const matcalc::json::Value& g = *doc.find("derivatives")->items().at(0).find("gradient");
        Focal oracle = focal(z, y);
        CHECK(doc.find("value")->as_number() == Approx(oracle.value).epsilon(1e-12));
        REQUIRE(g.items().size() == z.size());
        for (std::size_t i = 0; i < z.size(); ++i) {
            INFO("entry " << i);
            double gi = g.items()[i].as_number();
            CHECK(std::isfinite(gi));
            CHECK(gi == Approx(oracle.gradient[i]).epsilon(0).margin(1e-9));
        }
    }
    // The formula and the code divide by no p.
    Run d = cli({"derive", "-e", kFocal, "--wrt", "z", "--format", "text"});
    REQUIRE(d.code == 0);
    CHECK_FALSE(contains(d.out, "/ p"));
    CHECK(contains(d.out, "z - logsumexp(z)"));
    for (const char* lang : {"cpp", "numpy"}) {
        Run c = cli({"codegen", "-e", kFocal, "--wrt", "z", "--lang", lang});
        REQUIRE(c.code == 0);
        // The one division is the softmax's normalisation (p_exp / its sum).
        std::size_t divisions = 0;
        for (std::size_t at = c.out.find(" / "); at != std::string::npos; at = c.out.find(" / ", at + 1)) ++divisions;
        CHECK(divisions == 1);
        CHECK(contains(c.out, "p_exp / "));
    }
    // Softmax cross-entropy keeps its form.
    Run ce = cli({"derive", "-e", "z, y : vector(k); L = -y·log(softmax(z))", "--wrt", "z"});
    CHECK(ce.out == "∂L/∂z = (sum(y) softmax(z) − y)ᵀ\n");
}

TEST_CASE("stable gradients: check --extreme finds a derivative that is not finite where the function is",
          "[stable]") {
    // exp(−exp(x)) is 0 at x = 1000, its derivative −exp(x) exp(−exp(x)) is ∞ · 0 = NaN there.
    Run bad = cli({"check", "-e", "x : vector(n); f = sum(exp(-exp(x)))", "--wrt", "x", "--extreme"});
    INFO(bad.out << bad.err);
    CHECK(bad.code == 1);
    CHECK(contains(bad.out, "  ok: largest error"));  // the differences agree at ordinary points
    CHECK(contains(bad.out, "extreme: NOT FINITE: NaN at a point of scale 1000"));
    // The focal loss: finite everywhere the loss is.
    Run focal_run = cli({"check", "-e", kFocal, "--wrt", "z", "--extreme"});
    INFO(focal_run.out << focal_run.err);
    CHECK(focal_run.code == 0);
    CHECK(contains(focal_run.out, "extreme: ok: finite at 15 points"));
    // Without --extreme, nothing of it.
    Run plain = cli({"check", "-e", "x : vector(n); f = sum(exp(-exp(x)))", "--wrt", "x"});
    CHECK(plain.code == 0);
    CHECK_FALSE(contains(plain.out, "extreme"));
}
