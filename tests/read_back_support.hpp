// What the round-trip tests (test_round_trip.cpp, test_round_trip_steps.cpp) and the steps'
// numeric test (test_steps.cpp) share: random points of a model, and a formula read back
// checked as `matcalc check` checks a derivative.
#pragma once

#include <map>
#include <random>
#include <string>

#include "matcalc/apps/check.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc::testing {

// Random values for the declared variables, every free size 3. With `by_name`, a name
// drawn before keeps its value, so that two models of the same variables are evaluated at
// the same point.
inline Env random_point(Model& m, std::mt19937_64& rng, std::map<std::string, Eigen::MatrixXd>* by_name = nullptr) {
    Env env;
    SizeTable& z = m.cx().sizes();
    for (std::size_t i = 0; i < z.symbol_count(); ++i) {
        Dim d = z.resolve(-static_cast<Dim>(i) - 1);
        if (is_symbol(d) && z.factors(d).empty() && z.terms(d).empty()) env.sizes[d] = 3;
    }
    std::normal_distribution<double> normal(0.0, 1.0);
    std::map<std::string, Eigen::MatrixXd> drawn;
    if (!by_name) by_name = &drawn;
    for (const Symbol& s : m.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        if (!by_name->count(s.name)) {
            auto [r, c] = concrete_shape(m.cx(), s.expr, env);
            Eigen::MatrixXd v(r, c);
            for (Eigen::Index k = 0; k < v.size(); ++k) v(k) = normal(rng);
            (*by_name)[s.name] = v;
        }
        env.values[s.name] = (*by_name)[s.name];
    }
    return env;
}

// `read` as the numerator-layout derivative of f with respect to the variable x, against
// central finite differences at 3 random points; empty when it agrees, else how it differs.
inline std::string finite_difference_problem(Model& model, Expr f, Expr x, Expr read) {
    CheckOptions options;
    options.points = 3;
    options.tolerance = 1e-5;
    auto results = check_derivatives(model, f, {x}, {read}, nullptr, options);
    if (results.at(0).ok) return {};
    return "differs: error " + std::to_string(results[0].max_error) + " at entry (" + std::to_string(results[0].row) +
           ", " + std::to_string(results[0].col) + ")";
}

}  // namespace matcalc::testing
