// derive --steps --at (cli_options.hpp): the numbers of a derivation at a point, for the
// lecture's worked example (Steps 1-8 of its backpropagation, every number shown).
#include "cli_options.hpp"

#include <cmath>

#include <fmt/format.h>

#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/evaluator.hpp"

namespace matcalc::cli {

namespace {

// A number to `digits` significant digits, as the slides write it (-0.2261, 2, 0.00264).
std::string rounded(double v, int digits) {
    if (v == 0) return "0";  // also -0
    // Whole numbers as they are (2, not 2.000); others with their trailing zeros, as the
    // slides write 1.230 to four digits.
    if (v == std::round(v) && std::abs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{:#.{}g}", v, digits);
}

// A value: a scalar, a column [a; b], a row [a, b], a matrix [a, b; c, d]; a large one by
// its size only (the steps are for derivations people read).
std::string value_text(const Eigen::MatrixXd& m, int digits) {
    if (m.size() == 1) return rounded(m(0, 0), digits);
    if (m.size() > 64) return fmt::format("({} × {} values)", m.rows(), m.cols());
    std::string s = "[";
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            if (r > 0 && c == 0) s += "; ";
            else if (c > 0) s += ", ";
            s += rounded(m(r, c), digits);
        }
    return s + "]";
}

}  // namespace

std::unordered_map<Expr, std::string> steps_values(Model& model, const Derivation& d, const Env& env, int digits) {
    const Context& cx = model.cx();
    Env at = env;
    std::unordered_map<Expr, std::string> out;
    auto put = [&](Expr e, const Eigen::MatrixXd& v) { out.emplace(e, value_text(v, digits)); };
    // The intermediates first: the later expressions are written in their symbols.
    for (const Intermediate& in : d.intermediates) {
        Eigen::MatrixXd v = evaluate(cx, in.node, at);
        at.values[in.name] = v;
        put(in.symbol, v);
    }
    for (const LocalPartial& p : d.partials) put(p.jacobian, evaluate(cx, p.jacobian, at));
    for (const ChainStep& c : d.chain) put(c.result, evaluate(cx, c.result, at));
    for (const Adjoint& a : d.backward) {  // from the function down: each uses those above
        Eigen::MatrixXd v = evaluate(cx, a.formula, at);
        at.values[a.symbol->name] = v;
        put(a.symbol, v);
    }
    if (d.result) put(d.result, evaluate(cx, d.result, at));
    return out;
}

}  // namespace matcalc::cli
