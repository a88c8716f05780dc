// From syntax tree to DAG: names resolved in order (a definition may use earlier names
// only), spellings resolved through the operation table, shapes checked and sizes
// unified; every problem becomes an InputError pointing at the offending text.
#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/core/pattern.hpp"
#include "matcalc/frontend/prelude.hpp"
#include "matcalc/frontend/parser.hpp"

namespace matcalc {

namespace {

class Binder {
public:
    Binder(Model& model, const BindOptions& options) : m_(model), cx_(model.cx()), options_(options) {}

    void statement(const ast::Statement& s) {
        if (auto* d = std::get_if<ast::Declaration>(&s)) declaration(*d);
        else definition(std::get<ast::Definition>(s));
    }

    Expr expr(const ast::Expr& e, int depth = 0) {
        if (depth > 10000) throw InputError("expression nested too deeply", e.range);
        switch (e.kind) {
        case ast::ExprKind::Number:
            if (!std::isfinite(e.number)) throw InputError("number out of range", e.range);
            return cx_.constant(e.number);
        case ast::ExprKind::Name:
            return name(e);
        case ast::ExprKind::Call:
            return call(e, depth);
        case ast::ExprKind::Unary: {
            Expr a = expr(e.args.at(0), depth + 1);
            if (e.text == "+") return a;
            return guarded(e, [&] { return cx_.neg(a); });
        }
        case ast::ExprKind::Binary: {
            Expr a = expr(e.args.at(0), depth + 1), b = expr(e.args.at(1), depth + 1);
            if (e.text == "*") return guarded(e, [&] { return cx_.times(a, b); });
            const OpInfo* op = find_operator(e.text, Notation::Infix);
            if (!op) throw InputError(fmt::format("unknown operator '{}'", e.text), e.op_range);
            return guarded(e, [&] { Expr ab[2] = {a, b}; return cx_.apply(*op, ab); });
        }
        case ast::ExprKind::Transpose: {
            Expr a = expr(e.args.at(0), depth + 1);
            return cx_.transpose(a);
        }
        case ast::ExprKind::Matrix: {
            std::vector<Expr> blocks;
            std::size_t width = e.rows.empty() ? 0 : e.rows[0].size();
            for (const auto& row : e.rows) {
                if (row.size() != width)
                    throw InputError(fmt::format("every row of a matrix literal needs {} entries, this one has {}",
                                                 width, row.size()),
                                     row.empty() ? e.range : SourceRange{row.front().range.begin, row.back().range.end});
                for (const auto& item : row) blocks.push_back(expr(item, depth + 1));
            }
            if (blocks.empty()) throw InputError("empty matrix literal", e.range);
            return guarded(e, [&] { return cx_.stack(blocks, static_cast<int>(width)); }, e.range);
        }
        }
        throw InputError("unsupported expression", e.range);
    }

private:
    std::string text_of(SourceRange r) const {
        const std::string& t = m_.source().text;
        if (r.begin >= t.size() || r.end > t.size() || r.end <= r.begin) return "…";
        return t.substr(r.begin, r.end - r.begin);
    }

    template <class F>
    Expr guarded(const ast::Expr& e, F&& build, std::optional<SourceRange> where = std::nullopt) {
        try {
            return build();
        } catch (const ShapeError& err) {
            std::vector<std::string> notes;
            for (const std::string& n : err.notes) {
                if (n == "vector-product" && e.args.size() == 2) {
                    std::string a = text_of(e.args[0].range), b = text_of(e.args[1].range);
                    notes.push_back(fmt::format("did you mean {0}·{1} (inner product), {0} ⊙ {1} (elementwise) or {0} * {1}' (outer product)?", a, b));
                } else {
                    notes.push_back(n);
                }
            }
            SourceRange at = where ? *where : (e.op_range.end > e.op_range.begin ? e.op_range : e.range);
            throw InputError(err.what(), at, notes);
        } catch (const std::overflow_error& err) {  // a size product or sum beyond 2^40
            throw InputError(fmt::format("the sizes here are too large ({})", err.what()), e.range);
        }
    }

    std::vector<std::string> known_names() const {
        std::vector<std::string> names;
        for (const Symbol& s : m_.symbols()) names.push_back(s.name);
        return names;
    }

    Expr name(const ast::Expr& e) {
        if (const Symbol* s = m_.find(e.text)) return s->expr;
        if (Dim d = cx_.sizes().find(e.text)) return cx_.size(d);
        const OpInfo* f = find_function(e.text);
        if (f && f->id == Op::Eye) return cx_.identity(cx_.sizes().fresh());  // sized by context
        if (f)
            throw InputError(fmt::format("'{}' is a function: write {}(...)", e.text, e.text), e.range);
        throw InputError(fmt::format("unknown name '{}'", e.text), e.range, did_you_mean(e.text, known_names()));
    }

    Dim size_argument(const ast::Expr& a) {
        if (a.kind == ast::ExprKind::Number) {
            if (a.number < 1 || a.number != std::floor(a.number))
                throw InputError("a size must be a positive integer", a.range);
            if (a.number > 1e9) throw InputError("size is too large (the largest size is 1000000000)", a.range);
            return static_cast<Dim>(a.number);
        }
        if (a.kind == ast::ExprKind::Name) {
            if (Dim d = cx_.sizes().find(a.text)) return d;
            throw InputError(fmt::format("unknown size '{}'", a.text), a.range);
        }
        throw InputError("a size must be a positive integer or a size name such as n", a.range);
    }

    double constant_argument(const ast::Expr& a, int depth) {
        Expr v = expr(a, depth + 1);
        if (v->op->kind != Kind::Constant || !cx_.is_scalar(v))
            throw InputError("expected a number here", a.range);
        return v->value;
    }

    Expr call(const ast::Expr& e, int depth) {
        const std::string& f = e.text;
        std::size_t n = e.args.size();
        auto arity = [&](std::size_t lo, std::size_t hi) {
            if (n < lo || n > hi)
                throw InputError(fmt::format("{} takes {} argument{}, not {}", f,
                                             lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi),
                                             hi == 1 ? "" : "s", n),
                                 e.range);
        };
        const OpInfo* op = find_function(f);
        if (op && op->id == Op::Constant) {
            // The constant row's spellings: ones(n), zeros(m, n) with their sizes;
            // vector(c), matrix(c) with a value, sized by context.
            if (f == "ones" || f == "zeros") {
                arity(1, 2);
                Dim r = size_argument(e.args[0]);
                Dim c = n == 2 ? size_argument(e.args[1]) : 1;
                return cx_.constant(f == "ones" ? 1.0 : 0.0, Shape{r, c});
            }
            arity(1, 1);
            double c = constant_argument(e.args[0], depth);
            Dim rows = cx_.sizes().fresh();
            Dim cols = f == "vector" ? 1 : cx_.sizes().fresh();
            return cx_.constant(c, Shape{rows, cols});
        }
        if (op && op->id == Op::Eye) {
            arity(0, 1);
            return cx_.identity(n ? size_argument(e.args[0]) : cx_.sizes().fresh());
        }
        if (!op) {
            if (const PreludeFunction* pf = find_prelude_function(f)) {
                // A function of the prelude: its body with the parameters bound to the arguments.
                arity(pf->parameters.size(), pf->parameters.size());
                std::vector<Expr> args;
                for (const auto& a : e.args) args.push_back(expr(a, depth + 1));
                return guarded(e, [&] { return instantiate(cx_, pf->pattern, args); }, e.range);
            }
            std::vector<std::string> names;
            for (const OpInfo& o : op_table())
                for (std::string_view s : o.call_names) names.emplace_back(s);
            for (const PreludeFunction& pf : prelude()) names.push_back(pf.name);
            throw InputError(fmt::format("unknown function '{}'", f), e.op_range, did_you_mean(f, names));
        }
        arity(static_cast<std::size_t>(std::max(op->min_args, 1)), static_cast<std::size_t>(op->max_args));
        if (op->axis_argument && n == 2) check_axis(e.args[1], f);
        std::vector<Expr> args;
        for (const auto& a : e.args) args.push_back(expr(a, depth + 1));
        if (op->kind == Kind::Softmax && n == 1 && cx_.sizes().is_matrix(cx_.shape(args[0]))) {
            // Which way should a matrix sum to 1? The hint in the model's own words.
            const std::string z = text_of(e.args[0].range);
            throw InputError(fmt::format("{} of a {} needs an axis", f, cx_.sizes().describe(cx_.shape(args[0]))), e.range,
                             {fmt::format("write {0}({1}, 1) for each column (as PyTorch's dim=0) or {0}({1}, 2) for each row (dim=1)", f, z)});
        }
        return guarded(e, [&] { return cx_.apply(*op, args); }, e.range);
    }

    // sum(X, k), softmax(Z, k), ...: the axis is the literal 1 or 2, as MATLAB's dim (a
    // value would make the result's shape depend on it).
    void check_axis(const ast::Expr& a, const std::string& f) {
        std::vector<std::string> hint{fmt::format("write {0}(X, 1) to work down each column or {0}(X, 2) along each row", f)};
        if (a.kind != ast::ExprKind::Number)
            throw InputError(fmt::format("the axis of {} must be the number 1 or 2, not '{}'", f, text_of(a.range)), a.range, hint);
        if (a.number != 1 && a.number != 2)
            throw InputError(fmt::format("the axis of {} must be 1 or 2, not {}", f, text_of(a.range)), a.range, hint);
    }

    void check_new_name(const ast::NameRef& n) {
        if (const Symbol* s = m_.find(n.name)) {
            LineColumn lc = line_column(m_.source().text, s->range.begin);
            throw InputError(fmt::format("'{}' is already {} at line {}", n.name,
                                         s->kind == Symbol::Kind::Declared ? "declared" : "defined", lc.line),
                             n.range);
        }
        if (find_function(n.name) || find_prelude_function(n.name))
            throw InputError(fmt::format("'{}' is the name of a function", n.name), n.range);
    }

    Shape shape_of(const ast::TypeSpec& t) {
        auto dim = [&](const ast::Size& s) -> Dim {
            if (s.symbol.empty()) {
                if (s.value < 1) throw InputError("a size must be a positive integer", s.range);
                if (s.value > 1000000000)
                    throw InputError("size is too large (the largest size is 1000000000)", s.range);
                return s.value;
            }
            if (m_.find(s.symbol))
                throw InputError(fmt::format("'{}' names a variable, not a size", s.symbol), s.range);
            return cx_.sizes().symbol(s.symbol);
        };
        switch (t.kind) {
        case ast::TypeSpec::Kind::Scalar: return kScalarShape;
        case ast::TypeSpec::Kind::Vector: return Shape{dim(t.sizes.at(0)), 1};
        case ast::TypeSpec::Kind::Matrix: return Shape{dim(t.sizes.at(0)), dim(t.sizes.at(1))};
        }
        return kScalarShape;
    }

    void declaration(const ast::Declaration& d) {
        Shape shape = shape_of(d.type);
        for (const ast::NameRef& n : d.names) {
            check_new_name(n);
            if (cx_.sizes().find(n.name))
                throw InputError(fmt::format("'{}' already names a size", n.name), n.range);
            Symbol s;
            s.kind = Symbol::Kind::Declared;
            s.name = n.name;
            s.role = d.role;
            s.declared_shape = shape;
            s.type = d.type.kind;
            s.range = n.range;
            s.expr = cx_.variable(n.name, shape);
            s.initial_value = d.initial_value;
            s.initializer = d.initializer;
            if (d.initial_value) {
                Expr v = expr(*d.initial_value);
                if (!cx_.sizes().same(cx_.shape(v), shape) &&
                    !(cx_.sizes().unify(cx_.shape(v).rows, shape.rows) && cx_.sizes().unify(cx_.shape(v).cols, shape.cols)))
                    throw InputError(fmt::format("the initial value is a {}, but '{}' is declared {}",
                                                 cx_.sizes().describe(cx_.shape(v)), n.name,
                                                 cx_.sizes().describe(shape)),
                                     d.initial_value->range);
            }
            m_.mutable_symbols().push_back(std::move(s));
        }
    }

    void definition(const ast::Definition& d) {
        check_new_name(d.name);
        if (cx_.sizes().find(d.name.name))
            throw InputError(fmt::format("'{}' already names a size", d.name.name), d.name.range);
        Symbol s;
        s.kind = Symbol::Kind::Defined;
        s.name = d.name.name;
        s.range = d.name.range;
        s.expr = cx_.refresh(expr(d.value));
        auto& free = options_.free_definitions;
        if (std::find(free.begin(), free.end(), s.name) != free.end()) {
            // Cut here: later definitions see a variable standing for this quantity.
            s.kind = Symbol::Kind::Declared;
            s.declared_shape = cx_.shape(s.expr);
            s.type = cx_.sizes().is_scalar(s.declared_shape)   ? ast::TypeSpec::Kind::Scalar
                     : cx_.sizes().is_matrix(s.declared_shape) ? ast::TypeSpec::Kind::Matrix
                                                                : ast::TypeSpec::Kind::Vector;
            s.cut_from = s.expr;
            s.expr = cx_.variable(s.name, s.declared_shape);
        }
        m_.mutable_symbols().push_back(std::move(s));
    }

    Model& m_;
    Context& cx_;
    const BindOptions& options_;
};

}  // namespace

const Symbol* Model::find(std::string_view name) const {
    // Symbols are only appended (names are unique): index the new ones.
    if (indexed_ > symbols_.size()) by_name_.clear(), indexed_ = 0;
    for (; indexed_ < symbols_.size(); ++indexed_) by_name_.emplace(symbols_[indexed_].name, indexed_);
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : &symbols_[it->second];
}

std::vector<NamedExpr> Model::definitions(const Symbol* except) const {
    std::vector<NamedExpr> out;
    for (const Symbol& s : symbols_)
        if (s.kind == Symbol::Kind::Defined && &s != except) out.push_back({s.name, s.expr});
    return out;
}

const Symbol& Model::function(const std::optional<std::string>& of) const {
    if (of) {
        const Symbol* s = find(*of);
        if (!s) throw InputError(fmt::format("--of {}: the model has no definition named '{}'", *of, *of));
        return *s;
    }
    for (auto it = symbols_.rbegin(); it != symbols_.rend(); ++it)
        if (it->kind == Symbol::Kind::Defined) return *it;
    throw InputError("the model defines no function (write a definition such as f = w·x + b)");
}

Expr Model::bind_expression(std::string_view text) {
    Source src{source_.name, std::string("__expression__ = ") + std::string(text)};
    ast::Program p = parse_program(src);
    if (p.statements.size() != 1 || !std::holds_alternative<ast::Definition>(p.statements[0]))
        throw InputError("expected one expression");
    // Bind against this model's symbols and context; positions refer to `src`.
    Source saved = std::exchange(source_, src);
    try {
        BindOptions none;
        Binder b(*this, none);
        Expr e = cx_->refresh(b.expr(std::get<ast::Definition>(p.statements[0]).value));
        source_ = std::move(saved);
        return e;
    } catch (...) {
        source_ = std::move(saved);
        throw;
    }
}

Model bind_program(const Source& source, const ast::Program& program, const BindOptions& options) {
    Model model(source, std::make_unique<Context>());
    Binder binder(model, options);
    for (const ast::Statement& s : program.statements) binder.statement(s);
    for (const std::string& name : options.free_definitions)
        if (!model.find(name)) throw InputError(fmt::format("--wrt {}: the model has no symbol named '{}'", name, name));
    return model;
}

Model load_model(const Source& source, const BindOptions& options) {
    return bind_program(source, parse_program(source), options);
}

}  // namespace matcalc
