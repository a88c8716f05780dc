// Evaluation around the compiled evaluator (evaluator.cpp): concrete sizes and shapes
// under an Env, and one-off evaluate().
#include "matcalc/numeric/evaluator.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "eval_internal.hpp"
#include "matcalc/core/ops.hpp"

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

bool flexible_name(const std::string& name) { return !name.empty() && name[0] == '?'; }

}  // namespace

Index concrete_dim(const SizeTable& sizes, Dim d, const Env& env) {
    d = sizes.resolve(d);
    if (!is_symbol(d)) return static_cast<Index>(d);
    // Products and sums (m*n, n+1) follow from their parts, whatever env says of them.
    if (const std::vector<Dim>& factors = sizes.factors(d); !factors.empty()) {
        Index product = 1;
        for (Dim f : factors) {
            Index x = concrete_dim(sizes, f, env);
            if (product > kMaxEntries / x) throw InputError(fmt::format("the size {} is too large to evaluate", sizes.name(d)));
            product *= x;
        }
        return product;
    }
    if (const std::vector<Dim>& terms = sizes.terms(d); !terms.empty()) {
        Index total = 0;
        for (Dim t : terms) total += concrete_dim(sizes, t, env);  // each at most kMaxEntries
        return total;
    }
    if (auto it = env.sizes.find(d); it != env.sizes.end()) return it->second;
    // A key recorded before a later unification made another symbol the representative.
    for (const auto& [key, value] : env.sizes)
        if (sizes.resolve(key) == d) return value;
    std::string name = sizes.name(d);
    if (flexible_name(name))
        throw InputError("the size of a constant such as eye or vector(c) is not determined here: nothing around it fixes it");
    throw InputError(fmt::format("the size {} is not known: give a value for a variable of size {}", name, name));
}

std::string describe_dims(Index r, Index c) { return fmt::format("{}×{}", r, c); }

std::int64_t known_size(const SizeTable& sizes, Dim d, const Env& env) {
    try {
        return concrete_dim(sizes, d, env);
    } catch (const InputError&) {
        return 0;
    }
}

std::pair<Index, Index> concrete_shape(const Context& cx, Expr e, const Env& env) {
    Shape s = cx.shape(e);
    return {concrete_dim(cx.sizes(), s.rows, env), concrete_dim(cx.sizes(), s.cols, env)};
}

MatrixXd evaluate(const Context& cx, Expr e, const Env& env) {
    Expr roots[1] = {e};
    Evaluator ev(cx, roots, env);
    ev.run(env);
    return ev.value(0);
}

MatrixXd evaluate(const Context& cx, Expr e, const Env& env, Precision precision) {
    if (precision == Precision::Float64) return evaluate(cx, e, env);
    Expr roots[1] = {e};
    Evaluator32 ev(cx, roots, env);
    ev.run(env);
    return ev.value(0).cast<double>();
}

std::vector<MatrixXd> evaluate_all(const Context& cx, std::span<const Expr> es, const Env& env) {
    Evaluator ev(cx, es, env);
    ev.run(env);
    std::vector<MatrixXd> out;
    out.reserve(es.size());
    for (std::size_t i = 0; i < es.size(); ++i) out.push_back(ev.value(i));
    return out;
}

}  // namespace matcalc
