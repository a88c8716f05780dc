// What the code generators of every language share (codegen_common.hpp): the model's
// function and its derivatives simplified into one DAG, its nodes in topological order,
// the arguments and their sizes (read from the arguments and checked), temporaries named
// after the model's definitions, and the factors that are applied, never formed.
#include "codegen_common.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc {

namespace codegen_detail {

namespace {

// A comment longer than this prints the temporaries by name instead (a derivative
// printed as a tree can be much longer than its DAG).
constexpr std::size_t kCommentLength = 100;
// Up to this many nodes, a statement's comment is its formula in the model's names where
// that is short (`# z = W x + b`); beyond, in the statements' names (`# t9 = t7 t8`).
constexpr std::size_t kFullCommentsUpTo = 4000;

}  // namespace

std::string Generator::fresh(const std::string& base) {
    std::string name = base;
    for (int k = 2; taken_.count(name); ++k) name = fmt::format("{}_{}", base, k);
    taken_.insert(name);
    return name;
}

std::string Generator::dim(Dim d) const {
    d = z_.resolve(d);
    if (!is_symbol(d)) return std::to_string(d);
    auto join = [&](const std::vector<Dim>& parts, const char* op) {
        std::string s;
        for (Dim p : parts) s += (s.empty() ? "" : op) + dim(p);
        return "(" + s + ")";
    };
    if (!z_.factors(d).empty()) return join(z_.factors(d), " * ");
    if (!z_.terms(d).empty()) return join(z_.terms(d), " + ");
    if (auto it = size_names_.find(d); it != size_names_.end()) {
        used_sizes_.insert(d);
        return it->second;
    }
    throw InputError(fmt::format("codegen: the size {} is not fixed by any argument of the function", z_.name(d)),
                     std::nullopt, {"declare a variable of that size that the function uses"});
}

const std::string& Generator::text(Expr e) const {
    if (text_[e->id].empty()) throw std::logic_error("codegen: a node used before it is computed");
    return text_[e->id];
}

bool Generator::implicit(Expr e) const {
    Kind k = e->op->kind;
    return (k == Kind::Diag || k == Kind::Identity) && !dense_[e->id];
}

const Generator::Param* Generator::param_of(Expr e) const {
    auto it = param_index_.find(e);
    return it == param_index_.end() ? nullptr : &params_[it->second];
}

std::string Generator::comment(Expr e, const std::string& shown) {
    PrintOptions po;
    po.style = Style::Unicode;
    // Printing stops just past the length a comment may have: a shared DAG can print as a
    // huge tree, and the work of a cut print grows with where it is cut (one comment per
    // statement: a generous cut made a long chain's code quadratic).
    po.max_length = kCommentLength + 1;
    // The node itself is printed as its formula, not as its own name.
    auto own = names_.extract(e);
    po.names = &names_;
    std::string formula = statement_names_only_ ? std::string() : print(cx_, e, po);
    if (statement_names_only_ || formula.size() > kCommentLength) {  // too long: with every statement's name
        po.names = &computed_;
        po.max_length = 4 * kCommentLength;
        formula = print(cx_, e, po);
    }
    if (!own.empty()) names_.insert(std::move(own));
    return std::string(comment_mark()) + " " + shown + " = " + formula;
}

std::string Generator::what() const {
    std::string list;
    for (const Symbol* s : wrt_) list += (list.empty() ? "" : ", ") + s->name;
    return fmt::format("{} and its {} with respect to {}", f_.name,
                       !scalar_f_ ? "Jacobians" : options_.hessian ? "gradients and Hessians" : "gradients", list);
}

std::string Generator::size_checks(std::string_view join, const std::function<std::string(const Extent&)>& condition,
                                   const std::function<std::string(const Param&, const std::string&)>& statement) const {
    std::string out;
    for (std::size_t i = 0; i < checks_.size();) {
        const Param* p = checks_[i].param;
        std::string conditions;
        for (; i < checks_.size() && checks_[i].param == p; ++i)
            conditions += (conditions.empty() ? "" : std::string(join)) + condition(checks_[i]);
        out += statement(*p, conditions);
    }
    return out;
}

// Size symbols from the arguments' extents (the first extent of each), and the other
// extents checked against their sizes (which marks the sizes they use as used).
void Generator::bind_sizes() {
    std::vector<Extent> extents;
    for (const Param& p : params_) {
        if (p.symbol->type == ast::TypeSpec::Kind::Scalar) continue;
        Shape s = cx_.shape(p.symbol->expr);
        extents.push_back({&p, 0, z_.resolve(s.rows)});
        if (p.symbol->type == ast::TypeSpec::Kind::Matrix) extents.push_back({&p, 1, z_.resolve(s.cols)});
    }
    for (const Extent& x : extents) {
        const bool binds = is_symbol(x.size) && z_.factors(x.size).empty() && z_.terms(x.size).empty() &&
                           !size_names_.count(x.size);
        if (binds) {
            size_names_[x.size] = fresh(identifier(z_.name(x.size)));
            bindings_.push_back(x);
        } else {
            checks_.push_back(x);
        }
    }
    for (const Extent& x : checks_) dim(x.size);
}

// Which diagonal and identity matrices are formed: those used other than as a factor of
// a product, and the second of two such factors (as the evaluator decides).
void Generator::find_implicit(const std::vector<Expr>& order) {
    dense_.assign(cx_.node_count(), 0);
    for (Expr r : roots_) dense_[r->id] = 1;
    auto factor = [](Expr e) { return e->op->kind == Kind::Diag || e->op->kind == Kind::Identity; };
    for (Expr e : order) {
        bool product = e->op->kind == Kind::MatMul;
        for (Expr a : e->args)
            if (!product) dense_[a->id] = 1;
        if (product && factor(e->args[0]) && factor(e->args[1])) dense_[e->args[1]->id] = 1;
    }
}

std::string Generator::run(const std::vector<std::string>& wrt) {
    if (wrt.empty()) throw InputError("codegen needs --wrt VAR");
    for (const std::string& w : wrt) {
        const Symbol* sym = model_.find(w);
        if (!sym) throw InputError(fmt::format("codegen: --wrt {}: the model has no symbol named '{}'", w, w));
        if (sym->kind != Symbol::Kind::Declared)
            throw InputError(fmt::format("codegen: --wrt {}: '{}' is a definition; codegen differentiates with "
                                         "respect to the model's declared variables only", w, w),
                             sym->range, {"derive --wrt takes a definition (∂L/∂z holds what is upstream of z fixed)"});
        if (std::find(wrt_.begin(), wrt_.end(), sym) != wrt_.end())
            throw InputError(fmt::format("codegen: --wrt {} is given twice", w));
        wrt_.push_back(sym);
    }
    // The derivatives as derive takes them: gradients from one reverse sweep (scalar f),
    // Jacobians in numerator layout (vector f), simplified with the names kept whole.
    Simplifier simplify(cx_);
    if (!options_.expand) names_ = name_definitions(simplify, model_.definitions(&f_));
    const Expr f = f_.expr;
    scalar_f_ = scalar(f);
    if (options_.hessian && scalar_f_) check_hessian_size(cx_, f);  // before any derivative
    roots_ = {simplify(f)};
    try {
        std::vector<Expr> xs;
        for (const Symbol* s : wrt_) xs.push_back(s->expr);
        if (scalar_f_) {
            for (Expr g : gradients(cx_, f, xs)) roots_.push_back(simplify(g));
        } else {
            for (const Symbol* s : wrt_)
                roots_.push_back(simplify(derivative(cx_, f, s->expr, Layout::Numerator,
                                                     s->type == ast::TypeSpec::Kind::Matrix)));
        }
        if (options_.hessian) {
            if (!scalar_f_)
                throw InputError(fmt::format("codegen --hessian needs a scalar function; {} is a {}", f_.name,
                                             z_.describe(cx_.shape(f))));
            // The Jacobian of the simplified gradient, as derive --hessian takes it.
            for (std::size_t i = 0; i < wrt_.size(); ++i)
                roots_.push_back(simplify(hessian(cx_, f, wrt_[i]->expr, roots_[i + 1])));
        }
    } catch (const UnsupportedDerivative& e) {
        throw InputError(fmt::format("codegen: the derivatives of {}: {}", f_.name, e.what()));
    } catch (const std::overflow_error& e) {
        throw InputError(fmt::format("codegen: the derivatives of {}: the sizes are too large ({})", f_.name, e.what()));
    }

    // The arguments: the variables the function depends on and the --wrt ones, in the
    // model's order.
    fid_ = identifier(f_.name);
    for (const std::string& name : reserved()) taken_.insert(name);
    for (const Symbol& sym : model_.symbols()) {
        if (sym.kind != Symbol::Kind::Declared) continue;
        bool wanted = std::find(wrt_.begin(), wrt_.end(), &sym) != wrt_.end();
        if (!wanted && !depends_on(f, sym.expr)) continue;
        param_index_[sym.expr] = params_.size();
        params_.push_back({&sym, fresh(identifier(sym.name))});
    }
    bind_sizes();

    const std::vector<Expr> order = reachable(cx_, roots_);
    // A long program's comments name every statement: each then prints in constant time.
    statement_names_only_ = order.size() > kFullCommentsUpTo;
    text_.assign(cx_.node_count(), {});
    find_implicit(order);
    for (const Param& p : params_)
        if (std::find(order.begin(), order.end(), p.symbol->expr) == order.end()) unused_.push_back(&p);

    // One statement per computed node, in topological order.
    int temporaries = 0;
    for (Expr e : order) {
        if (implicit(e)) {
            text_[e->id] = implicit_text(e);  // applied by the products that use it
            continue;
        }
        if (std::string t = leaf(e); !t.empty() || e->op->kind == Kind::Variable) {
            text_[e->id] = t;
            continue;
        }
        std::string base, shown;
        if (auto it = names_.find(e); it != names_.end()) {
            base = identifier(it->second), shown = it->second;
        } else if (e == roots_[0]) {
            base = fid_, shown = f_.name;
        } else if (auto r = std::find(roots_.begin() + 1, roots_.end(), e); r != roots_.end()) {
            // d_<var> for the derivatives, then h_<var> for the Hessians (--hessian).
            const std::size_t i = static_cast<std::size_t>(r - roots_.begin() - 1);
            base = (i < wrt_.size() ? "d_" : "h_") + param_of(wrt_[i % wrt_.size()]).id;
        } else {
            do base = fmt::format("t{}", ++temporaries);
            while (taken_.count(base));
        }
        const std::string name = fresh(base);
        if (shown.empty()) shown = name;
        line(comment(e, shown));
        emit(e, name);
        text_[e->id] = name;
        computed_[e] = shown;
    }
    return file();
}

}  // namespace codegen_detail

}  // namespace matcalc
