// Finite-difference checking of symbolic Jacobians.
#include "matcalc/check.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "matcalc/ops.hpp"

namespace matcalc {

Eigen::MatrixXd jacobian_matrix(const Context& cx, Expr f, Expr, const Eigen::MatrixXd& d) {
    if (!cx.is_scalar(f)) return d;
    // A scalar function: the derivative is a row vector, a scalar or a gradient shaped
    // like a matrix variable; the Jacobian is its entries in vec order, as one row.
    Eigen::MatrixXd j(1, d.size());
    for (Eigen::Index c = 0, k = 0; c < d.cols(); ++c)
        for (Eigen::Index r = 0; r < d.rows(); ++r) j(0, k++) = d(r, c);
    return j;
}

namespace {

// How close the arguments of piecewise functions come to their kinks at this point.
double kink_distance(const Context& cx, const std::vector<Expr>& piecewise, const Env& env) {
    double nearest = INFINITY;
    for (Expr e : piecewise) {
        std::vector<Eigen::MatrixXd> a = evaluate_all(cx, e->args, env);
        Eigen::MatrixXd out = evaluate(cx, e, env);
        for (Eigen::Index r = 0; r < out.rows(); ++r)
            for (Eigen::Index c = 0; c < out.cols(); ++c) {
                auto at = [&](const Eigen::MatrixXd& m) {
                    return m(m.rows() == 1 ? 0 : r, m.cols() == 1 ? 0 : c);
                };
                double second = a.size() > 1 ? at(a[1]) : 0.0;
                nearest = std::min(nearest, e->op->kink_distance(at(a[0]), second));
            }
    }
    return nearest;
}

bool all_finite(const std::vector<Eigen::MatrixXd>& values) {
    for (const auto& v : values)
        if (!v.allFinite()) return false;
    return true;
}

}  // namespace

std::vector<CheckResult> check_derivatives(Model& model, Expr f, const std::vector<Expr>& wrt,
                                           const std::vector<Expr>& derivatives, const Env* at,
                                           const CheckOptions& options) {
    Context& cx = model.cx();
    std::mt19937_64 rng(options.seed);
    Env base = at ? *at : Env{};
    // Sizes the values did not fix are drawn small.
    SizeTable& sizes = cx.sizes();
    for (std::size_t i = 0; i < sizes.symbol_count(); ++i) {
        Dim d = sizes.resolve(-static_cast<Dim>(i) - 1);
        if (is_symbol(d) && !base.sizes.count(d) && sizes.factors(d).empty() && sizes.terms(d).empty()) base.sizes[d] = std::uniform_int_distribution<int>(2, 4)(rng);
    }
    std::vector<Expr> roots{f};
    roots.insert(roots.end(), derivatives.begin(), derivatives.end());
    std::vector<Expr> piecewise;
    for (Expr e : reachable(cx, roots))
        if (e->op->kink_distance) piecewise.push_back(e);

    std::vector<const Symbol*> variables;
    for (const Symbol& s : model.symbols())
        if (s.kind == Symbol::Kind::Declared) variables.push_back(&s);

    // Finite differences evaluate the function twice per entry of the variable: keep the
    // work bounded (and the random values allocatable).
    constexpr Eigen::Index kMaxCheckedEntries = 20000;
    for (const Symbol* s : variables) {
        auto [r, c] = concrete_shape(cx, s->expr, base);
        if (r > kMaxEntries / c)
            throw InputError(fmt::format("'{}' would have {} × {} entries: too large to check", s->name, r, c));
        bool differentiated = std::count(wrt.begin(), wrt.end(), s->expr) > 0;
        if (differentiated && r * c > kMaxCheckedEntries)
            throw InputError(fmt::format("--wrt {}: {} entries are too many to check by finite differences (at most {})",
                                         s->name, r * c, kMaxCheckedEntries),
                             std::nullopt, {"check a smaller instance: symbolic sizes with small values in --at"});
    }

    std::vector<CheckResult> results(wrt.size());
    for (std::size_t k = 0; k < wrt.size(); ++k) results[k].wrt = wrt[k]->name;

    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> positive(0.1, 0.9);
    for (int point = 0; point < options.points; ++point) {
        Env env = base;
        std::vector<Eigen::MatrixXd> values;
        bool found = false;
        for (int attempt = 0; attempt < 200 && !found; ++attempt) {
            bool use_given = at && point == 0 && attempt == 0;
            if (!use_given) {
                // Standard normal first; then entries in (0.1, 0.9), where log, sqrt and
                // bce are defined.
                for (const Symbol* s : variables) {
                    if (at && at->values.count(s->name) && !std::count(wrt.begin(), wrt.end(), s->expr)) continue;
                    auto [r, c] = concrete_shape(cx, s->expr, env);
                    Eigen::MatrixXd m(r, c);
                    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = attempt < 100 ? normal(rng) : positive(rng);
                    env.values[s->name] = m;
                }
            }
            require_values(model, f, env);
            values = evaluate_all(cx, roots, env);
            found = all_finite(values) && (piecewise.empty() || kink_distance(cx, piecewise, env) > 1e-3);
            if (use_given && !found) throw InputError("the function or its derivative is not finite at the --at point, or a piecewise function is at its kink there");
        }
        if (!found) throw InputError("could not find a point where the function and its derivatives are finite");

        for (std::size_t k = 0; k < wrt.size(); ++k) {
            Expr x = wrt[k];
            Eigen::MatrixXd symbolic = jacobian_matrix(cx, f, x, values[k + 1]);
            Eigen::MatrixXd& xv = env.values[x->name];
            Eigen::MatrixXd numeric(symbolic.rows(), xv.size());
            for (Eigen::Index j = 0; j < xv.size(); ++j) {
                double saved = xv(j);  // column-major: vec order
                double h = 1e-6 * std::max(1.0, std::abs(saved));
                xv(j) = saved + h;
                Eigen::MatrixXd plus = evaluate(cx, f, env);
                xv(j) = saved - h;
                Eigen::MatrixXd minus = evaluate(cx, f, env);
                xv(j) = saved;
                Eigen::MatrixXd diff = (plus - minus) / (2 * h);
                for (Eigen::Index i = 0; i < diff.size(); ++i) numeric(i, j) = diff(i);
            }
            CheckResult& r = results[k];
            if (symbolic.rows() != numeric.rows() || symbolic.cols() != numeric.cols()) {
                r.ok = false;
                r.max_error = INFINITY;
                continue;
            }
            for (Eigen::Index i = 0; i < numeric.rows(); ++i)
                for (Eigen::Index j = 0; j < numeric.cols(); ++j) {
                    double err = std::abs(symbolic(i, j) - numeric(i, j)) / std::max(1.0, std::abs(numeric(i, j)));
                    if (!(err <= r.max_error)) {  // also catches NaN
                        r.max_error = std::isnan(err) ? INFINITY : err;
                        r.point = point, r.row = i, r.col = j;
                        r.symbolic = symbolic(i, j), r.numeric = numeric(i, j);
                    }
                }
            r.ok = r.max_error <= options.tolerance;
        }
    }
    return results;
}

}  // namespace matcalc
