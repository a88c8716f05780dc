// Functions written out recognised before they are differentiated: the sigmoid and tanh as
// slides define them with exponentials. Done here, at the entry of gradients() and
// jacobian(), so that every path that differentiates (derive, check, --steps, codegen,
// compare, train, the Python binding) differentiates σ(z), whose derivative reads
// σ(z)(1 − σ(z)), and 1 − tanh(z)² for tanh, rather than the quotient rule's two lines.
#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/core/pattern.hpp"
#include "matcalc/frontend/pattern.hpp"

namespace matcalc {

namespace {

struct Recognition {
    Pattern lhs, rhs;
    std::size_t wildcards = 0;
};

const std::vector<Recognition>& recognitions() {
    static const std::vector<Recognition> table = [] {
        std::vector<Recognition> out;
        for (const auto& [lhs, rhs] : recognised_forms()) {
            std::vector<std::string> names;
            Recognition r;
            r.lhs = parse_pattern("recognise.cpp", lhs, names);
            r.rhs = parse_pattern("recognise.cpp", rhs, names);
            r.wildcards = names.size();
            out.push_back(std::move(r));
        }
        return out;
    }();
    return table;
}

}  // namespace

std::span<const std::pair<std::string_view, std::string_view>> recognised_forms() {
    // Each is also a rule of simplify/rules.txt (sigmoid-exp…, tanh-exp), where the
    // simplifier's table-driven test checks it numerically; test_readable.cpp checks that
    // every line here is one of them.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> forms{{
        {"1 / (1 + exp(-?z))", "σ(?z)"},
        {"1 / (exp(-?z) + 1)", "σ(?z)"},
        {"exp(?z) / (1 + exp(?z))", "σ(?z)"},
        {"exp(?z) / (exp(?z) + 1)", "σ(?z)"},
        {"(exp(?z) - exp(-?z)) / (exp(?z) + exp(-?z))", "tanh(?z)"},
        // With a factor in the numerator, as a model writes y (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ).
        {"?a / (1 + exp(-?z))", "?a ⊙ σ(?z)"},
        {"?a / (exp(-?z) + 1)", "?a ⊙ σ(?z)"},
        {"(?a ⊙ exp(?z)) / (1 + exp(?z))", "?a ⊙ σ(?z)"},
        {"(?a ⊙ exp(?z)) / (exp(?z) + 1)", "?a ⊙ σ(?z)"},
        {"(?a ⊙ (exp(?z) - exp(-?z))) / (exp(?z) + exp(-?z))", "?a ⊙ tanh(?z)"},
    }};
    return forms;
}

Expr recognise_functions(Context& cx, Expr f, std::span<const Expr> xs) {
    std::unordered_map<Expr, Expr> rewritten;
    auto is_variable = [&](Expr n) { return std::find(xs.begin(), xs.end(), n) != xs.end(); };
    // In increasing id, children before parents: each node is rebuilt from rewritten children.
    for (Expr n : reachable(cx, std::span<const Expr>(&f, 1))) {
        // A variable stays the node it is (it may be a definition, 1 / (1 + e⁻ᶻ) itself),
        // or the derivative would no longer find it.
        if (is_variable(n)) continue;
        // (Every node of the function passes here: nothing is allocated for a node that
        // neither changes nor is the root of a form.)
        bool changed = !rewritten.empty() && std::any_of(n->args.begin(), n->args.end(),
                                                         [&](Expr a) { return rewritten.count(a) > 0; });
        Expr r = n;
        if (changed) {
            std::vector<Expr> args;
            for (Expr a : n->args) {
                auto it = rewritten.find(a);
                args.push_back(it == rewritten.end() ? a : it->second);
            }
            r = cx.with_args(n, args);
        }
        for (const Recognition& rec : recognitions()) {
            if (root_op(rec.lhs) != r->op) continue;
            Bindings b(rec.wildcards, nullptr);
            if (!match(rec.lhs, r, b)) continue;
            Expr next = instantiate(cx, rec.rhs, b);
            // Not across a variable inside the form (a definition u = e⁻ᶻ in 1 / (1 + u)):
            // σ(z) would not contain it.
            bool keeps = true;
            for (Expr x : xs) keeps = keeps && (!depends_on(r, x) || depends_on(next, x));
            if (keeps) r = next;
            break;
        }
        if (r != n) rewritten.emplace(n, r);
    }
    auto it = rewritten.find(f);
    return it == rewritten.end() ? f : it->second;
}

}  // namespace matcalc
