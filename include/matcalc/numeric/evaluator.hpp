// The numeric evaluator (Eigen): a DAG evaluated at concrete values (values.hpp reads and
// writes them as JSON).
//
//   Eigen::MatrixXd v = evaluate(model.cx(), f, env);
//
// Evaluation walks the DAG in node-id order (ids are a topological order), so it is
// iterative (no recursion, any depth) and evaluates every shared node once. Elementwise
// operations use the operation table's kernels and broadcast as the shape rules do. An
// Evaluator compiled once can be run again on new values of the same sizes without
// allocating (training). Evaluation throws InputError for a missing value or size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "matcalc/core/expr.hpp"
#include "matcalc/io/diagnostics.hpp"

namespace matcalc {

// The floating-point type a program computes in (`--precision`).
enum class Precision : std::uint8_t { Float64, Float32 };

// Numbers for the model's variables and the integer value of every size symbol.
struct Env {
    std::unordered_map<std::string, Eigen::MatrixXd> values;  // by variable name
    std::unordered_map<Dim, Eigen::Index> sizes;              // resolved symbol -> size
};

// No single value may have more entries than this (a 4-million-entry vector times its
// transpose must be an input error, not an out-of-memory crash).
inline constexpr Eigen::Index kMaxEntries = Eigen::Index{1} << 26;  // 512 MiB of doubles

// Limits on the work and memory of one evaluation (README, "Limits"), estimated when a
// program is compiled, before anything is allocated or computed: an InputError that says
// what would be computed and how big when an estimate exceeds them. Work counts
// multiply-adds (m·k·n for a product, n³ for det, logdet and inv, one per entry for
// elementwise operations and reductions); memory, the bytes of every value formed
// (constants, results, formed Kronecker and commutation matrices).
struct Budget {
    double max_work = 2e10;                              // about 4 s here
    std::size_t max_memory = std::size_t{768} << 20;     // bytes
};

// While alive, evaluations on this thread are held to `budget` (the command line sets the
// options' budget for a command's run). Without one, nothing is held (the library's default).
class ScopedBudget {
public:
    explicit ScopedBudget(const Budget& budget);
    ~ScopedBudget();
    ScopedBudget(const ScopedBudget&) = delete;
    ScopedBudget& operator=(const ScopedBudget&) = delete;

private:
    Budget budget_;
    const Budget* previous_;
};

// The budget evaluations on this thread are held to, or nullptr.
const Budget* current_budget();

// The concrete value of a size under env (integers, symbols given by env.sizes, products
// and sums of those), or 0 when it is not known.
std::int64_t known_size(const SizeTable& sizes, Dim d, const Env& env);

// The concrete shape of e under env (symbols replaced by their sizes). InputError when a
// size is unknown.
std::pair<Eigen::Index, Eigen::Index> concrete_shape(const Context& cx, Expr e, const Env& env);

// Evaluates e. Shapes follow the node's resolved shape; sizes from env.sizes; variable
// values from env.values (a missing value or a value of the wrong shape is an InputError).
Eigen::MatrixXd evaluate(const Context& cx, Expr e, const Env& env);
// The same computed in `precision` (Float32: in float, the result widened to double).
Eigen::MatrixXd evaluate(const Context& cx, Expr e, const Env& env, Precision precision);

// Several expressions sharing one memo (a function and its derivatives).
std::vector<Eigen::MatrixXd> evaluate_all(const Context& cx, std::span<const Expr> es, const Env& env);

// A DAG compiled for fixed sizes: the nodes the roots need in topological order (each
// common subexpression once), each with a preallocated output buffer; buffers of one shape
// are reused once the value in them is dead. Kronecker products, commutation matrices,
// diagonals, identities and transposes that only multiply are applied, never formed; a
// scalar times a product is one scaled product; elementwise operations run the operation
// table's array kernels (ops.hpp), consecutive ones as one pass over blocks of entries
// (an argument used only by the next operation is never stored whole). run() evaluates
// every node once; running again with new values of the same shapes allocates nothing (tests/test_eval_alloc.cpp counts), except
// inside Eigen for the LU of det/logdet/inv and for the blocking workspace of matrix
// products too large for its stack buffer.
//
// In double precision (Evaluator), or in single precision (Evaluator32, `--precision
// float32`): every value computed in float, the variables' values rounded to float when a
// run reads them (bound ones are read as they are), elementwise kernels computed in float
// arithmetic (exp, log, tanh, σ and √ with Eigen's vectorised functions).
template <class T>
class BasicEvaluator {
public:
    using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

    // Sizes come from env.sizes; env.values is not read here.
    BasicEvaluator(const Context& cx, std::span<const Expr> roots, const Env& env);
    // Movable, not copyable: slots point into the evaluator's own storage (a move keeps
    // the vectors' buffers, a copy would not).
    BasicEvaluator(const BasicEvaluator&) = delete;
    BasicEvaluator& operator=(const BasicEvaluator&) = delete;
    BasicEvaluator(BasicEvaluator&&) noexcept = default;
    BasicEvaluator& operator=(BasicEvaluator&&) noexcept = default;

    // Evaluates with the variables' values from env.values (looked up by name; a missing
    // value or one of another shape is an InputError), except those bound (bind()).
    void run(const Env& env);
    // A variable read from the caller's matrix on every run, in T, without a lookup by name
    // or (in float) a rounding per run: a training step's parameters and data. The handle
    // of variable `name` (npos when the roots do not depend on it); bind() checks the
    // shape (InputError) and keeps the pointer, which the caller keeps valid, until bound
    // again.
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::size_t find_variable(const std::string& name) const;
    void bind(std::size_t variable, const Matrix& value);
    // The value of the i-th root after run(). A root that is a variable refers to the
    // Env's matrix: valid while that Env is unchanged.
    const Matrix& value(std::size_t i) const { return *slots_[root_slots_[i]].value; }
    std::size_t root_count() const { return root_slots_.size(); }
    // Names of the variables the roots depend on.
    std::vector<std::string> variables() const;

private:
    struct Slot {
        Expr node = nullptr;
        Eigen::Index rows = 0, cols = 0;
        std::span<const std::size_t> args;  // slots of the arguments (in slot_args_)
        Matrix buffer;         // constants and structured matrices filled once
        Matrix* out = nullptr; // where step() writes: &buffer, or shared storage
        const Matrix* value = nullptr;  // out, or the variable's value in the Env
        const Matrix* bound = nullptr;  // a variable's value bound by the caller (bind())
        // Never formed: a Kronecker product, commutation, diagonal or identity matrix used
        // only as a factor of matrix products (the products apply it, see multiply()); a
        // transpose used only as a factor (the product reads its argument transposed); a
        // product whose only use scales it (computed there, see `fused`).
        bool implicit = false;
        // An elementwise s ⊙ (A B) with a scalar s: the slot of the product A B, computed
        // here as one product scaled on the way (Eigen's GEMM takes the factor). npos: none.
        std::size_t fused = npos;
        static constexpr std::size_t npos = static_cast<std::size_t>(-1);
        // A product Sᵀ S, Sᵀ (diag(v) S) or (Sᵀ diag(v)) S (a Gauss–Newton or logistic
        // Hessian): symmetric, so only its lower triangle is multiplied, then mirrored.
        bool symmetric = false;
        Eigen::Index commutation_m = 0;  // K(m,n): its m
        Eigen::Index top = 0, left = 0;   // Block: its offsets
        bool columnwise = false;          // softmax(Z, k), logsumexp(X, k): per column (k = 1) or row (2)
        // A product with an implicit Kronecker factor: one column (row) of the other
        // factor read as a matrix, and the two products applied to it (preallocated).
        // Held apart, like `fused` below: few slots have them, and a long program has
        // hundreds of thousands of slots (a slot is 160 bytes with them apart, 288 in place).
        struct KronScratch {
            Matrix x, t, y;
        };
        std::unique_ptr<KronScratch> kron;
        // An elementwise operation with elementwise arguments inlined into it (theirs
        // implicit: used only here, of its shape): the kernels of the group in order, run
        // over blocks of entries (kFusedBlock), the inner results in `scratch`, one column
        // per inner value live at once, never a buffer of the whole size. nullptr: not a
        // fused group.
        struct FusedOp {
            void (*kernel)(const T*, std::ptrdiff_t, const T*, std::ptrdiff_t, T*, std::ptrdiff_t);
            int a, b;  // operands: ≥ 0 a column of scratch, < 0 the input −1 − k
            int out;   // a column of scratch, or −1: the group's result
        };
        struct FusedGroup {
            std::vector<FusedOp> ops;
            std::vector<std::size_t> inputs;  // slots read by the group
            Matrix scratch;
        };
        std::unique_ptr<FusedGroup> group;
    };
    static constexpr Eigen::Index kFusedBlock = 512;
    static constexpr int kMaxFusedOps = 64;  // operations in one fused group
    // The compilation's passes, in order (evaluator.cpp).
    void make_slots(const Context& cx, std::span<const Expr> roots, const Env& env);
    void leave_factors_implicit();
    void fuse_scaled_products();
    void fuse_elementwise();
    void find_symmetric_products();
    // The scratch columns of a fused group: a column is free again once the operation
    // that reads it has run (each inner value has that one reader), so a chain of 100 000
    // additions needs two columns, not 100 000.
    struct ScratchColumns {
        int count = 0;
        std::vector<int> free;
    };
    int fused_operand(Slot& root, std::size_t arg, ScratchColumns& temps);
    void run_fused(Slot& s);
    void check_broadcasts() const;
    void check_sizes() const;   // InputError for a formed value too large to hold
    void check_budget() const;  // against current_budget(), before fill_constants()
    void fill_constants();      // constants and formed identities and commutation matrices
    void multiply(Slot& s);
    // multiply() for a Kronecker factor A ⊗ B of which A or B is an identity (never formed).
    void kron_with_identity(Slot& s, const Matrix& M, bool left, const Slot& a, const Slot& b);
    // out = scale · (the product p), its factors read transposed where they are implicit
    // transposes, a product with a vector of ones summed instead.
    void product(const Slot& p, Matrix& out, T scale);
    bool implicit_transpose(std::size_t slot) const;
    // For log(softmax(Z)): the slot of Z, which step() reads instead (stable); else npos.
    std::size_t log_softmax_source(const Slot& s) const;
    void step(Slot& s);
    // Gives every computed slot its output buffer: slots of one shape share storage once
    // the value held there is no longer needed (liveness in the topological order).
    void assign_storage();

    std::vector<Slot> slots_;
    // Every slot's argument slots, one after another: one allocation for the program
    // rather than one per node.
    std::vector<std::size_t> slot_args_;
    std::deque<Matrix> storage_;  // shared output buffers (a deque: pointers stay valid)
    std::vector<std::size_t> root_slots_;
};

extern template class BasicEvaluator<double>;
extern template class BasicEvaluator<float>;
using Evaluator = BasicEvaluator<double>;
using Evaluator32 = BasicEvaluator<float>;
}  // namespace matcalc
