// Names for the subexpressions a result repeats (print.hpp, shared_quantities). A printed
// formula is the tree of its DAG: a subexpression reached along k paths is written k
// times, and an unrolled recurrence (an RNN's T steps, a deep network's layers) has
// exponentially or quadratically many paths. Naming each subexpression that would be
// written twice, and writing it once in a `where` list, makes the printed size follow
// the size of the DAG.
#include <algorithm>
#include <limits>
#include <unordered_set>

#include "matcalc/core/ops.hpp"
#include "matcalc/print/print.hpp"

namespace matcalc {

namespace {

using Count = unsigned long long;
constexpr Count kMany = std::numeric_limits<Count>::max() / 4;

Count saturating_add(Count a, Count b) { return std::min(kMany, a + b); }

// Leaves are never worth a name: x, 2, n, I, K(m,n).
bool leaf(Expr e) {
    switch (e->op->kind) {
    case Kind::Variable: case Kind::Constant: case Kind::Size: case Kind::Identity: case Kind::Commutation:
        return true;
    default:
        return false;
    }
}

std::string subscript(std::size_t k) {
    static const char* const digits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
    std::string d = std::to_string(k), out;
    for (char c : d) out += digits[c - '0'];
    return out;
}

}  // namespace

std::vector<NamedQuantity> shared_quantities(const Context&, std::span<const Expr> roots,
                                             const std::unordered_map<Expr, std::string>* names,
                                             std::size_t min_nodes, std::size_t min_total_nodes) {
    auto named = [&](Expr e) { return names && names->count(e); };
    // Post-order (children first) of the nodes below the roots, not entering named nodes.
    std::vector<Expr> order;
    std::unordered_set<Expr> seen;
    for (Expr root : roots) {
        if (!root || !seen.insert(root).second) continue;
        std::vector<std::pair<Expr, std::size_t>> stack{{root, 0}};
        while (!stack.empty()) {
            auto& [e, next] = stack.back();
            if (named(e) && e != root) next = e->args.size();
            if (next < e->args.size()) {
                Expr c = e->args[next++];
                if (seen.insert(c).second) stack.push_back({c, 0});
            } else {
                order.push_back(e);
                stack.pop_back();
            }
        }
    }
    // The size of each node's tree, in nodes (named nodes count one, a function call
    // three: its name and parentheses are what a reader reads; but the inverse one, a
    // superscript as the transpose: K⁻¹ is not worth a name).
    auto own_size = [](Expr e) -> Count { return e->op->notation == Notation::Call && e->op->kind != Kind::Inverse ? 3 : 1; };
    std::unordered_map<Expr, Count> size;
    for (Expr e : order) {
        Count s = own_size(e);
        if (!named(e))
            for (Expr c : e->args) s = saturating_add(s, size[c]);
        size[e] = s;
    }
    // A short result reads best written out, repetitions and all: det(XᵀAX) (XᵀAX)⁻¹.
    // Each root is a line of its own (a derivative, its Hessian): short when each line is.
    Count total = 0;
    for (Expr root : roots)
        if (root) total = std::max(total, size[root]);
    // In a short result, only what it writes three times or more and is long itself:
    // diag(softmax(W x + b)) − softmax(W x + b) softmax(W x + b)ᵀ.
    bool short_result = total < min_total_nodes;
    // How often the printed tree writes each node, parents first; a node given a name is
    // written once (in its definition), so its children count once through it.
    std::unordered_map<Expr, Count> uses;
    std::unordered_set<Expr> root_set(roots.begin(), roots.end());
    for (Expr root : roots)
        if (root) uses[root] = saturating_add(uses[root], 1);
    std::unordered_set<Expr> chosen;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Expr e = *it;
        Count u = uses[e];
        bool name_it = u >= 2 && !root_set.count(e) && !named(e) && !leaf(e) && size[e] >= min_nodes &&
                       (!short_result || (u >= 3 && size[e] >= 2 * min_nodes));
        if (name_it) chosen.insert(e);
        if (named(e) && !root_set.count(e)) continue;
        for (Expr c : e->args) uses[c] = saturating_add(uses[c], name_it ? 1 : u);
    }
    // A quantity that is short once its own parts are named (δ₂ = δ₁ᵀ) is written out instead.
    std::unordered_map<Expr, Count> named_size;
    for (Expr e : order) {
        Count s = own_size(e);
        if (!named(e))
            for (Expr c : e->args) s = saturating_add(s, chosen.count(c) ? 1 : named_size[c]);
        named_size[e] = s;
        if (chosen.count(e) && s < min_nodes) chosen.erase(e);
    }
    if (chosen.empty()) return {};  // (the names taken would be every name of a long program)
    // Names that no symbol of the model has: δ₁ (delta1), δ₂, ...
    std::unordered_set<std::string> taken;
    for (Expr e : order)
        if (e->op->kind == Kind::Variable) taken.insert(e->name);
    if (names)
        for (const auto& [e, n] : *names) taken.insert(n);
    std::vector<NamedQuantity> out;
    std::size_t k = 0;
    for (Expr e : order) {
        if (!chosen.count(e)) continue;
        std::string ascii, unicode;
        do {
            ++k;
            ascii = "delta" + std::to_string(k);
            unicode = "δ" + subscript(k);
        } while (taken.count(ascii) || taken.count(unicode));
        out.push_back({ascii, unicode, e});
    }
    return out;
}

std::unordered_map<Expr, std::string> with_quantities(const std::unordered_map<Expr, std::string>* names,
                                                      const std::vector<NamedQuantity>& quantities, Style style) {
    std::unordered_map<Expr, std::string> out;
    if (names) out = *names;
    // LaTeX writes the ASCII name through latex_name: delta1 is \delta_{1}.
    for (const NamedQuantity& q : quantities) out[q.expr] = style == Style::Unicode ? q.unicode : q.ascii;
    return out;
}

std::vector<std::string> quantity_definitions(const Context& cx, const std::vector<NamedQuantity>& quantities,
                                              PrintOptions options) {
    std::vector<std::string> lines;
    options.name_root = false;
    for (const NamedQuantity& q : quantities) {
        std::string name = options.style == Style::Unicode ? q.unicode
                           : options.style == Style::Ascii ? q.ascii
                                                           : latex_name(q.ascii, cx.shape(q.expr), cx.sizes());
        lines.push_back(name + " = " + print(cx, q.expr, options));
    }
    return lines;
}

}  // namespace matcalc
