// Evaluation around the compiled evaluator (src/evaluator.cpp): concrete sizes and shapes
// under an Env, the check that every value is there, one-off evaluate(), and the JSON
// writing of values.
#include "matcalc/eval.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "eval_internal.hpp"
#include "matcalc/model.hpp"
#include "matcalc/ops.hpp"

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

bool flexible_name(const std::string& name) { return !name.empty() && name[0] == '?'; }

}  // namespace

Index concrete_dim(const SizeTable& sizes, Dim d, const Env& env) {
    d = sizes.resolve(d);
    if (!is_symbol(d)) return static_cast<Index>(d);
    // Products and sums (m*n, n+1) follow from their parts, whatever env says of them.
    if (const std::vector<Dim>& factors = sizes.factors(d); !factors.empty()) {
        Index product = 1;
        for (Dim f : factors) {
            Index x = concrete_dim(sizes, f, env);
            if (product > kMaxEntries / x) throw InputError(fmt::format("the size {} is too large to evaluate", sizes.name(d)));
            product *= x;
        }
        return product;
    }
    if (const std::vector<Dim>& terms = sizes.terms(d); !terms.empty()) {
        Index total = 0;
        for (Dim t : terms) total += concrete_dim(sizes, t, env);  // each at most kMaxEntries
        return total;
    }
    if (auto it = env.sizes.find(d); it != env.sizes.end()) return it->second;
    // A key recorded before a later unification made another symbol the representative.
    for (const auto& [key, value] : env.sizes)
        if (sizes.resolve(key) == d) return value;
    std::string name = sizes.name(d);
    if (flexible_name(name))
        throw InputError("the size of a constant such as eye or vector(c) is not determined here: nothing around it fixes it");
    throw InputError(fmt::format("the size {} is not known: give a value for a variable of size {}", name, name));
}

std::string describe_dims(Index r, Index c) { return fmt::format("{}×{}", r, c); }

std::int64_t known_size(const SizeTable& sizes, Dim d, const Env& env) {
    try {
        return concrete_dim(sizes, d, env);
    } catch (const InputError&) {
        return 0;
    }
}

std::pair<Index, Index> concrete_shape(const Context& cx, Expr e, const Env& env) {
    Shape s = cx.shape(e);
    return {concrete_dim(cx.sizes(), s.rows, env), concrete_dim(cx.sizes(), s.cols, env)};
}

void require_values(const Model& model, Expr e, const Env& env) {
    const Context& cx = model.cx();
    Expr roots[1] = {e};
    std::vector<Expr> nodes = reachable(cx, roots);
    for (Expr n : nodes) {
        if (n->op->kind != Kind::Variable || env.values.count(n->name)) continue;
        const Symbol* s = model.find(n->name);
        std::optional<SourceRange> where;
        if (s) where = s->range;
        throw InputError(fmt::format("no value for '{}'", n->name), where,
                         {fmt::format("give it in the values file (--at), e.g. {{\"{}\": ...}}", n->name)});
    }
    for (Expr n : nodes) {
        auto [r, c] = concrete_shape(cx, n, env);
        if (n->op->kind == Kind::Variable) {
            const MatrixXd& v = env.values.at(n->name);
            if (v.rows() != r || v.cols() != c)
                throw InputError(fmt::format("the value of '{}' is {}, but '{}' is {} here", n->name,
                                             describe_dims(v.rows(), v.cols()), n->name, describe_dims(r, c)));
        }
    }
}

MatrixXd evaluate(const Context& cx, Expr e, const Env& env) {
    Expr roots[1] = {e};
    Evaluator ev(cx, roots, env);
    ev.run(env);
    return ev.value(0);
}

MatrixXd evaluate(const Context& cx, Expr e, const Env& env, Precision precision) {
    if (precision == Precision::Float64) return evaluate(cx, e, env);
    Expr roots[1] = {e};
    Evaluator32 ev(cx, roots, env);
    ev.run(env);
    return ev.value(0).cast<double>();
}

std::vector<MatrixXd> evaluate_all(const Context& cx, std::span<const Expr> es, const Env& env) {
    Evaluator ev(cx, es, env);
    ev.run(env);
    std::vector<MatrixXd> out;
    out.reserve(es.size());
    for (std::size_t i = 0; i < es.size(); ++i) out.push_back(ev.value(i));
    return out;
}

// ---------------------------------------------------------------- JSON output

namespace {

enum class Form { Number, List, Rows };

void write_form(json::Writer& out, const MatrixXd& m, Form form) {
    switch (form) {
    case Form::Number:
        out.number(m(0, 0));
        return;
    case Form::List:
        out.begin_array();
        for (Index i = 0; i < m.size(); ++i) out.number(m.data()[i]);  // one row or one column
        out.end_array();
        return;
    case Form::Rows:
        write_rows(out, m);
        return;
    }
}

}  // namespace

void write_rows(json::Writer& out, const MatrixXd& m) {
    out.begin_array();
    for (Index r = 0; r < m.rows(); ++r) {
        out.begin_array();
        for (Index c = 0; c < m.cols(); ++c) out.number(m(r, c));
        out.end_array();
    }
    out.end_array();
}

void write_value(json::Writer& out, const MatrixXd& m, const SizeTable& sizes, Shape symbolic) {
    Form form = Form::Rows;
    if (sizes.is_scalar(symbolic)) form = m.size() == 1 ? Form::Number : Form::List;
    else if (sizes.is_one(symbolic.rows) || sizes.is_one(symbolic.cols)) form = Form::List;
    if (form == Form::List && m.rows() != 1 && m.cols() != 1) form = Form::Rows;
    write_form(out, m, form);
}

void write_value(json::Writer& out, const MatrixXd& m) {
    Form form = m.size() == 1 ? Form::Number : (m.rows() == 1 || m.cols() == 1) ? Form::List : Form::Rows;
    write_form(out, m, form);
}

std::vector<double> vec_order(const MatrixXd& m) { return std::vector<double>(m.data(), m.data() + m.size()); }

std::string value_json(const MatrixXd& m) {
    json::Writer out;
    write_value(out, m);
    return out.str();
}

}  // namespace matcalc
