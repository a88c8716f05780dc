// A compiled Evaluator allocates nothing when it runs again (issue 5, item 1): every heap
// allocation of the process is counted (malloc, calloc and realloc are interposed here,
// forwarding to glibc's) while run() evaluates a network's loss and all its gradients, a
// Jacobian with Kronecker factors applied implicitly, and a softmax classifier.
//
// The same in single precision (Evaluator32).
//
// Not under AddressSanitizer, which interposes malloc itself.
#include <catch2/catch.hpp>

#if !defined(__SANITIZE_ADDRESS__)

#include <cstddef>
#include <map>
#include <random>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/simplify/simplify.hpp"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
}

namespace {
// Plain globals: the interposed functions run before main and in every thread.
bool g_counting = false;
long g_allocations = 0;
}  // namespace

extern "C" void* malloc(std::size_t n) {
    if (g_counting) ++g_allocations;
    return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t n, std::size_t size) {
    if (g_counting) ++g_allocations;
    return __libc_calloc(n, size);
}
extern "C" void* realloc(void* p, std::size_t n) {
    if (g_counting) ++g_allocations;
    return __libc_realloc(p, n);
}

using namespace matcalc;

namespace {

// Allocations made by f().
template <class F>
long allocations(F&& f) {
    g_allocations = 0;
    g_counting = true;
    f();
    g_counting = false;
    return g_allocations;
}

// The function and its gradients with respect to every declared variable of `roles`
// (simplified, as derive gives them), compiled at the sizes of `env`; random values.
struct Compiled {
    Model model;
    Env env;
    std::vector<Expr> roots;
};

Compiled compile(const std::string& text, std::vector<std::string> wrt, std::map<std::string, Eigen::Index> sizes) {
    Compiled c{load_model(Source{"model.mc", text}), {}, {}};
    Context& cx = c.model.cx();
    Expr f = c.model.function(std::nullopt).expr;
    std::vector<Expr> xs;
    for (const std::string& w : wrt) xs.push_back(c.model.find(w)->expr);
    Simplifier simplify(cx);
    c.roots.push_back(f);
    for (Expr g : gradients(cx, f, xs)) c.roots.push_back(simplify(g));
    for (auto& [name, n] : sizes) c.env.sizes[cx.sizes().resolve(cx.sizes().find(name))] = n;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0.05, 0.95);
    for (const Symbol& s : c.model.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        auto [r, k] = concrete_shape(cx, s.expr, c.env);
        Eigen::MatrixXd v(r, k);
        for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = u(rng);
        c.env.values[s.name] = v;
    }
    return c;
}

// In double, and in float (Evaluator32: the variables' values rounded into its own buffers).
template <class E>
void check_no_allocation_in(Compiled& c, double tol) {
    E ev(c.model.cx(), c.roots, c.env);
    ev.run(c.env);  // first run: values settle (nothing is allocated lazily either)
    std::vector<Eigen::MatrixXd> first;
    for (std::size_t i = 0; i < ev.root_count(); ++i) first.push_back(ev.value(i).template cast<double>());
    // New values of the same shapes, as a training loop writes them.
    for (auto& [name, v] : c.env.values) v *= 0.5;
    long n = allocations([&] { ev.run(c.env); });
    CHECK(n == 0);
    // The run computed something new, and the same as a fresh evaluation.
    std::vector<Eigen::MatrixXd> fresh;
    CHECK(allocations([&] { fresh = evaluate_all(c.model.cx(), c.roots, c.env); }) > 0);  // the count works
    for (std::size_t i = 0; i < ev.root_count(); ++i) CHECK(ev.value(i).template cast<double>().isApprox(fresh[i], tol));
    CHECK(!ev.value(0).template cast<double>().isApprox(first[0]));
}

void check_no_allocation(Compiled& c) {
    check_no_allocation_in<Evaluator>(c, 1e-12);
    for (auto& [name, v] : c.env.values) v *= 2;  // the first values again
    check_no_allocation_in<Evaluator32>(c, 1e-5);
}

}  // namespace

TEST_CASE("a compiled evaluator runs again without allocating", "[eval][alloc]") {
    SECTION("a 2-16-1 tanh network's BCE loss and all its gradients, batch 32") {
        Compiled c = compile(
            "X : matrix(2, B); y : matrix(1, B); W1 : matrix(16, 2); b1 : vector(16); W2 : matrix(1, 16); b2 : scalar\n"
            "h = tanh(W1 * X + b1); p = σ(W2 * h + b2); L = sum(bce(p, y)) / B",
            {"W1", "b1", "W2", "b2"}, {{"B", 32}});
        check_no_allocation(c);
    }
    SECTION("a 4-8-3 ReLU network with softmax cross-entropy, one sample") {
        Compiled c = compile(
            "x : vector(4); y : vector(3); W1 : matrix(8, 4); b1 : vector(8); W2 : matrix(3, 8); b2 : vector(3)\n"
            "h = max(0, W1 * x + b1); L = -y·log(softmax(W2 * h + b2))",
            {"W1", "b1", "W2", "b2"}, {});
        check_no_allocation(c);
    }
    SECTION("a 4-8-3 ReLU network with softmax cross-entropy, batch 32 (softmax per column)") {
        Compiled c = compile(
            "X : matrix(4, B); Y : matrix(3, B); W1 : matrix(8, 4); b1 : vector(8); W2 : matrix(3, 8); b2 : vector(3)\n"
            "H = max(0, W1 * X + b1); L = -sum(Y ⊙ log(softmax(W2 * H + b2, 1))) / B",
            {"W1", "b1", "W2", "b2"}, {{"B", 32}});
        check_no_allocation(c);
    }
    SECTION("a 784-128-10 ReLU network with a linear loss, batch 256 (Eigen's matrix products large)") {
        Compiled c = compile(
            "X : matrix(784, B); Y : matrix(10, B); W1 : matrix(128, 784); b1 : vector(128); W2 : matrix(10, 128); "
            "b2 : vector(10)\nH = max(0, W1 * X + b1); Z = W2 * H + b2; L = sum(Y ⊙ Z) / B",
            {"W1", "b1", "W2", "b2"}, {{"B", 256}});
        check_no_allocation(c);
    }
    SECTION("a Jacobian whose Kronecker factors are applied, not formed") {
        Compiled c{load_model(Source{"m.mc", "A : matrix(n, n); X : matrix(n, n); B : matrix(n, n); F = A * X * B"}),
                   {}, {}};
        Context& cx = c.model.cx();
        Expr F = c.model.function(std::nullopt).expr;
        Expr X = c.model.find("X")->expr;
        c.roots = {F, simplify(cx, cx.matmul(jacobian(cx, F, X), cx.vec(X)))};  // (Bᵀ ⊗ A) vec X
        c.env.sizes[cx.sizes().resolve(cx.sizes().find("n"))] = 5;
        for (const char* name : {"A", "X", "B"}) c.env.values[name] = Eigen::MatrixXd::Random(5, 5);
        check_no_allocation(c);
    }
}

#endif  // !__SANITIZE_ADDRESS__
