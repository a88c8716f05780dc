// Interning and the smart constructors: each node built through the shape rules of its
// operation (shape_rules.cpp: broadcasting, matrix product, reductions, stacking, and the
// cheap local canonicalisation of constant folding), `*` as scaling or matrix product.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include "matcalc/core/expr.hpp"
#include "matcalc/core/ops.hpp"
#include "shape_rules.hpp"

namespace matcalc {

namespace {

std::size_t combine(std::size_t seed, std::size_t v) {
    return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

// The hash of a node with these fields (an operation's node has value, dims, param and
// name at their defaults).
std::size_t hash_fields(const OpInfo* op, std::span<const Expr> args, Shape shape, double value = 0.0, Dim dim = 0,
                        Dim dim2 = 0, int param = 0, std::string_view name = {}) {
    std::size_t h = std::hash<const void*>{}(op);
    for (Expr a : args) h = combine(h, a->id);
    h = combine(h, std::hash<double>{}(value));
    h = combine(h, std::hash<Dim>{}(dim));
    h = combine(h, std::hash<Dim>{}(dim2));
    h = combine(h, std::hash<int>{}(param));
    h = combine(h, std::hash<std::string_view>{}(name));
    h = combine(h, std::hash<Dim>{}(shape.rows));
    h = combine(h, std::hash<Dim>{}(shape.cols));
    return h;
}

std::size_t hash_node(const Node& n) {
    return hash_fields(n.op, n.args, n.shape, n.value, n.dim, n.dim2, n.param, n.name);
}

bool same_node(const Node& a, const Node& b) {
    return a.op == b.op && a.args == b.args && a.value == b.value && a.dim == b.dim &&
           a.dim2 == b.dim2 && a.param == b.param && a.name == b.name && a.shape == b.shape &&
           std::signbit(a.value) == std::signbit(b.value);
}


// The first slot to probe: the hash's bits mixed (MurmurHash3's finaliser), so that
// hashes that differ in high bits only do not crowd one run of slots.
std::size_t first_slot(std::size_t hash, std::size_t mask) {
    std::uint64_t h = hash;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return static_cast<std::size_t>(h) & mask;
}

}  // namespace

Context::Context() = default;

template <class Same>
Expr Context::find_indexed(std::size_t hash, Same same) const {
    if (index_.empty()) return nullptr;
    const std::size_t mask = index_.size() - 1;
    for (std::size_t i = first_slot(hash, mask); index_[i]; i = (i + 1) & mask)
        if (index_[i]->hash == hash && same(*index_[i])) return index_[i];
    return nullptr;
}

void Context::index(Expr e) {
    if (2 * (indexed_ + 1) > index_.size()) {
        // Twice the size, every node placed again.
        index_.assign(std::max<std::size_t>(1024, 2 * index_.size()), nullptr);
        indexed_ = 0;
        for (std::size_t k = 0; k < nodes_.size(); ++k)
            if (&nodes_[k] != e) index(&nodes_[k]);
    }
    const std::size_t mask = index_.size() - 1;
    std::size_t i = first_slot(e->hash, mask);
    while (index_[i]) i = (i + 1) & mask;
    index_[i] = e;
    ++indexed_;
}

Expr Context::intern(Node node) {
    node.hash = hash_node(node);
    if (Expr found = find_indexed(node.hash, [&](const Node& n) { return same_node(n, node); })) return found;
    node.id = static_cast<std::uint32_t>(nodes_.size());
    node.has_variable = node.op->kind == Kind::Variable ||
                        std::any_of(node.args.begin(), node.args.end(), [](Expr a) { return a->has_variable; });
    Expr e = nodes_.push_back(std::move(node));
    index(e);
    return e;
}

Expr Context::find_operation(const OpInfo& op, std::span<const Expr> args, Shape shape) const {
    return find_indexed(hash_fields(&op, args, shape), [&](const Node& n) {
        return n.op == &op && std::equal(n.args.begin(), n.args.end(), args.begin(), args.end()) && n.shape == shape &&
               n.value == 0.0 && !std::signbit(n.value) && n.dim == 0 && n.dim2 == 0 && n.param == 0 && n.name.empty();
    });
}

Expr Context::with_args(Expr e, std::span<const Expr> args) {
    if (std::equal(args.begin(), args.end(), e->args.begin(), e->args.end())) return e;
    if (e->op->kind == Kind::Stack) return stack(args, e->param);
    if (e->op->kind == Kind::Block) return block(args[0], e->dim, e->dim2, e->shape);
    if (e->op->kind == Kind::Unvec) return unvec(args[0], e->shape);
    return apply(*e->op, args);
}

namespace {

// Rebuilds e bottom-up (iteratively: expressions may be deep), each node from its rebuilt
// arguments; `leaf` gives the replacement of nodes without arguments, and `memo` may
// hold replacements fixed in advance.
// The memo: a NodeMap for refresh (it lasts across calls and covers whole programs), a
// hash map for substitutions (a few replacements given in advance), read through this.
struct HashMemo {
    std::unordered_map<Expr, Expr>& map;
    Expr get(Expr n) const {
        auto it = map.find(n);
        return it == map.end() ? nullptr : it->second;
    }
    Expr& operator[](Expr n) { return map[n]; }
};

template <class Memo, class Leaf>
Expr rebuild(Context& cx, Expr e, Memo&& memo, Leaf leaf) {
    boost::container::small_vector<std::pair<Expr, bool>, 32> stack{{e, false}};
    while (!stack.empty()) {
        auto [n, expanded] = stack.back();
        stack.pop_back();
        if (memo.get(n)) continue;
        if (!expanded) {
            stack.push_back({n, true});
            for (Expr a : n->args)
                if (!memo.get(a)) stack.push_back({a, false});
            continue;
        }
        if (n->args.empty()) {
            memo[n] = leaf(n);
            continue;
        }
        // Most nodes keep their children: no new argument list for them.
        if (std::all_of(n->args.begin(), n->args.end(), [&](Expr a) { return memo.get(a) == a; })) {
            memo[n] = n;
            continue;
        }
        std::vector<Expr> args;
        for (Expr a : n->args) args.push_back(memo.get(a));
        memo[n] = cx.with_args(n, args);
    }
    return memo.get(e);
}

}  // namespace

std::vector<Expr> reachable(const Context& cx, std::span<const Expr> roots) {
    std::vector<char> seen(cx.node_count(), 0);
    std::vector<Expr> todo(roots.begin(), roots.end()), order;
    while (!todo.empty()) {
        Expr e = todo.back();
        todo.pop_back();
        if (seen[e->id]) continue;
        seen[e->id] = 1;
        order.push_back(e);
        for (Expr a : e->args)
            if (!seen[a->id]) todo.push_back(a);
    }
    std::sort(order.begin(), order.end(), [](Expr a, Expr b) { return a->id < b->id; });
    return order;
}

Expr Context::refresh(Expr e) {
    // Refreshing definition after definition walks the same upstream DAG again: the memo
    // lasts until a unification changes what sizes resolve to.
    if (refresh_generation_ != sizes_.generation()) {
        refresh_memo_.clear();
        refresh_generation_ = sizes_.generation();
    }
    return rebuild(*this, e, refresh_memo_, [&](Expr n) {
        switch (n->op->kind) {
        case Kind::Constant: return constant(n->value, sizes_.resolve(n->shape));
        case Kind::Identity: return identity(n->dim);
        case Kind::Size: return size(n->dim);
        case Kind::Commutation: return commutation(n->dim, n->dim2);
        case Kind::Variable: case Kind::Elementwise: case Kind::MatMul: case Kind::Transpose: case Kind::Dot:
        case Kind::Sum: case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag:
        case Kind::DiagPart: case Kind::Stack: case Kind::Trace: case Kind::Det: case Kind::LogDet:
        case Kind::Inverse: case Kind::LogSumExp: case Kind::Softmax: case Kind::Extremum: case Kind::Kron:
        case Kind::Vec: case Kind::Unvec: case Kind::Block: return n;
        }
        unreachable();  // every value is a case above
    });
}

Expr Context::substitute(Expr e, Expr from, Expr to) {
    std::unordered_map<Expr, Expr> memo{{from, to}};
    return rebuild(*this, e, HashMemo{memo}, [](Expr n) { return n; });
}

Expr Context::substitute(Expr e, const std::unordered_map<Expr, Expr>& replacements) {
    std::unordered_map<Expr, Expr> memo = replacements;
    return rebuild(*this, e, HashMemo{memo}, [](Expr n) { return n; });
}

Expr Context::variable(std::string_view name, Shape shape) {
    Node n;
    n.op = &op_of(Kind::Variable);
    n.name = std::string(name);
    n.shape = shape;
    return intern(std::move(n));
}

Expr Context::constant(double value, Shape shape) {
    Node n;
    n.op = &op_of(Kind::Constant);
    n.value = value == 0.0 ? 0.0 : value;  // one zero: -0 and 0 are the same constant
    n.shape = sizes_.resolve(shape);
    return intern(std::move(n));
}

Expr Context::identity(Dim d) {
    d = sizes_.resolve(d);
    if (d == 1) return constant(1.0);
    Node n;
    n.op = &op_of(Kind::Identity);
    n.dim = d;
    n.shape = {d, d};
    return intern(std::move(n));
}

Expr Context::size(Dim d) {
    d = sizes_.resolve(d);
    if (!is_symbol(d)) return constant(static_cast<double>(d));
    Node n;
    n.op = &op_of(Kind::Size);
    n.dim = d;
    return intern(std::move(n));
}

Expr Context::commutation(Dim m, Dim n) {
    m = sizes_.resolve(m);
    n = sizes_.resolve(n);
    Dim mn = sizes_.product(m, n);
    if (m == 1 || n == 1) return identity(mn);  // the transpose of a vector keeps vec order
    Node node;
    node.op = &op_of(Kind::Commutation);
    node.dim = m;
    node.dim2 = n;
    node.shape = {mn, mn};
    return intern(std::move(node));
}

Expr Context::block(Expr a, Dim row, Dim col, Shape s) {
    s = sizes_.resolve(s);
    if (row == 0 && col == 0 && sizes_.same(s, shape(a))) return a;
    if (a->op->kind == Kind::Constant) return constant(a->value, s);
    if (a->op->kind == Kind::Stack) {
        // Walk the grid of blocks to the one starting at (row, col).
        std::size_t per_row = static_cast<std::size_t>(a->param);
        Dim top = 0;
        for (std::size_t first = 0; first < a->args.size(); first += per_row) {
            Dim left = 0;
            for (std::size_t j = first; j < first + per_row; ++j) {
                Shape b = shape(a->args[j]);
                if (sizes_.same(top, row) && sizes_.same(left, col) && sizes_.same(b, s)) return a->args[j];
                left = sizes_.sum(left, b.cols);
            }
            top = sizes_.sum(top, shape(a->args[first]).rows);
        }
    }
    Node node;
    node.op = &op_of(Kind::Block);
    node.args = {a};
    node.dim = sizes_.resolve(row);
    node.dim2 = sizes_.resolve(col);
    node.shape = s;
    return intern(std::move(node));
}

Expr Context::unvec(Expr v, Shape s) {
    s = sizes_.resolve(s);
    if (sizes_.is_one(s.cols)) return v;
    if (sizes_.is_one(s.rows)) return transpose(v);
    if (v->op->kind == Kind::Vec && sizes_.same(shape(v->args[0]), s)) return v->args[0];  // vec⁻¹(vec A) = A
    Node node;
    node.op = &op_of(Kind::Unvec);
    node.args = {v};
    node.shape = s;
    return intern(std::move(node));
}

Expr Context::numel(Shape s) {
    Expr r = size(s.rows), c = size(s.cols);
    if (is_one(r)) return c;
    if (is_one(c)) return r;
    return mul(r, c);
}

bool Context::is_constant(Expr e, double value) const {
    return e->op->kind == Kind::Constant && e->value == value;
}

Expr Context::apply(Op op, std::span<const Expr> args) { return apply(info(op), args); }

Expr Context::times(Expr a, Expr b) {
    if (is_scalar(a) || is_scalar(b)) return mul(a, b);
    Shape sa = shape(a), sb = shape(b);
    if (sizes_.is_vector(sa) && sizes_.is_vector(sb))
        throw ShapeError(fmt::format("cannot multiply {} by {}", sizes_.describe(sa), sizes_.describe(sb)),
                         {"vector-product"});
    return matmul(a, b);
}

Expr Context::apply(const OpInfo& op, std::span<const Expr> args_in) {
    // Inline: most calls find their node already there (the simplifier rebuilds the same
    // nodes again and again), and then allocate nothing.
    boost::container::small_vector<Expr, 4> list(args_in.begin(), args_in.end());
    auto args = [&list] { return std::span<const Expr>(list.data(), list.size()); };
    int n = static_cast<int>(list.size());
    if (n < op.min_args || n > op.max_args)
        throw ShapeError(fmt::format("{} takes {} argument{}, not {}", op.name,
                                     op.min_args == op.max_args ? std::to_string(op.min_args)
                                                                : fmt::format("{} or {}", op.min_args, op.max_args),
                                     op.max_args == 1 ? "" : "s", n));
    // max(x), min(x): the largest (smallest) entry, another operation of the same spelling.
    if (n == 1 && op.one_argument != Op::Variable) return apply(info(op.one_argument), args());
    if (op.kind == Kind::Elementwise && n == 1 && op.kernel2) list.push_back(constant(op.default_second));

    ShapeRule rule = apply_shape_rule(*this, op, args());
    if (rule.instead) return rule.instead;
    if (Expr found = find_operation(op, args(), rule.shape)) return found;
    Node node;
    node.op = &op;
    node.args.assign(list.begin(), list.end());
    node.shape = rule.shape;
    return intern(std::move(node));
}

Expr Context::stack(std::span<const Expr> blocks, int blocks_per_row) {
    if (blocks.empty() || blocks_per_row <= 0 || blocks.size() % blocks_per_row != 0)
        throw ShapeError("a matrix literal needs the same number of entries in every row");
    if (blocks.size() == 1) return blocks[0];
    std::size_t rows = blocks.size() / blocks_per_row;
    Dim total_rows = 0, total_cols = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        Dim row_height = shape(blocks[r * blocks_per_row]).rows;
        Dim width = 0;
        for (int c = 0; c < blocks_per_row; ++c) {
            Shape s = shape(blocks[r * blocks_per_row + c]);
            if (!sizes_.unify(s.rows, row_height))
                throw ShapeError(fmt::format("entries of row {} of a matrix literal have different heights ({} and {})",
                                             r + 1, sizes_.name(row_height), sizes_.name(s.rows)));
            Dim w = sizes_.resolve(s.cols);
            width = c == 0 ? w : sizes_.sum(width, w);
        }
        if (r == 0) total_cols = width;
        else if (!sizes_.unify(total_cols, width))
            throw ShapeError(fmt::format("rows of a matrix literal have different widths ({} and {})",
                                         sizes_.name(total_cols), sizes_.name(width)));
        Dim h = sizes_.resolve(row_height);
        total_rows = r == 0 ? h : sizes_.sum(total_rows, h);
    }
    Node node;
    node.op = &op_of(Kind::Stack);
    node.args.assign(blocks.begin(), blocks.end());
    node.param = blocks_per_row;
    node.shape = sizes_.resolve(Shape{total_rows, total_cols});
    bool all_const = true;
    for (Expr b : blocks) all_const = all_const && b->op->kind == Kind::Constant && b->value == blocks[0]->value;
    if (all_const) return constant(blocks[0]->value, node.shape);
    return intern(std::move(node));
}

}  // namespace matcalc
