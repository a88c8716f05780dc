// The cheapest association of product chains: fewer multiplications for Jacobians with
// few outputs, the same numbers, and nothing changed when sizes are unknown.
#include <catch2/catch.hpp>

#include "matcalc/numeric/associate.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/simplify/simplify.hpp"

using namespace matcalc;

namespace {

struct Jacobian {
    Model model;
    Expr j;
};

Jacobian jacobian_of(const std::string& text, const std::string& wrt) {
    Model m = load_model(Source{"t", text});
    Expr j = simplify(m.cx(), jacobian(m.cx(), m.function(std::nullopt).expr, m.find(wrt)->expr));
    return {std::move(m), j};
}

Env random_values(Model& m) {
    Env env;
    for (const Symbol& s : m.symbols())
        if (s.kind == Symbol::Kind::Declared) {
            auto [r, c] = concrete_shape(m.cx(), s.expr, env);
            env.values[s.name] = Eigen::MatrixXd::Random(r, c);
        }
    return env;
}

}  // namespace

TEST_CASE("product chains of a Jacobian are associated at the least cost", "[associate]") {
    // Two outputs, a hundred inputs: forward accumulation multiplies 100 columns through
    // every layer; from the left, the chain carries two rows.
    Jacobian jac = jacobian_of("W1 : matrix(50, 100); W2 : matrix(50, 50); W3 : matrix(2, 50); x : vector(100); "
                               "f = W3 * tanh(W2 * tanh(W1 * x))",
                               "x");
    Context& cx = jac.model.cx();
    Env env = random_values(jac.model);
    SizeOf size_of = [&](Dim d) { return known_size(cx.sizes(), d, env); };
    Expr best = cheapest_association(cx, jac.j, size_of);
    double before = product_cost(cx, jac.j, size_of), after = product_cost(cx, best, size_of);
    INFO("cost " << before << " → " << after);
    CHECK(after < before / 10);
    Eigen::MatrixXd a = evaluate(cx, jac.j, env), b = evaluate(cx, best, env);
    REQUIRE(a.rows() == 2);
    REQUIRE(a.cols() == 100);
    CHECK((a - b).cwiseAbs().maxCoeff() <= 1e-12 * std::max(1.0, a.cwiseAbs().maxCoeff()));
    // Applying it again changes nothing: the association is already the cheapest.
    CHECK(product_cost(cx, cheapest_association(cx, best, size_of), size_of) == after);
}

TEST_CASE("chains with a size that is not known stay as derived", "[associate]") {
    Jacobian jac = jacobian_of("W1 : matrix(h, d); W2 : matrix(h, h); W3 : matrix(k, h); x : vector(d); "
                               "f = W3 * tanh(W2 * tanh(W1 * x))",
                               "x");
    Context& cx = jac.model.cx();
    SizeOf unknown = [](Dim d) -> std::int64_t { return d > 0 ? d : 0; };
    CHECK(cheapest_association(cx, jac.j, unknown) == jac.j);
}
