// From syntax tree to DAG: names resolved in order (a definition may use earlier names
// only), spellings resolved through the operation table, shapes checked and sizes
// unified; every problem becomes an InputError pointing at the offending text.
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

namespace matcalc {

namespace {

// A function of the model that calls itself: reported at its definition, unlike shape
// problems of its body, which depend on the arguments and are reported at calls.
struct RecursiveCall : InputError {
    using InputError::InputError;
};

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
            if (e.text == "^" || e.text == ".^")
                if (Expr textbook = textbook_power(e, depth)) return textbook;
            if (const ast::Expr* spaced = spaced_call(e)) return call(*spaced, depth);
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
        case ast::ExprKind::Index:
            return index(e, depth);
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
    // A position in an index: a size symbol (0 for none) plus an integer, `n+1`, `3`, `n`.
    struct Position {
        Dim symbol = 0;
        long long offset = 0;
    };

    Position position(const ast::Expr& a) {
        switch (a.kind) {
        case ast::ExprKind::Number:
            if (a.number != std::floor(a.number) || a.number < -1e9 || a.number > 1e9)
                throw InputError("an index is a whole number", a.range, {"indices start at 1, as in x[1]"});
            return {0, static_cast<long long>(a.number)};
        case ast::ExprKind::Name:
            if (Dim d = cx_.sizes().find(a.text)) return {d, 0};
            throw InputError(fmt::format("'{}' is not a size: an index is a number or a size", a.text), a.range,
                             {"write x[2], x[2:4], x[n], or X[:, j] with a number j"});
        case ast::ExprKind::Binary:
            if (a.text == "+") {
                Position l = position(a.args[0]), r = position(a.args[1]);
                Dim sym = !l.symbol ? r.symbol : !r.symbol ? l.symbol : cx_.sizes().sum(l.symbol, r.symbol);
                return {sym, l.offset + r.offset};
            }
            break;
        case ast::ExprKind::Call: case ast::ExprKind::Unary: case ast::ExprKind::Transpose:
        case ast::ExprKind::Matrix: case ast::ExprKind::Index:
            break;
        }
        throw InputError("an index is a number, a size, or a sum of them", a.range, {"as in x[2], x[n], x[n+1:n+m]"});
    }

    // The first entry (from 0) and the count that one index selects along a dimension of
    // `extent` entries.
    std::pair<Dim, Dim> selection(const std::vector<ast::Expr>& item, Dim extent, const ast::Expr& e,
                                  const char* what) {
        SizeTable& z = cx_.sizes();
        if (item.empty()) return {0, extent};  // `:`
        Position first = position(item.front()), last = item.size() == 2 ? position(item.back()) : first;
        const SourceRange at{item.front().range.begin, item.back().range.end};
        if (!first.symbol && first.offset < 1)
            throw InputError("indices start at 1", at, {"as in MATLAB: x[1] is the first entry"});
        // first − 1 and last − first + 1 as sizes: sizes add but do not subtract, so the
        // symbols of `first` must be among those of `last`.
        Dim start = first.symbol ? z.sum(first.symbol, first.offset - 1) : first.offset - 1;
        if (first.symbol && first.offset < 1)
            throw InputError("this index may be before the first entry", at, {"sizes add but do not subtract: positions after a size are n+1, n+2, ... (x[n], the n-th entry, would need n − 1 entries before it)"});
        Dim count_symbol = 0;
        if (last.symbol && last.symbol != first.symbol) {
            std::vector<Dim> rest = z.terms(last.symbol).empty() ? std::vector<Dim>{last.symbol} : z.terms(last.symbol);
            if (first.symbol) {
                auto it = std::find(rest.begin(), rest.end(), z.resolve(first.symbol));
                if (it == rest.end())
                    throw InputError("the range's length is not a size (sizes add but do not subtract)", at,
                                     {"index with numbers, or from 1: x[1:n], x[n+1:n+m]"});
                rest.erase(it);
            }
            for (Dim t : rest) count_symbol = count_symbol ? z.sum(count_symbol, t) : t;
        } else if (!last.symbol && first.symbol) {
            throw InputError("the range's length is not a size (it ends before it starts, or depends on a size)", at);
        }
        const long long count_offset = last.offset - first.offset + 1;
        if (!count_symbol && count_offset < 1)
            throw InputError("the range is empty: it ends before it starts", at);
        if (count_symbol && count_offset < 0)
            throw InputError("the range's length is not a size (sizes add but do not subtract)", at,
                             {"index with numbers, or from 1: x[1:n], x[n+1:n+m]"});
        Dim count = count_symbol ? (count_offset ? z.sum(count_symbol, count_offset) : count_symbol) : count_offset;
        // Out of range where the extent is a number; else checked when values are given.
        Dim whole = z.resolve(extent);
        if (!is_symbol(whole) && !is_symbol(z.resolve(start)) && !is_symbol(z.resolve(count)) &&
            z.resolve(start) + z.resolve(count) > whole)
            throw InputError(fmt::format("index out of range: {} has {} {}", text_of(e.args.at(0).range), whole,
                                         what),
                             at, {fmt::format("indices run from 1 to {}", whole)});
        return {start, count};
    }

    Expr index(const ast::Expr& e, int depth) {
        Expr a = expr(e.args.at(0), depth + 1);
        SizeTable& z = cx_.sizes();
        Shape s = cx_.shape(a);
        const std::size_t n = e.rows.size();
        if (z.is_scalar(s)) throw InputError("a scalar has no entries to index", e.op_range);
        if (n > 2) throw InputError("at most two indices: X[i, j]", e.op_range);
        const bool one_column = z.is_one(s.cols), one_row = z.is_one(s.rows);
        if (n == 1 && !one_column && !one_row)
            throw InputError(fmt::format("a matrix takes two indices, as in {0}[i, j], {0}[:, j] or {0}[i, :]",
                                         text_of(e.args.at(0).range)),
                             e.op_range);
        std::pair<Dim, Dim> rows{0, s.rows}, cols{0, s.cols};
        if (n == 2) {
            rows = selection(e.rows[0], s.rows, e, "rows");
            cols = selection(e.rows[1], s.cols, e, "columns");
        } else if (one_column) {
            rows = selection(e.rows[0], s.rows, e, "entries");
        } else {
            cols = selection(e.rows[0], s.cols, e, "entries");
        }
        return guarded(e, [&] { return cx_.block(a, rows.first, cols.first, Shape{rows.second, cols.second}); },
                       e.range);
    }

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

    // A name the model gives a meaning (declared, defined or a size): such a name keeps
    // it, and the textbook readings of T, e and π give way.
    bool model_name(const std::string& n) const { return m_.find(n) || cx_.sizes().find(n); }

    // Powers that textbooks write for something else (docs/language.md, "Textbook
    // notation"): x^T, x^⊤ and x^{T} are the transpose, e^x is exp(x), and a superscript
    // ⁻¹ on a square matrix is its inverse (as the printers write inv(X)). nullptr for
    // an ordinary power.
    Expr textbook_power(const ast::Expr& e, int depth) {
        const ast::Expr& base = e.args.at(0);
        const ast::Expr& exponent = e.args.at(1);
        // T in parentheses is the name: x^(T) is a power.
        const std::string written = text_of(exponent.range);
        const bool transpose_mark = written == "T" || written == "{T}" || written == "⊤" || written == "{⊤}";
        if (exponent.kind == ast::ExprKind::Name && transpose_mark) {
            if (model_name(exponent.text))
                throw InputError(fmt::format("'{}' is a name of the model, so this is a power, not a transpose",
                                             exponent.text),
                                 exponent.range,
                                 {fmt::format("for the transpose write {0}' or {0}ᵀ; for the power, write {0} ^ ({1})",
                                              text_of(base.range), exponent.text)});
            Expr a = expr(base, depth + 1);
            return cx_.transpose(a);
        }
        if (base.kind == ast::ExprKind::Name && base.text == "e" && !model_name("e")) {
            Expr x = expr(exponent, depth + 1);
            return guarded(e, [&] { Expr args[1] = {x}; return cx_.apply(info(Op::Exp), args); });
        }
        if (e.superscript && exponent.number == -1) {
            Expr a = expr(base, depth + 1);
            if (!cx_.is_scalar(a) && cx_.sizes().same(cx_.shape(a).rows, cx_.shape(a).cols))
                return guarded(e, [&] { Expr args[1] = {a}; return cx_.apply(info(Op::Inverse), args); });
        }
        return nullptr;
    }

    std::vector<std::string> known_names() const {
        std::vector<std::string> names;
        for (const Symbol& s : m_.symbols()) names.push_back(s.name);
        return names;
    }

    Expr name(const ast::Expr& e) {
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

    // --infer: declares `e` where it is first used, by the convention of
    // BindOptions::infer; its sizes are flexible until the model is bound.
    Expr assume(const ast::Expr& e) {
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

public:
    // After the whole model: the assumed names' free sizes get names (n, m, k, ...), and
    // the model records the declarations assumed, grouped as a person would write them.
    void name_assumed_sizes() {
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

private:
    std::vector<std::string> assumed_;

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

    double constant_argument(const ast::Expr& a, int depth) {
        Expr v = expr(a, depth + 1);
        if (v->op->kind != Kind::Constant || !cx_.is_scalar(v))
            throw InputError("expected a number here", a.range);
        return v->value;
    }

    // `sin (x)`: a function's name, a blank, then a parenthesis reads as the call (the
    // grammar makes it a juxtaposition, as `δ₂ (x)ᵀ` with a name of the model must be).
    const ast::Expr* spaced_call(const ast::Expr& e) {
        if (e.text != "*" || e.op_range.begin != e.op_range.end) return nullptr;  // juxtaposed only
        const ast::Expr& l = e.args.at(0);
        const ast::Expr& r = e.args.at(1);
        if (l.kind != ast::ExprKind::Name || m_.find(l.text)) return nullptr;
        if (!scopes_.empty() && scopes_.back().count(l.text)) return nullptr;
        if (!functions_.count(l.text) && !find_function(l.text) && !find_prelude_function(l.text)) return nullptr;
        const std::string& t = m_.source().text;
        if (r.range.begin >= t.size() || t[r.range.begin] != '(') return nullptr;
        spaced_calls_.push_back(std::make_unique<ast::Expr>());
        ast::Expr& c = *spaced_calls_.back();
        c.kind = ast::ExprKind::Call;
        c.text = l.text;
        c.args = {r};
        c.range = e.range;
        c.op_range = l.range;
        return &c;
    }
    std::vector<std::unique_ptr<ast::Expr>> spaced_calls_;

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
        if (auto mf = functions_.find(f); mf != functions_.end()) return call_model_function(e, mf->second, depth);
        if (expanding_.count(f))
            throw RecursiveCall(fmt::format("the function '{}' calls itself", f), e.op_range,
                                {"a function of the model may use functions defined before it, not itself"});
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
            // A name of the model before parentheses multiplies: a(b + c).
            if (const Symbol* s = m_.find(f)) {
                if (n != 1)
                    throw InputError(fmt::format("'{}' is a name of the model, not a function", f), e.op_range,
                                     {fmt::format("a name before parentheses multiplies, as in {}(b + c), with one "
                                                  "expression inside",
                                                  f)});
                Expr arg = expr(e.args[0], depth + 1);
                return guarded(e, [&] { return cx_.times(s->expr, arg); }, e.range);
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

    // A function of the model: its body bound with the parameters standing for the
    // arguments, so that they take the arguments' shapes at each call.
    struct ModelFunction {
        const ast::Definition* definition;
    };

    Expr call_model_function(const ast::Expr& e, const ModelFunction& mf, int depth) {
        const ast::Definition& d = *mf.definition;
        if (e.args.size() != d.parameters.size())
            throw InputError(fmt::format("{} takes {} argument{}, not {}", d.name.name, d.parameters.size(),
                                         d.parameters.size() == 1 ? "" : "s", e.args.size()),
                             e.range,
                             {fmt::format("it is defined at line {}", line_column(m_.source().text, d.range.begin).line)});
        if (scopes_.size() >= 64)
            throw InputError("functions of the model nested too deeply (more than 64 calls inside calls)", e.range);
        std::unordered_map<std::string, Expr> scope;
        for (std::size_t i = 0; i < e.args.size(); ++i) scope[d.parameters[i].name] = expr(e.args[i], depth + 1);
        scopes_.push_back(std::move(scope));
        struct Pop {
            std::vector<std::unordered_map<std::string, Expr>>& s;
            ~Pop() { s.pop_back(); }
        } pop{scopes_};
        try {
            Expr result = expr(d.value, depth + 1);
            // A call written in the model (not one inside another function's body, whose
            // text names parameters): the steps show it as written.
            if (scopes_.size() == 1) m_.mutable_written_calls().push_back({result, text_of(e.range)});
            return result;
        } catch (InputError& err) {
            err.add_note(fmt::format("in {}(...) called at line {}", d.name.name,
                                     line_column(m_.source().text, e.range.begin).line));
            throw;
        }
    }

    void function_definition(const ast::Definition& d) {
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

    std::unordered_map<std::string, ModelFunction> functions_;
    std::vector<std::unordered_map<std::string, Expr>> scopes_;
    std::set<std::string> expanding_;

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
        if (find_function(n.name) || find_prelude_function(n.name) || functions_.count(n.name))
            throw InputError(fmt::format("'{}' is the name of a function", n.name), n.range);
    }

    Shape shape_of(const ast::TypeSpec& t) {
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
