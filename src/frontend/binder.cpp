// The binder (binder.hpp), its statements: declarations, definitions and functions of the
// model, names (and --infer's assumptions), sizes and types; then the Model's own lookups
// and load_model, whose hint for an unknown name proposes its declaration. Expressions
// are in binder_expressions.cpp.
#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/core/pattern.hpp"
#include "matcalc/frontend/prelude.hpp"
#include "matcalc/frontend/parser.hpp"
#include "binder.hpp"

namespace matcalc {

namespace binding {

void Binder::statement(const ast::Statement& s) {
    if (auto* d = std::get_if<ast::Declaration>(&s)) declaration(*d);
    else definition(std::get<ast::Definition>(s));
}

std::string Binder::text_of(SourceRange r) const {
    const std::string& t = m_.source().text;
    if (r.begin >= t.size() || r.end > t.size() || r.end <= r.begin) return "…";
    return t.substr(r.begin, r.end - r.begin);
}

std::vector<std::string> Binder::known_names() const {
    std::vector<std::string> names;
    for (const Symbol& s : m_.symbols()) names.push_back(s.name);
    return names;
}

Expr Binder::name(const ast::Expr& e) {
    if (!scopes_.empty())  // a parameter of the model's function being expanded
        if (auto it = scopes_.back().find(e.text); it != scopes_.back().end()) return it->second;
    if (const Symbol* s = m_.find(e.text)) return s->expr;
    if (Dim d = cx_.sizes().find(e.text)) return cx_.size(d);
    // Constants by their textbook names, where the model does not use the name.
    if (e.text == "π" || e.text == "pi") return cx_.constant(M_PI);
    if (e.text == "e") return cx_.constant(M_E);
    // The identity as matcalc prints it (and textbooks write it), sized by context.
    if (e.text == "I") return cx_.identity(cx_.sizes().fresh());
    if (e.text == "𝟏") return cx_.ones(Shape{cx_.sizes().fresh(), 1});  // the ones vector, sized by context
    if (e.text == "⊤" || e.text == "T")
        throw InputError(fmt::format("'{}' stands for the transpose only as an exponent", e.text), e.range,
                         {"write x^T, x' or xᵀ"});
    if (options_.infer && !find_function(e.text) && !find_prelude_function(e.text)) return assume(e);
    const OpInfo* f = find_function(e.text);
    if (f && f->id == Op::Eye) return cx_.identity(cx_.sizes().fresh());  // sized by context
    if (f)
        throw InputError(fmt::format("'{}' is a function: write {}(...)", e.text, e.text), e.range);
    throw UnknownName(e.text, fmt::format("unknown name '{}'", e.text), e.range, did_you_mean(e.text, known_names()));
}

Expr Binder::assume(const ast::Expr& e) {
    const std::string& n = e.text;
    const char c = n[0];
    Shape shape = kScalarShape;
    ast::TypeSpec::Kind type = ast::TypeSpec::Kind::Scalar;
    if (c >= 'h' && c <= 'z') {
        shape = Shape{cx_.sizes().fresh(), 1};
        type = ast::TypeSpec::Kind::Vector;
    } else if (c >= 'A' && c <= 'Z') {
        shape = Shape{cx_.sizes().fresh(), cx_.sizes().fresh()};
        type = ast::TypeSpec::Kind::Matrix;
    }
    Symbol s;
    s.kind = Symbol::Kind::Declared;
    s.name = n;
    s.declared_shape = shape;
    s.type = type;
    s.range = e.range;
    s.expr = cx_.variable(n, shape);
    m_.mutable_symbols().push_back(std::move(s));
    assumed_.push_back(n);
    return m_.mutable_symbols().back().expr;
}

void Binder::name_assumed_sizes() {
    if (assumed_.empty()) return;
    SizeTable& z = cx_.sizes();
    const char* candidates[] = {"n", "m", "k", "p", "q", "r", "d", "l", "s", "t", "u", "v"};
    std::size_t next = 0;
    auto give_name = [&](Dim d) {
        for (; next < std::size(candidates); ++next)
            if (!m_.find(candidates[next]) && z.name_flexible(d, candidates[next])) return;
        for (int i = 1; i < 1000; ++i)
            if (z.name_flexible(d, fmt::format("n{}", i))) return;
    };
    for (const std::string& n : assumed_) {
        const Symbol* s = m_.find(n);
        Shape sh = z.resolve(s->declared_shape);
        if (is_symbol(sh.rows) && z.name(sh.rows).starts_with("?")) give_name(sh.rows);
        if (is_symbol(z.resolve(sh.cols)) && z.name(sh.cols).starts_with("?")) give_name(sh.cols);
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // type text, names
    for (const std::string& n : assumed_) {
        Shape sh = m_.find(n)->declared_shape;
        std::string type = z.is_scalar(sh)   ? "scalar"
                           : z.is_vector(sh) ? fmt::format("vector({})", z.name(sh.rows))
                                             : fmt::format("matrix({}, {})", z.name(sh.rows), z.name(sh.cols));
        auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == type; });
        if (g == groups.end()) groups.push_back({type, {n}});
        else g->second.push_back(n);
    }
    for (const auto& [type, names] : groups) {
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
        m_.mutable_assumed().push_back(list + " : " + type);
    }
}

Dim Binder::size_argument(const ast::Expr& a) {
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
    // Sums and products of sizes, as the printers write the sizes of vec and Kronecker
    // forms (`zeros(m*n, m*n)`, `eye(n + 1)`).
    if (a.kind == ast::ExprKind::Binary && (a.text == "*" || a.text == "+")) {
        Dim l = size_argument(a.args[0]), r = size_argument(a.args[1]);
        SizeTable& z = cx_.sizes();
        Dim total = 0;
        try {
            total = a.text == "*" ? z.product(l, r) : z.sum(l, r);
        } catch (const std::overflow_error&) {
            throw InputError("size is too large (the largest size is 1000000000)", a.range);
        }
        if (!is_symbol(total) && total > 1000000000)
            throw InputError("size is too large (the largest size is 1000000000)", a.range);
        return total;
    }
    throw InputError("a size must be a positive integer or a size name such as n", a.range);
}

void Binder::function_definition(const ast::Definition& d) {
    check_new_name(d.name);
    if (functions_.count(d.name.name))
        throw InputError(fmt::format("the function '{}' is already defined", d.name.name), d.name.range);
    for (std::size_t i = 0; i < d.parameters.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (d.parameters[i].name == d.parameters[j].name)
                throw InputError(fmt::format("the parameter '{}' is named twice", d.parameters[i].name),
                                 d.parameters[i].range);
    // Bound once at its definition with parameters of unknown shape, to report errors
    // in the body where it is written (and a call of itself), not at every call.
    std::unordered_map<std::string, Expr> scope;
    for (const ast::NameRef& p : d.parameters)
        scope[p.name] = cx_.variable(p.name, Shape{cx_.sizes().fresh(), cx_.sizes().fresh()});
    scopes_.push_back(std::move(scope));
    expanding_.insert(d.name.name);
    try {
        expr(d.value);
    } catch (const InputError& err) {
        scopes_.pop_back();
        expanding_.erase(d.name.name);
        // A shape problem may depend on the arguments' shapes: those are checked at calls.
        if (dynamic_cast<const UnknownName*>(&err) || dynamic_cast<const RecursiveCall*>(&err)) throw;
        functions_[d.name.name] = {&d};
        return;
    }
    scopes_.pop_back();
    expanding_.erase(d.name.name);
    functions_[d.name.name] = {&d};
}

void Binder::check_new_name(const ast::NameRef& n) {
    if (const Symbol* s = m_.find(n.name)) {
        LineColumn lc = line_column(m_.source().text, s->range.begin);
        throw InputError(fmt::format("'{}' is already {} at line {}", n.name,
                                     s->kind == Symbol::Kind::Declared ? "declared" : "defined", lc.line),
                         n.range);
    }
    if (find_function(n.name) || find_prelude_function(n.name) || functions_.count(n.name))
        throw InputError(fmt::format("'{}' is the name of a function", n.name), n.range);
}

Shape Binder::shape_of(const ast::TypeSpec& t) {
    auto dim = [&](const ast::Size& s) -> Dim {
        if (!s.terms.empty()) {  // p + 1, 2n, m*n: sums and products of sizes
            SizeTable& z = cx_.sizes();
            Dim total = 0;
            try {
                for (const ast::SizeTerm& t : s.terms) {
                    Dim term = t.coefficient;
                    for (const std::string& name : t.symbols) {
                        if (m_.find(name))
                            throw InputError(fmt::format("'{}' names a variable, not a size", name), s.range);
                        term = z.product(term, z.symbol(name));
                    }
                    total = total == 0 ? term : z.sum(total, term);
                }
            } catch (const std::overflow_error&) {
                throw InputError("size is too large (the largest size is 1000000000)", s.range);
            }
            if (!is_symbol(total) && total > 1000000000)
                throw InputError("size is too large (the largest size is 1000000000)", s.range);
            return total;
        }
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

void Binder::declaration(const ast::Declaration& d) {
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

void Binder::definition(const ast::Definition& d) {
    if (!d.parameters.empty()) return function_definition(d);
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


}  // namespace binding

using binding::Binder;

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

Expr Model::bind_expression(const Source& text) {
    ast::Expr parsed = parse_expression(text);
    // Positions in errors refer to `text` (`--claim:1:7: error: ...`), not to the model.
    Source saved = std::exchange(source_, text);
    try {
        BindOptions none;
        Binder b(*this, none);
        Expr e = cx_->refresh(b.expr(parsed));
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
    model.mutable_symbols().reserve(program.statements.size());  // each a Symbol, or more
    for (const ast::Statement& s : program.statements) binder.statement(s);
    binder.name_assumed_sizes();
    for (const std::string& name : options.free_definitions)
        if (!model.find(name)) throw InputError(fmt::format("--wrt {}: the model has no symbol named '{}'", name, name));
    return model;
}

Model load_model(const Source& source, const BindOptions& options) {
    ast::Program program = parse_program(source);
    try {
        return bind_program(source, program, options);
    } catch (UnknownName& e) {
        if (options.infer) throw;
        // The hint proposes a declaration: the one --infer would assume, with the sizes
        // the name's uses imply, when the model binds that way; else by the convention.
        std::string proposal;
        try {
            BindOptions inferring = options;
            inferring.infer = true;
            Model m = bind_program(source, program, inferring);
            for (const std::string& a : m.assumed()) {
                std::size_t colon = a.find(" : ");
                std::string names = ", " + a.substr(0, colon) + ",";
                if (names.find(", " + e.name + ",") != std::string::npos) proposal = e.name + a.substr(colon);
            }
        } catch (const InputError&) {
        }
        if (proposal.empty()) {
            const char c = e.name[0];
            proposal = e.name + (c >= 'h' && c <= 'z' ? " : vector(n)" : c >= 'A' && c <= 'Z' ? " : matrix(m, n)" : " : scalar");
        }
        e.add_note(fmt::format("declare it, e.g. {} (or use --infer to assume declarations)", proposal));
        throw;
    }
}

}  // namespace matcalc
