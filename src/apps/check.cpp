// Finite-difference checking of symbolic Jacobians.
#include "matcalc/apps/check.hpp"

#include <algorithm>
#include <map>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "matcalc/core/ops.hpp"

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

double check_error(double symbolic, double numeric, double noise) {
    double diff = std::abs(symbolic - numeric);
    if (diff == 0) return 0.0;
    return diff / std::max(std::abs(numeric), noise / kResolution);
}

namespace {

// How close the arguments of piecewise functions come to their kinks at this point. An
// exact tie of max or min between two arguments that both vary is no kink: there the
// derivative splits evenly, which is what central differences measure (max(x, x), or a
// clipped objective inside its clip range, ties everywhere).
double kink_distance(const Context& cx, const std::vector<Expr>& piecewise, const Env& env) {
    double nearest = INFINITY;
    for (Expr e : piecewise) {
        const bool split = e->op->split_ties && e->args[0]->has_variable && e->args[1]->has_variable;
        std::vector<Eigen::MatrixXd> a = evaluate_all(cx, e->args, env);
        Eigen::MatrixXd out = evaluate(cx, e, env);
        for (Eigen::Index r = 0; r < out.rows(); ++r)
            for (Eigen::Index c = 0; c < out.cols(); ++c) {
                auto at = [&](const Eigen::MatrixXd& m) {
                    return m(m.rows() == 1 ? 0 : r, m.cols() == 1 ? 0 : c);
                };
                double first = at(a[0]), second = a.size() > 1 ? at(a[1]) : 0.0;
                if (split && first == second) continue;
                nearest = std::min(nearest, e->op->kink_distance(first, second));
            }
    }
    return nearest;
}

// The rounding error of the central differences (f(x + h) − f(x − h)) / 2h of every entry
// of f: each value is known to a few units in the last place of the function's magnitude
// (normwise: a small entry computed from large ones, det(S) S⁻ᵀ, carries their rounding),
// and the difference divides that by h. The factor 64 covers the rounding of the
// evaluation itself; truncation, h² f''' / 6 ≈ 1e-12 f''', is far below it.
double finite_difference_noise(const Eigen::MatrixXd& plus, const Eigen::MatrixXd& minus, double h) {
    constexpr double kUnitRoundoff = 0x1.0p-53;
    double scale = std::max(plus.cwiseAbs().maxCoeff(), minus.cwiseAbs().maxCoeff());
    return 64 * kUnitRoundoff * scale / h;
}

bool all_finite(const std::vector<Eigen::MatrixXd>& values) {
    for (const auto& v : values)
        if (!v.allFinite()) return false;
    return true;
}

}  // namespace

std::vector<DrawnPoint> draw_points(Model& model, std::span<const Expr> roots, const std::vector<Expr>& wrt,
                                    const Env* at, const CheckOptions& options) {
    Context& cx = model.cx();
    std::mt19937_64 rng(options.seed);
    Env base = at ? *at : Env{};
    // Sizes the values did not fix are drawn small, but large enough for the model's
    // indices (X[2:3, :] of a matrix(m, n) needs m ≥ 3).
    SizeTable& sizes = cx.sizes();
    std::map<Dim, int> least;
    for (Expr e : reachable(cx, roots)) {
        if (e->op->kind != Kind::Block) continue;
        Shape whole = sizes.resolve(cx.shape(e->args[0])), part = sizes.resolve(cx.shape(e));
        Dim top = sizes.resolve(e->dim), left = sizes.resolve(e->dim2);
        if (is_symbol(whole.rows) && !is_symbol(top) && !is_symbol(part.rows))
            least[whole.rows] = std::max<int>(least[whole.rows], static_cast<int>(top + part.rows));
        if (is_symbol(whole.cols) && !is_symbol(left) && !is_symbol(part.cols))
            least[whole.cols] = std::max<int>(least[whole.cols], static_cast<int>(left + part.cols));
    }
    for (std::size_t i = 0; i < sizes.symbol_count(); ++i) {
        Dim d = sizes.resolve(-static_cast<Dim>(i) - 1);
        if (is_symbol(d) && !base.sizes.count(d) && sizes.factors(d).empty() && sizes.terms(d).empty()) {
            const int low = std::max(2, least.count(d) ? least[d] : 0);
            base.sizes[d] = std::uniform_int_distribution<int>(low, low + 2)(rng);
        }
    }
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

    std::vector<DrawnPoint> points;
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
            require_values(model, roots[0], env);
            values = evaluate_all(cx, roots, env);
            found = all_finite(values) && (piecewise.empty() || kink_distance(cx, piecewise, env) > 1e-3);
            if (use_given && !found) throw InputError("the function or its derivative is not finite at the --at point, or a piecewise function is at its kink there");
        }
        if (!found) throw InputError("could not find a point where the function and its derivatives are finite");
        points.push_back({std::move(env), std::move(values)});
    }
    return points;
}

std::vector<CheckResult> check_derivatives(Model& model, Expr f, const std::vector<Expr>& wrt,
                                           const std::vector<Expr>& derivatives, const Env* at,
                                           const CheckOptions& options) {
    Context& cx = model.cx();
    std::vector<Expr> roots{f};
    roots.insert(roots.end(), derivatives.begin(), derivatives.end());
    std::vector<CheckResult> results(wrt.size());
    for (std::size_t k = 0; k < wrt.size(); ++k) results[k].wrt = wrt[k]->name;

    std::vector<DrawnPoint> points = draw_points(model, roots, wrt, at, options);
    for (int point = 0; point < options.points; ++point) {
        Env& env = points[point].env;
        const std::vector<Eigen::MatrixXd>& values = points[point].values;
        for (std::size_t k = 0; k < wrt.size(); ++k) {
            Expr x = wrt[k];
            Eigen::MatrixXd symbolic = jacobian_matrix(cx, f, x, values[k + 1]);
            Eigen::MatrixXd& xv = env.values[x->name];
            Eigen::MatrixXd numeric(symbolic.rows(), xv.size());
            Eigen::VectorXd noise(xv.size());  // per column: the differences in x_j
            for (Eigen::Index j = 0; j < xv.size(); ++j) {
                double saved = xv(j);  // column-major: vec order
                double h = kFiniteDifferenceStep * std::max(1.0, std::abs(saved));
                xv(j) = saved + h;
                Eigen::MatrixXd plus = evaluate(cx, f, env);
                xv(j) = saved - h;
                Eigen::MatrixXd minus = evaluate(cx, f, env);
                xv(j) = saved;
                Eigen::MatrixXd diff = (plus - minus) / (2 * h);
                noise(j) = finite_difference_noise(plus, minus, h);
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
                    double err = check_error(symbolic(i, j), numeric(i, j), noise(j));
                    if (!(err <= r.max_error)) {  // also catches NaN
                        r.max_error = std::isnan(err) ? INFINITY : err;
                        r.point = point, r.row = i, r.col = j;
                        r.symbolic = symbolic(i, j), r.numeric = numeric(i, j);
                        r.absolute_error = std::abs(r.symbolic - r.numeric);
                        r.relative_error = r.absolute_error == 0 ? 0.0 : r.absolute_error / std::abs(r.numeric);
                    }
                }
            r.ok = r.max_error <= options.tolerance;
        }
    }
    return results;
}

std::vector<ExtremeResult> check_extremes(Model& model, Expr f, const std::vector<Expr>& wrt,
                                          const std::vector<Expr>& derivatives, const Env* at,
                                          const CheckOptions& options) {
    Context& cx = model.cx();
    std::mt19937_64 rng(options.seed);
    Env base = at ? *at : Env{};
    SizeTable& sizes = cx.sizes();
    for (std::size_t i = 0; i < sizes.symbol_count(); ++i) {
        Dim d = sizes.resolve(-static_cast<Dim>(i) - 1);
        if (is_symbol(d) && !base.sizes.count(d) && sizes.factors(d).empty() && sizes.terms(d).empty())
            base.sizes[d] = std::uniform_int_distribution<int>(2, 4)(rng);
    }
    std::vector<Expr> roots{f};
    roots.insert(roots.end(), derivatives.begin(), derivatives.end());
    std::vector<ExtremeResult> results(wrt.size());
    for (std::size_t k = 0; k < wrt.size(); ++k) results[k].wrt = wrt[k]->name;
    std::normal_distribution<double> normal(0.0, 1.0);
    for (double scale : kExtremeScales) {
        for (int point = 0; point < options.points; ++point) {
            Env env = base;
            for (const Symbol& s : model.symbols()) {
                if (s.kind != Symbol::Kind::Declared) continue;
                if (at && at->values.count(s.name) && !std::count(wrt.begin(), wrt.end(), s.expr)) continue;
                auto [r, c] = concrete_shape(cx, s.expr, env);
                Eigen::MatrixXd m(r, c);
                for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = scale * normal(rng);
                env.values[s.name] = m;
            }
            require_values(model, f, env);
            std::vector<Eigen::MatrixXd> values = evaluate_all(cx, roots, env);
            const bool f_finite = values[0].allFinite();
            for (std::size_t k = 0; k < wrt.size(); ++k) {
                ExtremeResult& r = results[k];
                if (!f_finite) {
                    ++r.skipped;
                    continue;
                }
                ++r.points;
                const Eigen::MatrixXd& d = values[k + 1];
                if (!r.ok || d.allFinite()) continue;
                r.ok = false;
                r.scale = scale;
                r.point = point;
                for (Eigen::Index j = 0; j < d.cols() && r.ok == false && r.derivative == 0; ++j)
                    for (Eigen::Index i = 0; i < d.rows(); ++i)
                        if (!std::isfinite(d(i, j))) {
                            r.row = i, r.col = j, r.derivative = d(i, j);
                            break;
                        }
            }
        }
    }
    return results;
}

}  // namespace matcalc
