// The values' side of evaluation that knows the model and JSON: the check that every
// variable a formula needs has a value of the right shape, and values written as JSON in
// the values format (numbers, flat lists, lists of rows).
#include <optional>

#include <fmt/format.h>

#include "eval_internal.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/values.hpp"

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

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
