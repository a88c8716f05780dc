// The expression DAG: immutable, hash-consed nodes owned by a Context. Equal
// subexpressions are one node, so a handle (Expr) compares by pointer and every pass
// memoises by node id. Smart constructors check shapes and do only cheap local
// canonicalisation; rewriting to a readable form is the simplifier's job.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "matcalc/core/op_list.hpp"
#include "matcalc/core/shape.hpp"

namespace matcalc {

struct OpInfo;
struct Node;
using Expr = const Node*;

struct Node {
    const OpInfo* op = nullptr;
    std::vector<Expr> args;
    Shape shape;          // as constructed; read through Context::shape() to resolve symbols
    double value = 0.0;   // Constant: the value of every entry
    Dim dim = 0;          // Size: the size used as a number; Identity: its order; Commutation: m
    Dim dim2 = 0;         // Commutation: n (K(m,n) vec(A) = vec(Aᵀ) for an m×n matrix A)
                          // Block: dim, dim2 are the row and column offsets
    int param = 0;        // Stack: blocks per row
    std::string name;     // Variable
    std::uint32_t id = 0; // creation order: a topological order of the DAG
    std::size_t hash = 0;
    // Some variable is reachable from this node (set by Context::intern): a rule may ask
    // whether an argument is constant (max(0, z) keeps step(0) = 0 at its kink: docs/language.md, "Derivatives").
    bool has_variable = false;
};

// A shape or arity problem found while building a node. The binder turns it into an
// InputError pointing at the operator; notes carry suggestions ("did you mean w·x").
struct ShapeError : std::runtime_error {
    ShapeError(std::string message, std::vector<std::string> notes = {})
        : std::runtime_error(std::move(message)), notes(std::move(notes)) {}
    std::vector<std::string> notes;
};

// A value per node, by node id (ids are dense in a Context, in creation order): the memo of
// a pass over whole programs. A vector that grows on demand rather than a hash map, which
// would allocate an entry per node (a long program has hundreds of thousands).
template <class T>
class NodeMap {
public:
    explicit NodeMap(T absent = T{}) : absent_(absent) {}
    // The value of e, or `absent` when none was set.
    const T& get(Expr e) const { return e->id < values_.size() ? values_[e->id] : absent_; }
    T& operator[](Expr e) {
        if (e->id >= values_.size()) values_.resize(std::size_t{e->id} + 1, absent_);  // grows geometrically
        return values_[e->id];
    }
    void clear() { values_.clear(); }

private:
    std::vector<T> values_;
    T absent_;
};

class Context {
public:
    Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    SizeTable& sizes() { return sizes_; }
    const SizeTable& sizes() const { return sizes_; }
    Shape shape(Expr e) const { return sizes_.resolve(e->shape); }
    bool is_scalar(Expr e) const { return sizes_.is_scalar(e->shape); }
    std::size_t node_count() const { return nodes_.size(); }

    // Leaves.
    Expr variable(std::string_view name, Shape shape);
    Expr constant(double value, Shape shape = kScalarShape);  // `value` in every entry
    Expr zeros(Shape shape) { return constant(0.0, shape); }
    Expr ones(Shape shape) { return constant(1.0, shape); }
    Expr identity(Dim n);
    Expr size(Dim d);  // a size such as N used as a number (mean's 1/N)
    // The commutation matrix K(m,n): mn×mn, K(m,n) vec(A) = vec(Aᵀ) for A m×n.
    Expr commutation(Dim m, Dim n);

    // Operations (shape-checked; throw ShapeError).
    Expr apply(const OpInfo& op, std::span<const Expr> args);  // any table operation
    Expr apply(Op op, std::span<const Expr> args);
    Expr apply(Op op, Expr a) { return apply(op, std::span<const Expr>(&a, 1)); }
    Expr apply(Op op, Expr a, Expr b) {
        Expr ab[2] = {a, b};
        return apply(op, ab);
    }
    Expr add(Expr a, Expr b) { return apply(Op::Add, a, b); }
    Expr sub(Expr a, Expr b) { return apply(Op::Sub, a, b); }
    Expr mul(Expr a, Expr b) { return apply(Op::Hadamard, a, b); }  // elementwise / scaling
    Expr div(Expr a, Expr b) { return apply(Op::Div, a, b); }
    Expr pow(Expr a, Expr p) { return apply(Op::Pow, a, p); }
    Expr neg(Expr a) { return apply(Op::Neg, a); }
    Expr matmul(Expr a, Expr b) { return apply(Op::MatMul, a, b); }
    Expr transpose(Expr a) { return apply(Op::Transpose, a); }
    Expr dot(Expr a, Expr b) { return apply(Op::Dot, a, b); }
    Expr sum(Expr a) { return apply(Op::Sum, a); }
    Expr diag(Expr v) { return apply(Op::Diag, v); }
    Expr kron(Expr a, Expr b) { return apply(Op::Kron, a, b); }
    Expr vec(Expr a) { return apply(Op::Vec, a); }  // a column: the columns of a stacked
    // vec⁻¹: the column v read as a matrix of shape s (numel(s) entries, column-major).
    Expr unvec(Expr v, Shape s);
    // The block of a of shape `s` whose top left entry is a(row, col), offsets from 0
    // (sizes, so `n` after a block of height n). A block of a stack that is one of
    // its blocks is that block; a block of a constant is a constant.
    Expr block(Expr a, Dim row, Dim col, Shape s);
    // `*` of the language: scaling when either side is a scalar, else the matrix product.
    Expr times(Expr a, Expr b);
    // [a, b; c, d]: blocks in row-major order, `blocks_per_row` of them in each row.
    Expr stack(std::span<const Expr> blocks, int blocks_per_row);

    // Predicates the rules use.
    bool is_constant(Expr e, double value) const;
    bool is_zero(Expr e) const { return is_constant(e, 0.0); }
    bool is_one(Expr e) const { return is_constant(e, 1.0); }
    // Number of entries as a scalar expression (a constant or a product of sizes).
    Expr numel(Shape shape);

    // Interns a node; used by the smart constructors and by rewrites that rebuild a node
    // with new children (`with_args`).
    Expr intern(Node node);
    Expr with_args(Expr e, std::span<const Expr> args);
    // The same expression rebuilt with every size resolved: a constant whose size came
    // from context (`vector(1)`) is built before its size is known; once unification has
    // fixed it, this makes it the same node as the constant written with that size.
    Expr refresh(Expr e);
    // e with every occurrence of the node `from` replaced by `to` (same shape).
    Expr substitute(Expr e, Expr from, Expr to);
    // e with every node that is a key of `replacements` replaced by its value, in one pass.
    Expr substitute(Expr e, const std::unordered_map<Expr, Expr>& replacements);

private:
    // The node of operation op with these arguments and shape, if it exists (apply looks
    // it up before it builds one).
    Expr find_operation(const OpInfo& op, std::span<const Expr> args, Shape shape) const;

    // The nodes in creation order, at addresses that never change, in blocks of kBlock:
    // std::deque's blocks (512 bytes) hold three nodes, an allocation for every three.
    class NodeStore {
    public:
        Expr push_back(Node&& node) {
            if (size_ % kBlock == 0) blocks_.push_back(std::make_unique<Node[]>(kBlock));
            Node& slot = blocks_.back()[size_ % kBlock];
            slot = std::move(node);
            ++size_;
            return &slot;
        }
        std::size_t size() const { return size_; }
        const Node& operator[](std::size_t i) const { return blocks_[i / kBlock][i % kBlock]; }

    private:
        static constexpr std::size_t kBlock = 256;
        std::vector<std::unique_ptr<Node[]>> blocks_;
        std::size_t size_ = 0;
    };

    SizeTable sizes_;
    NodeStore nodes_;
    // Every node by its hash: open addressing with linear probing, a power of two in size,
    // at most half full (nullptr: empty). No allocation per node, and a probe reads the
    // node's stored hash before comparing it.
    std::vector<Expr> index_;
    std::size_t indexed_ = 0;
    void index(Expr e);
    template <class Same>
    Expr find_indexed(std::size_t hash, Same same) const;
    NodeMap<Expr> refresh_memo_;  // nullptr: not yet refreshed; see refresh()
    std::uint64_t refresh_generation_ = 0;
};

// A named expression: one of a model's definitions (Model::definitions), printed by its
// name (name_definitions in simplify.hpp).
struct NamedExpr {
    std::string name;
    Expr expr = nullptr;
};

// The nodes reachable from the roots, each once, in increasing id: a topological order
// (arguments before the nodes that use them). Iterative, for DAGs of any depth.
std::vector<Expr> reachable(const Context& cx, std::span<const Expr> roots);

}  // namespace matcalc
