// The binder's expressions (binder.hpp): operators, calls of the table's operations, of
// the prelude and of the model's own functions, indexing and ranges, and the textbook
// notation (x^T, e^x, X⁻¹, a function's name and a blank before its parenthesis).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "binder.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/core/pattern.hpp"
#include "matcalc/frontend/prelude.hpp"

namespace matcalc::binding {

Expr Binder::expr(const ast::Expr& e, int depth) {
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

Binder::Position Binder::position(const ast::Expr& a) {
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

std::pair<Dim, Dim> Binder::selection(const std::vector<ast::Expr>& item, Dim extent, const ast::Expr& e, const char* what) {
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

Expr Binder::index(const ast::Expr& e, int depth) {
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

Expr Binder::textbook_power(const ast::Expr& e, int depth) {
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

double Binder::constant_argument(const ast::Expr& a, int depth) {
    Expr v = expr(a, depth + 1);
    if (v->op->kind != Kind::Constant || !cx_.is_scalar(v))
        throw InputError("expected a number here", a.range);
    return v->value;
}

const ast::Expr* Binder::spaced_call(const ast::Expr& e) {
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

Expr Binder::call(const ast::Expr& e, int depth) {
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

Expr Binder::call_model_function(const ast::Expr& e, const ModelFunction& mf, int depth) {
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

void Binder::check_axis(const ast::Expr& a, const std::string& f) {
    std::vector<std::string> hint{fmt::format("write {0}(X, 1) to work down each column or {0}(X, 2) along each row", f)};
    if (a.kind != ast::ExprKind::Number)
        throw InputError(fmt::format("the axis of {} must be the number 1 or 2, not '{}'", f, text_of(a.range)), a.range, hint);
    if (a.number != 1 && a.number != 2)
        throw InputError(fmt::format("the axis of {} must be 1 or 2, not {}", f, text_of(a.range)), a.range, hint);
}

}  // namespace matcalc::binding
