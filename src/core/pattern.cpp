// Matching and instantiating patterns (pattern.hpp).
#include "matcalc/core/pattern.hpp"

#include <boost/container/small_vector.hpp>

#include "matcalc/core/ops.hpp"

namespace matcalc {

bool match(const Pattern& p, Expr e, std::span<Expr> b) {
    switch (p.kind) {
    case Pattern::Kind::Wildcard: {
        Expr& slot = b[static_cast<std::size_t>(p.wildcard)];
        if (slot) return slot == e;
        slot = e;
        return true;
    }
    case Pattern::Kind::Number:
    case Pattern::Kind::Filled:
        return e->op->kind == Kind::Constant && e->value == p.value;
    case Pattern::Kind::Identity:
        return e->op->kind == Kind::Identity;
    case Pattern::Kind::Operation:
        if (e->op != p.op || e->args.size() != p.args.size()) return false;
        for (std::size_t i = 0; i < p.args.size(); ++i)
            if (!match(p.args[i], e->args[i], b)) return false;
        return true;
    }
    unreachable();
}

Expr instantiate(Context& cx, const Pattern& p, std::span<const Expr> b) {
    switch (p.kind) {
    case Pattern::Kind::Wildcard:
        return b[static_cast<std::size_t>(p.wildcard)];
    case Pattern::Kind::Number:
        return cx.constant(p.value);
    case Pattern::Kind::Filled:
    case Pattern::Kind::Identity:
        throw ShapeError("a constant sized by context stands alone in a replacement");
    case Pattern::Kind::Operation: {
        boost::container::small_vector<Expr, 4> args(p.args.size(), nullptr);
        for (std::size_t i = 0; i < p.args.size(); ++i)
            if (p.args[i].kind != Pattern::Kind::Filled) args[i] = instantiate(cx, p.args[i], b);
        // vector(c) and matrix(c) take the shape of the sibling they are combined with.
        for (std::size_t i = 0; i < p.args.size(); ++i) {
            if (p.args[i].kind != Pattern::Kind::Filled) continue;
            Expr sibling = args[1 - i];
            if (p.args.size() != 2 || !sibling) throw ShapeError("vector(c) in a replacement needs a sibling");
            args[i] = cx.constant(p.args[i].value, cx.shape(sibling));
        }
        return cx.apply(*p.op, std::span<const Expr>(args.data(), args.size()));
    }
    }
    unreachable();
}

void wildcards_of(const Pattern& p, std::vector<int>& out) {
    if (p.kind == Pattern::Kind::Wildcard) out.push_back(p.wildcard);
    for (const Pattern& a : p.args) wildcards_of(a, out);
}

}  // namespace matcalc
