// Shapes with symbolic sizes. A Dim is a positive integer size or a symbol such as `n`;
// symbols are unified across a program (W * v makes v's length W's column count) with a
// union-find table, so a size is always read through SizeTable::resolve.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace matcalc {

// > 0: an integer size. < 0: the symbol with index -(d + 1). 0 is never a valid size.
using Dim = std::int64_t;

inline bool is_symbol(Dim d) { return d < 0; }

struct Shape {
    Dim rows = 1;
    Dim cols = 1;
    friend bool operator==(const Shape&, const Shape&) = default;
};

inline const Shape kScalarShape{1, 1};

class SizeTable {
public:
    // The symbol named `name`, created on first use. Declared symbols are rigid: two
    // different ones are different sizes (`vector(n) + vector(m)` is an error).
    Dim symbol(std::string_view name);
    // A flexible size whose value comes from context (`vector(1)` in `x + vector(1)`):
    // it unifies with anything.
    Dim fresh();
    // a·b, the number of entries of an a×b block (vec of a matrix, Kronecker products):
    // an integer when both sizes are, else a symbol that stands for the product, the same
    // one for the same factors. Too large a product of integers throws std::overflow_error.
    Dim product(Dim a, Dim b);
    // The factors of a product symbol (an integer coefficient, if any, first; then the
    // symbols), or an empty list for any other size.
    const std::vector<Dim>& factors(Dim d) const;
    // a + b, the height of stacked blocks: an integer when both are, else a symbol for
    // the sum ("m+n", "n+1"), the same one for the same terms.
    Dim sum(Dim a, Dim b);
    // The terms of a sum symbol (symbols, then an integer if any), or an empty list.
    const std::vector<Dim>& terms(Dim d) const;
    // Gives a flexible size that is still unbound a name of its own and makes it rigid, as
    // if declared so (the sizes --infer assumes, once the model is bound). False when d
    // is bound already or the name is taken.
    bool name_flexible(Dim d, std::string_view name);
    // The symbol named `name` if it exists, else 0.
    Dim find(std::string_view name) const;
    // The representative of d: an integer when d is bound to one, else the oldest symbol.
    Dim resolve(Dim d) const;
    Shape resolve(Shape s) const { return {resolve(s.rows), resolve(s.cols)}; }
    // Makes a and b the same size; false if both are fixed (integers or rigid symbols)
    // and differ.
    bool unify(Dim a, Dim b);
    // Changes whenever unify() binds a size: results computed from resolved sizes before
    // (Context::refresh) may be stale after.
    std::uint64_t generation() const { return generation_; }
    bool same(Dim a, Dim b) const { return resolve(a) == resolve(b); }
    bool same(Shape a, Shape b) const { return same(a.rows, b.rows) && same(a.cols, b.cols); }
    bool is_one(Dim d) const { return resolve(d) == 1; }
    bool is_scalar(Shape s) const { return is_one(s.rows) && is_one(s.cols); }
    bool is_vector(Shape s) const { return !is_scalar(s) && is_one(s.cols); }      // n×1
    bool is_row(Shape s) const { return !is_scalar(s) && is_one(s.rows); }         // 1×n
    bool is_matrix(Shape s) const { return !is_one(s.rows) && !is_one(s.cols); }
    // "n", "3"
    std::string name(Dim d) const;
    // "scalar", "vector(n)", "row vector(n)", "matrix(m, n)": the words of error messages.
    std::string describe(Shape s) const;
    std::size_t symbol_count() const { return names_.size(); }
    std::string symbol_name(std::size_t index) const { return names_[index]; }

private:
    // unify() of two rigid sizes: products that agree once their common factors cancel,
    // binding a flexible factor left alone on one side (n·?2 = m·n binds ?2 to m).
    bool unify_products(Dim a, Dim b);
    std::vector<std::string> names_;
    mutable std::vector<Dim> parent_;  // per symbol: itself, another symbol, or an integer
    std::vector<bool> rigid_;
    std::uint64_t generation_ = 0;
    // A rigid symbol standing for the product ('*') or sum ('+') of `parts`.
    Dim composite(char op, std::vector<Dim> parts);

    std::vector<std::vector<Dim>> factors_;  // per symbol: empty unless a product
    std::vector<std::vector<Dim>> terms_;    // per symbol: empty unless a sum
    std::unordered_map<std::string, Dim> composites_;  // op and parts -> symbol
    std::unordered_map<std::string, Dim> by_name_;
};

}  // namespace matcalc
