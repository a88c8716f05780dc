// Building a derivation step by step (steps.hpp): intermediate variables, local partials,
// the forward vector chain rule, the substitution back. Printing is in steps_print.cpp.
#include "matcalc/steps/steps.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc {

namespace {

// Fresh names for intermediate variables, as the lecture picks them: u, v, … for vectors
// and matrices, γ, δ, … for scalars, and u1, u2, … when the whole derivation is scalar
// (the single-variable chain rule and the total derivative). Names the model uses are
// skipped.
class FreshNames {
public:
    FreshNames(const Model& model, bool all_scalar) : all_scalar_(all_scalar) {
        for (const Symbol& s : model.symbols()) used_.insert(s.name);
    }
    std::string next(bool scalar) {
        if (all_scalar_) return numbered("u", numbered_scalar_);
        static const char* const vectors[] = {"u", "v", "p", "q", "r", "s", "h", "k"};
        static const char* const scalars[] = {"γ", "δ", "ε", "κ", "λ", "μ", "ρ", "τ", "φ", "ψ", "ω"};
        if (scalar) {
            for (const char* n : scalars)
                if (take(n)) return n;
            return numbered("γ", numbered_scalar_);
        }
        for (const char* n : vectors)
            if (take(n)) return n;
        return numbered("u", numbered_vector_);
    }

private:
    bool take(const std::string& n) { return used_.insert(n).second; }
    std::string numbered(const std::string& stem, int& counter) {
        for (;;) {
            std::string n = stem + std::to_string(++counter);
            if (take(n)) return n;
        }
    }
    bool all_scalar_;
    std::unordered_set<std::string> used_;
    int numbered_scalar_ = 0, numbered_vector_ = 0;
};

bool contains_kind(const Context& cx, Expr e, Kind kind) {
    for (Expr n : reachable(cx, std::span<const Expr>(&e, 1)))
        if (n->op->kind == kind) return true;
    return false;
}

// The rule that gives ∂definition/∂wrt, named as the lecture names it.
std::string local_rule(const Context& cx, Expr definition, Expr wrt, Expr jac) {
    const OpInfo& op = *definition->op;
    bool out_scalar = cx.is_scalar(definition), wrt_scalar = cx.is_scalar(wrt);
    switch (op.kind) {
    case Kind::Elementwise:
        if (wrt_scalar && !out_scalar) return "vector–scalar expansion";
        if (out_scalar) {
            if (op.id == Op::Add) return "sum rule";
            if (op.id == Op::Sub) return "difference rule";
            if (op.id == Op::Hadamard) return "product rule";
            if (op.id == Op::Div) return "quotient rule";
            if (op.max_args == 1 && op.rule == "unary elementwise function")
                return fmt::format("derivative of {}", op.unicode);
            return std::string(op.rule);
        }
        return fmt::format("{} (diagonal Jacobian)", op.rule);
    case Kind::MatMul:
        return contains_kind(cx, jac, Kind::Kron) ? "matrix product (Kronecker form)" : "matrix product";
    case Kind::Transpose:
        return contains_kind(cx, jac, Kind::Commutation) ? "transpose (commutation matrix)" : "transpose";
    case Kind::Variable: case Kind::Constant: case Kind::Identity: case Kind::Size: case Kind::Commutation:
    case Kind::Dot: case Kind::Sum: case Kind::Mean: case Kind::Norm: case Kind::Norm1: case Kind::Diag:
    case Kind::DiagPart: case Kind::Stack: case Kind::Trace: case Kind::Det: case Kind::LogDet:
    case Kind::Inverse: case Kind::LogSumExp: case Kind::Softmax: case Kind::Kron: case Kind::Vec:
    case Kind::Extremum: case Kind::Unvec: case Kind::Block: return std::string(op.rule);
    }
    unreachable();  // every value is a case above
}

// P J for a local partial P and a Jacobian J: scaling when either is a scalar.
Expr chain_product(Context& cx, Expr p, Expr j) {
    if (cx.is_scalar(p) || cx.is_scalar(j)) return cx.mul(p, j);
    return cx.matmul(p, j);
}

// The whole expression after each rewrite of a trace: a rewrite of a subexpression is
// substituted into the current form. Rewrites whose subexpression is no longer there
// (rebuilt by an earlier one) are skipped; a last entry reaches the simplifier's form.
std::vector<Rewritten> replay(Context& cx, Expr start, const std::vector<RewriteStep>& trace, Expr final_form) {
    std::vector<Rewritten> out;
    Expr state = start;
    std::string unplaced;  // rules of rewrites inside subexpressions rebuilt since
    for (const RewriteStep& step : trace) {
        Expr next = cx.substitute(state, step.before, step.after);
        if (next == state) {
            if (unplaced.find(step.rule) == std::string::npos) unplaced += (unplaced.empty() ? "" : "; ") + std::string(step.rule);
            continue;
        }
        state = next;
        out.push_back({state, std::string(step.rule)});
    }
    if (state != final_form) out.push_back({final_form, unplaced.empty() ? "normal form" : unplaced});
    return out;
}

// The rule of one backward step, ∂f/∂v from ∂f/∂u for u = definition(v, ...), as the
// lecture's backpropagation slides name it.
std::string backward_rule(const Context& cx, Expr definition, Expr v, Expr term) {
    const OpInfo& op = *definition->op;
    const bool scalar = cx.is_scalar(definition);
    if (op.id == Op::MatMul) return definition->args[1] == v ? "matrix product: Wᵀ δ" : "matrix product: δ aᵀ";
    if (op.id == Op::Add) return scalar ? "sum rule" : "sum rule: δ passes through";
    if (op.id == Op::Sub) return "difference rule";
    if (op.id == Op::Neg) return "negation";
    if (op.id == Op::Hadamard)
        return cx.is_scalar(definition->args[0]) || cx.is_scalar(definition->args[1]) ? "scaling" : "product rule (elementwise)";
    if (op.kind == Kind::Elementwise && op.max_args == 1 && !scalar) return fmt::format("derivative of {}, elementwise", op.unicode);
    return local_rule(cx, definition, v, term);
}

}  // namespace

namespace {

// derive_steps in its phases, as the lecture derives: the intermediate variables, the
// local partials and the chain rule, then the intermediates substituted back.
class StepsBuilder {
public:
    StepsBuilder(Model& model, const Symbol& function, const Symbol& variable, Derivation& d)
        : model_(model), cx_(model.cx()), function_(function), x_(variable.expr), d_(d) {}

    // One intermediate variable per operation between the variable and the function, in
    // evaluation order; the model's names where it has them, w·x rephrased as sum(w ⊙ x).
    void introduce_intermediates() {
        Expr f = function_.expr;
        // The model's names of its definitions (the first name of a node wins; the
        // function keeps its own).
        std::unordered_map<Expr, std::string> model_name;
        for (const Symbol& s : model_.symbols())
            if (s.kind == Symbol::Kind::Defined) model_name.emplace(s.expr, s.name);
        model_name[f] = function_.name;
        std::unordered_map<Expr, std::string> written;
        for (const Model::WrittenCall& c : model_.written_calls()) written.emplace(c.expr, c.text);

        check_steps_length(cx_, function_, *d_.variable);
        std::vector<Expr> path = steps_path(cx_, f, x_);
        all_scalar_ = cx_.is_scalar(x_) && std::all_of(path.begin(), path.end(), [&](Expr e) { return cx_.is_scalar(e); });
        FreshNames fresh(model_, all_scalar_);
        auto add = [&](Expr node, Expr definition, Expr rephrased, const std::string* name) {
            Intermediate in;
            in.fresh = !name;
            in.name = name ? *name : fresh.next(cx_.is_scalar(node));
            in.node = node;
            in.definition = definition;
            in.rephrased = rephrased;
            if (auto w = written.find(node); w != written.end()) in.written = w->second;
            in.symbol = cx_.variable(in.name, node->shape);
            symbol_of_[node] = in.symbol;
            index_of_[in.symbol] = d_.intermediates.size();
            d_.intermediates.push_back(std::move(in));
        };
        for (Expr e : path) {
            auto named = model_name.find(e);
            const std::string* name = named == model_name.end() ? nullptr : &named->second;
            std::vector<Expr> args;
            for (Expr a : e->args) args.push_back(as_symbol(a));
            SizeTable& z = cx_.sizes();
            if (e->op->kind == Kind::Dot && z.is_vector(cx_.shape(e->args[0])) && z.is_vector(cx_.shape(e->args[1]))) {
                // The lecture's rephrasing: w·x = sum(w ⊙ x), an elementwise product and a sum.
                Expr product = cx_.mul(e->args[0], e->args[1]);
                add(product, cx_.mul(args[0], args[1]), e, nullptr);
                d_.intermediates.back().rephrased_as = cx_.sum(product);
                add(e, cx_.sum(d_.intermediates.back().symbol), nullptr, name);
                continue;
            }
            add(e, cx_.with_args(e, args), nullptr, name);
        }
        // Intermediate nodes written inside a local partial are written as their symbols:
        // ∂ŷ/∂z = ŷ(1 − ŷ), not σ(z)(1 − σ(z)), so that factors cancel in the chain.
        for (const Intermediate& in : d_.intermediates) {
            to_symbols_[in.node] = in.symbol;
            to_symbols_[in.definition] = in.symbol;  // σ(z) of the symbol z is ŷ too
            to_nodes_[in.symbol] = in.node;
        }
    }

    // Each intermediate's local partials with their rules, and the chain rule forward from
    // the variable, each product simplified one named rewrite at a time.
    void apply_chain_rule() {
        Simplifier local(cx_);
        std::vector<Expr> chain_of(d_.intermediates.size(), nullptr);  // ∂intermediate/∂x
        for (std::size_t i = 0; i < d_.intermediates.size(); ++i) {
            const Intermediate& in = d_.intermediates[i];
            std::vector<Expr> wrts;
            for (Expr a : in.definition->args)
                if ((a == x_ || index_of_.count(a)) && std::find(wrts.begin(), wrts.end(), a) == wrts.end())
                    wrts.push_back(a);
            ChainStep step;
            step.of = i;
            bool through_intermediate = false;
            std::vector<Expr> terms;
            for (Expr a : wrts) {
                LocalPartial p;
                p.of = i;
                p.wrt = a;
                Expr raw = jacobian(cx_, in.definition, a);
                p.jacobian = local(cx_.substitute(local(raw), to_symbols_));
                p.rule = local_rule(cx_, in.definition, a, p.jacobian);
                step.terms.push_back(d_.partials.size());
                if (a == x_) {
                    terms.push_back(p.jacobian);
                } else {
                    through_intermediate = true;
                    terms.push_back(chain_product(cx_, p.jacobian, chain_of[index_of_.at(a)]));
                }
                d_.partials.push_back(std::move(p));
            }
            Expr product = terms.at(0);
            for (std::size_t t = 1; t < terms.size(); ++t) product = cx_.add(product, terms[t]);
            if (!through_intermediate && terms.size() == 1) {
                chain_of[i] = product;  // ∂v/∂x is the local partial itself
                continue;
            }
            step.rule = terms.size() > 1 ? "total derivative"
                        : all_scalar_    ? "single-variable chain rule"
                                         : "vector chain rule";
            step.product = product;
            std::vector<RewriteStep> trace;
            local.set_trace(&trace);
            step.result = local(product);
            local.set_trace(nullptr);
            step.simplified = replay(cx_, product, trace, step.result);
            chain_of[i] = step.result;
            d_.chain.push_back(std::move(step));
        }
        d_.chain_result = d_.intermediates.empty() ? nullptr : chain_of.back();
    }

    // Back to the model's variables, simplified as `derive` simplifies (definitions the
    // model names print by name again).
    void substitute_back(bool keep_names) {
        d_.substituted = cx_.substitute(d_.chain_result, to_nodes_);
        // A simplifier of its own (prepared like derive's), so that every rule that fires is
        // recorded: derive's has simplified this expression already and remembers it.
        Simplifier back(cx_);
        if (keep_names) {
            NamedExpr self{function_.name, function_.expr};
            name_definitions(back, model_.definitions(&function_), &self);
        }
        std::vector<RewriteStep> trace;
        back.set_trace(&trace);
        Expr simplified = back(d_.substituted);
        d_.back_simplified = replay(cx_, d_.substituted, trace, simplified);
    }

private:
    Expr as_symbol(Expr a) const {
        auto it = symbol_of_.find(a);
        return it == symbol_of_.end() ? a : it->second;
    }

    Model& model_;
    Context& cx_;
    const Symbol& function_;
    Expr x_;
    Derivation& d_;
    bool all_scalar_ = false;
    std::unordered_map<Expr, Expr> symbol_of_;       // node → the symbol standing for it
    std::unordered_map<Expr, std::size_t> index_of_;  // symbol → intermediate
    std::unordered_map<Expr, Expr> to_symbols_, to_nodes_;
};

}  // namespace

std::vector<Expr> steps_path(const Context& cx, Expr function, Expr variable) {
    // One pass in topological order (ids are one), linear in the DAG (a depends_on() per
    // node was quadratic).
    std::vector<Expr> path;
    std::vector<char> depends(cx.node_count(), 0);
    for (Expr e : reachable(cx, std::span<const Expr>(&function, 1))) {
        bool d = e == variable;
        for (Expr a : e->args) d = d || depends[a->id];
        depends[e->id] = d;
        if (e != variable && !e->args.empty() && d) path.push_back(e);
    }
    return path;
}

void check_steps_length(const Context& cx, const Symbol& function, const Symbol& variable) {
    // The forward chain writes every Jacobian whole: the steps of a long chain cost the
    // square of its length in time and text. Derivations to be read have a few dozen steps.
    std::size_t length = steps_path(cx, function.expr, variable.expr).size();
    if (length > kMaxIntermediates)
        throw InputError(fmt::format("--steps: ∂{}/∂{} goes through {} operations, more than the {} a derivation "
                                     "step by step is written for",
                                     function.name, variable.name, length, kMaxIntermediates),
                         std::nullopt, {"without --steps the derivative prints compactly"});
}

Derivation derive_steps(Model& model, const Symbol& function, const Symbol& variable, Expr result,
                        std::string result_note, bool keep_names) {
    Derivation d;
    d.function = &function;
    d.variable = &variable;
    d.result = result;
    d.result_note = std::move(result_note);
    StepsBuilder steps(model, function, variable, d);
    steps.introduce_intermediates();
    steps.apply_chain_rule();
    if (d.chain_result) steps.substitute_back(keep_names);
    return d;
}

void derive_backward(Model& model, Derivation& d) {
    Context& cx = model.cx();
    if (!cx.is_scalar(d.function->expr))
        throw InputError(fmt::format("--steps backward needs a scalar function; {} is {}", d.function->name,
                                     cx.sizes().describe(cx.shape(d.function->expr))),
                         std::nullopt, {"backpropagation carries ∂f/∂v of one scalar f; --steps writes the forward chain"});
    const std::size_t n = d.intermediates.size();
    if (n == 0) return;
    Expr x = d.variable->expr;
    // As in the forward chain: nodes of intermediates written as their symbols, so that
    // σ'(z2) reads a2 ⊙ (1 − a2).
    std::unordered_map<Expr, Expr> to_symbols;
    for (const Intermediate& in : d.intermediates) {
        to_symbols[in.node] = in.symbol;
        to_symbols[in.definition] = in.symbol;
    }
    Simplifier local(cx);
    const std::string& f = d.function->name;
    // adjoint_of[i]: the expression standing for ∂f/∂(intermediate i): 1 for f itself, else its symbol.
    std::vector<Expr> adjoint_of(n, nullptr);
    std::vector<std::size_t> line_of(n, 0);
    adjoint_of[n - 1] = cx.constant(1.0);
    // From the intermediate below f down to the first, then the variable itself (k = -1).
    for (std::ptrdiff_t k = static_cast<std::ptrdiff_t>(n) - 2; k >= -1; --k) {
        const bool variable = k == -1;
        Expr v = variable ? x : d.intermediates[k].symbol;
        Adjoint a;
        a.of = variable ? n : static_cast<std::size_t>(k);
        Expr sum = nullptr;
        std::string rule;
        int users = 0;
        for (std::size_t j = variable ? 0 : static_cast<std::size_t>(k) + 1; j < n; ++j) {
            const Intermediate& u = d.intermediates[j];
            if (std::find(u.definition->args.begin(), u.definition->args.end(), v) == u.definition->args.end()) continue;
            // (∂u/∂v)ᵀ applied to ∂f/∂u: the gradient of ⟨∂f/∂u, u(v)⟩ with respect to v.
            Expr weighted = j == n - 1 ? u.definition : cx.sum(cx.mul(adjoint_of[j], u.definition));
            Expr term = local(cx.substitute(local(gradient(cx, weighted, v)), to_symbols));
            sum = sum ? cx.add(sum, term) : term;
            if (j != n - 1) a.from.push_back(line_of[j]);
            rule = backward_rule(cx, u.definition, v, term);
            ++users;
        }
        if (!sum) continue;  // not on a path to f (cannot happen: every intermediate feeds f)
        a.formula = users > 1 ? local(sum) : sum;
        a.rule = users > 1 ? "total derivative (a sum over the uses)" : rule;
        const std::string name = variable ? d.variable->name : d.intermediates[k].name;
        a.symbol = cx.variable(fmt::format("∂{}/∂{}", f, name), v->shape);
        if (!variable) {
            adjoint_of[static_cast<std::size_t>(k)] = a.symbol;
            line_of[static_cast<std::size_t>(k)] = d.backward.size();
        }
        d.backward.push_back(std::move(a));
    }
}

}  // namespace matcalc
