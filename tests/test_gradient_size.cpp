// The size of a gradient against the size of its function (issue 3): for an L-layer MLP
// loss, L = 1, 2, 4, ..., 64, the gradients with respect to all parameters together
// stay within 4× the function's DAG and grow linearly with the depth.
//
// What is counted (as bench/bench_depth.cpp, which reports the same numbers):
//   function: distinct nodes reachable from the loss as bound, operations and leaves
//             (variables, constants) alike, each once;
//   gradient: distinct nodes reachable from the simplified gradients of every param
//             together (a node shared by several gradients, or with the function,
//             counts once; forward nodes the gradients use, such as a_k, count).
// The gradients are taken as `matcalc derive` takes them: a Simplifier prepared with the
// model's definitions (name_definitions), reverse-mode matcalc::gradient per parameter,
// each result simplified.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "../bench/mlp_model.hpp"

namespace {

using matcalc::Expr;

using matcalc::bench::Family;
using matcalc::bench::mlp_model;

// Distinct nodes reachable from the roots; with `operations_only`, leaves (variables,
// constants) are not counted.
std::size_t reachable(const std::vector<Expr>& roots, bool operations_only = false) {
    std::unordered_set<Expr> seen;
    std::vector<Expr> stack(roots.begin(), roots.end());
    std::size_t operations = 0;
    while (!stack.empty()) {
        Expr e = stack.back();
        stack.pop_back();
        if (!seen.insert(e).second) continue;
        if (!e->args.empty()) ++operations;
        for (Expr a : e->args) stack.push_back(a);
    }
    return operations_only ? operations : seen.size();
}

struct Sizes {
    std::size_t function = 0, gradient = 0, printed = 0;
    std::size_t function_ops = 0, gradient_ops = 0;  // operations only
};

Sizes measure(int layers, Family family) {
    matcalc::Model m = matcalc::load_model(matcalc::Source{"mlp", mlp_model(layers, family)});
    matcalc::Context& cx = m.cx();
    const matcalc::Symbol& f = m.function(std::nullopt);
    matcalc::Simplifier simplifier(cx);
    matcalc::name_definitions(simplifier, m.definitions(&f));
    std::vector<Expr> gradients, printed;
    for (const matcalc::Symbol& p : m.symbols()) {
        if (p.role != "param") continue;
        gradients.push_back(simplifier(matcalc::gradient(cx, f.expr, p.expr)));
        // What `derive` prints: numerator layout (row vectors for vector parameters).
        bool matrix = p.type == matcalc::ast::TypeSpec::Kind::Matrix;
        printed.push_back(simplifier(matcalc::derivative(cx, f.expr, p.expr, matcalc::Layout::Numerator, matrix)));
    }
    REQUIRE(gradients.size() == static_cast<std::size_t>(2 * layers + 2));
    return {reachable({f.expr}), reachable(gradients), reachable(printed), reachable({f.expr}, true),
            reachable(gradients, true)};
}

void check_family(Family family) {
    std::map<int, Sizes> sizes;
    for (int layers = 1; layers <= 64; layers *= 2) {
        Sizes s = measure(layers, family);
        INFO("L = " << layers << ": function " << s.function << " nodes, gradients " << s.gradient
                    << " nodes, as printed by derive " << s.printed << " nodes");
        CHECK(s.gradient <= 4 * s.function);
        CHECK(s.printed <= 4 * s.function);
        // The measure: operations (nodes with arguments) of the gradients against
        // the function's.
        INFO("operations: function " << s.function_ops << ", gradients " << s.gradient_ops);
        CHECK(s.gradient_ops <= 4 * s.function_ops);
        sizes[layers] = s;
    }
    // Linear growth: doubling the depth at most doubles the size (and a little: 2.2).
    for (int layers = 2; layers <= 64; layers *= 2) {
        const Sizes& half = sizes[layers / 2];
        const Sizes& full = sizes[layers];
        INFO("L = " << layers / 2 << " -> " << layers << ": gradients " << half.gradient << " -> " << full.gradient
                    << " nodes, function " << half.function << " -> " << full.function);
        CHECK(static_cast<double>(full.gradient) < 2.2 * static_cast<double>(half.gradient));
        CHECK(static_cast<double>(full.printed) < 2.2 * static_cast<double>(half.printed));
        CHECK(static_cast<double>(full.function) < 2.2 * static_cast<double>(half.function));
    }
}

}  // namespace

TEST_CASE("gradient size: tanh MLP with BCE loss (depth 1 to 64) stays within 4x the function and grows linearly", "[size]") {
    check_family(Family::TanhBce);
}

TEST_CASE("gradient size: sigmoid MLP with squared loss (depth 1 to 64) stays within 4x the function and grows linearly", "[size]") {
    check_family(Family::SigmoidMse);
}
