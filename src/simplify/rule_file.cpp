// Reading the simplifier's rules (rules.txt, embedded in the library as kRulesText) and
// applying a pattern rule: its guards, the predicates a rule may ask of its wildcards,
// and the checks made when the file is read.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include "matcalc/core/ops.hpp"
#include "matcalc/core/pattern.hpp"
#include "matcalc/frontend/pattern.hpp"
#include "simplify_internal.hpp"

namespace matcalc {

extern const char kRulesText[];  // rules.txt, by cmake/embed.cmake

namespace {

using rules::arg;
using rules::is;

bool scalar(Context& cx, Expr e) { return cx.is_scalar(e); }

// A number greater than zero, also written as a product or quotient of such: 2, 1/3.
bool positive_number(Expr e, int depth = 0) {
    if (is(e, Kind::Constant)) return e->value > 0;
    if (depth > 4 || (!is(e, Op::Div) && !is(e, Op::Hadamard))) return false;
    return positive_number(arg(e, 0), depth + 1) && positive_number(arg(e, 1), depth + 1);
}

// The predicates of guards: name, number of wildcards, test.
struct Predicate {
    std::string_view name;
    std::size_t arity;
    bool (*test)(Context& cx, std::span<const Expr> x, const Atoms& atoms);
};

const Predicate kPredicates[] = {
    {"scalar", 1, [](Context& cx, auto x, const Atoms&) { return scalar(cx, x[0]); }},
    // 1 × n (a row vector, or a scalar)
    {"row", 1, [](Context& cx, auto x, const Atoms&) { return cx.sizes().is_row(cx.shape(x[0])); }},
    // n × 1 with n > 1
    {"column", 1, [](Context& cx, auto x, const Atoms&) { return rules::column(cx, x[0]); }},
    {"matrix", 1, [](Context& cx, auto x, const Atoms&) { return cx.sizes().is_matrix(cx.shape(x[0])); }},
    {"identity", 1, [](Context&, auto x, const Atoms&) { return is(x[0], Kind::Identity); }},
    {"transpose", 1, [](Context&, auto x, const Atoms&) { return is(x[0], Kind::Transpose); }},
    {"kron", 1, [](Context&, auto x, const Atoms&) { return is(x[0], Kind::Kron); }},
    {"zero", 1, [](Context& cx, auto x, const Atoms&) { return cx.is_zero(x[0]); }},
    // the constant 1 in every entry of a vector or matrix (not the scalar 1)
    {"ones", 1, [](Context& cx, auto x, const Atoms&) { return rules::ones(cx, x[0]); }},
    {"positive", 1, [](Context&, auto x, const Atoms&) { return positive_number(x[0]); }},
    {"one_row", 1, [](Context& cx, auto x, const Atoms&) { return cx.sizes().is_one(cx.shape(x[0]).rows); }},
    {"one_column", 1, [](Context& cx, auto x, const Atoms&) { return cx.sizes().is_one(cx.shape(x[0]).cols); }},
    {"symmetric", 1, [](Context& cx, auto x, const Atoms& atoms) { return rules::symmetric(cx, x[0], atoms); }},
    {"same_shape", 2, [](Context& cx, auto x, const Atoms&) { return cx.sizes().same(cx.shape(x[0]), cx.shape(x[1])); }},
    // B broadcasts over A (a scalar, a row over A's rows, a column over its columns, or
    // A's shape): A ⊙ B has A's shape
    {"covers", 2,
     [](Context& cx, auto x, const Atoms&) { return cx.sizes().same(cx.shape(cx.mul(x[0], x[1])), cx.shape(x[0])); }},
    // A B is defined: A's columns are B's rows
    {"multipliable", 2,
     [](Context& cx, auto x, const Atoms&) { return cx.sizes().same(cx.shape(x[0]).cols, cx.shape(x[1]).rows); }},
    // K(m,n) and K(n,m): a permutation and its inverse
    {"inverse_commutations", 2,
     [](Context& cx, auto x, const Atoms&) {
         return is(x[0], Kind::Commutation) && is(x[1], Kind::Commutation) && cx.sizes().same(x[0]->dim, x[1]->dim2) &&
                cx.sizes().same(x[0]->dim2, x[1]->dim);
     }},
};

struct Guard {
    const Predicate* predicate = nullptr;
    std::vector<int> wildcards;
    bool negated = false;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The comma-separated items of s at parenthesis depth 0.
std::vector<std::string_view> split_items(std::string_view s) {
    std::vector<std::string_view> out;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || (s[i] == ',' && depth == 0)) {
            out.push_back(trim(s.substr(start, i - start)));
            start = i + 1;
        } else if (s[i] == '(') {
            ++depth;
        } else if (s[i] == ')') {
            --depth;
        }
    }
    return out;
}

}  // namespace

struct PatternRule {
    Pattern lhs, rhs;
    std::vector<Guard> guards;
    std::size_t wildcards = 0;
};

namespace {

[[noreturn]] void bad_rule(int line, const std::string& message) {
    throw InputError(fmt::format("rules.txt:{}: {}", line, message));
}

Guard read_guard(std::string_view text, const std::vector<std::string>& wildcards, int line) {
    Guard g;
    if (text.starts_with("not ")) {
        g.negated = true;
        text = trim(text.substr(4));
    }
    std::size_t open = text.find('(');
    if (open == std::string_view::npos || text.back() != ')') bad_rule(line, fmt::format("a guard is predicate(?x), not '{}'", text));
    std::string_view name = trim(text.substr(0, open));
    for (const Predicate& p : kPredicates)
        if (p.name == name) g.predicate = &p;
    if (!g.predicate) bad_rule(line, fmt::format("no predicate '{}'", name));
    for (std::string_view a : split_items(text.substr(open + 1, text.size() - open - 2))) {
        if (a.size() < 2 || a[0] != '?') bad_rule(line, fmt::format("a guard takes wildcards, not '{}'", a));
        auto it = std::find(wildcards.begin(), wildcards.end(), std::string(a.substr(1)));
        if (it == wildcards.end()) bad_rule(line, fmt::format("the guard's {} is not in the pattern", a));
        g.wildcards.push_back(static_cast<int>(it - wildcards.begin()));
    }
    if (g.wildcards.size() != g.predicate->arity)
        bad_rule(line, fmt::format("{} takes {} wildcard{}", name, g.predicate->arity, g.predicate->arity == 1 ? "" : "s"));
    return g;
}

// Builds both sides with each wildcard a variable of a shape its guards allow (sizes
// fresh, so that they unify as the operations need): the replacement must have the
// pattern's shape. A pattern that cannot be built so (its shapes need more than the
// guards say) is left to the numeric test.
// The wildcards that are arguments of diag(·) or of an inner product: vectors.
void vector_wildcards(const Pattern& p, std::vector<bool>& out) {
    if (p.kind != Pattern::Kind::Operation) return;
    bool vectors = p.op->id == Op::Diag || p.op->id == Op::Dot;
    for (const Pattern& a : p.args) {
        if (vectors && a.kind == Pattern::Kind::Wildcard) out[static_cast<std::size_t>(a.wildcard)] = true;
        vector_wildcards(a, out);
    }
}

void check_shapes(const PatternRule& r, const std::vector<std::string>& names, int line) {
    Context cx;
    SizeTable& z = cx.sizes();
    std::vector<Expr> vars;
    std::vector<bool> vectors(names.size(), false), rows(names.size(), false);
    vector_wildcards(r.lhs, vectors);
    // A vector that is not shaped like a column beside it is a row (diag(a) of a row a).
    for (const Guard& g : r.guards)
        if (g.negated && g.predicate->name == "same_shape" && vectors[static_cast<std::size_t>(g.wildcards[0])])
            rows[static_cast<std::size_t>(g.wildcards[0])] = true;
    for (std::size_t i = 0; i < names.size(); ++i) {
        Shape s{z.fresh(), vectors[i] ? Dim{1} : z.fresh()};
        if (rows[i]) s = Shape{1, s.rows};
        bool identity = false;
        for (const Guard& g : r.guards) {
            if (g.wildcards[0] != static_cast<int>(i) || g.wildcards.size() != 1) continue;
            std::string_view p = g.predicate->name;
            if (g.negated) {  // a vector that is not a column is a row
                if (vectors[i] && p == "column") s = Shape{1, s.rows};
                continue;
            }
            if (p == "scalar") s = kScalarShape;
            if (p == "row" || p == "one_row") s = vectors[i] ? Shape{1, s.rows} : Shape{1, s.cols};
            if (p == "column" || p == "one_column") s.cols = 1;
            if (p == "symmetric") s.cols = s.rows;
            if (p == "identity") identity = true;
        }
        vars.push_back(identity ? cx.identity(s.rows) : cx.variable("?" + names[i], s));
    }
    for (const Guard& g : r.guards)  // K(m,n) and K(n,m): the guard says what they are
        if (!g.negated && g.predicate->name == "inverse_commutations") {
            Dim m = z.fresh(), n = z.fresh();
            vars[static_cast<std::size_t>(g.wildcards[0])] = cx.commutation(m, n);
            vars[static_cast<std::size_t>(g.wildcards[1])] = cx.commutation(n, m);
        }
    Expr lhs = nullptr;
    try {
        lhs = instantiate(cx, r.lhs, vars);
    } catch (const ShapeError&) {
        return;
    }
    // Built as something the pattern does not match (diag(?v) of a matrix is its diagonal,
    // not a diagonal matrix): these shapes are not the ones the pattern applies to.
    Bindings itself(names.size(), nullptr);
    if (!match(r.lhs, lhs, itself)) return;
    if (r.rhs.kind == Pattern::Kind::Filled || r.rhs.kind == Pattern::Kind::Identity) return;
    // The sizes as the pattern leaves them: the replacement may not make two of them equal
    // (or one a number) to fit; it must fit whatever sizes the pattern matched.
    std::vector<Dim> dims;
    for (Expr v : vars) dims.push_back(cx.shape(v).rows), dims.push_back(cx.shape(v).cols);
    auto classes = [&] {
        std::vector<Dim> out;
        for (Dim d : dims) out.push_back(z.resolve(d));
        return out;
    };
    const std::vector<Dim> before = classes();
    const Shape want = cx.shape(lhs);
    Expr rhs = nullptr;
    try {
        rhs = instantiate(cx, r.rhs, vars);
    } catch (const ShapeError& e) {
        bad_rule(line, fmt::format("the replacement does not fit the pattern's shapes: {}", e.what()));
    }
    const std::vector<Dim> after = classes();
    for (std::size_t i = 0; i < dims.size(); ++i)
        for (std::size_t j = 0; j < dims.size(); ++j)
            if ((before[i] == before[j]) != (after[i] == after[j]) || (is_symbol(before[i]) && !is_symbol(after[i])))
                bad_rule(line, "the replacement fits only if sizes the pattern leaves free are equal");
    if (!z.same(cx.shape(rhs), want))
        bad_rule(line, fmt::format("the replacement is {}, the pattern {}", z.describe(cx.shape(rhs)), z.describe(want)));
}

}  // namespace

Expr Rule::apply(Context& cx, Expr e, const Atoms& atoms) const {
    if (procedure) return procedure(cx, e, atoms);
    boost::container::small_vector<Expr, 8> slots(pattern->wildcards, nullptr);
    const std::span<Expr> b(slots.data(), slots.size());
    if (!match(pattern->lhs, e, b)) return nullptr;
    Expr x[2];
    for (const Guard& g : pattern->guards) {
        for (std::size_t i = 0; i < g.wildcards.size(); ++i) x[i] = b[static_cast<std::size_t>(g.wildcards[i])];
        if (g.predicate->test(cx, std::span<const Expr>(x, g.wildcards.size()), atoms) == g.negated) return nullptr;
    }
    const Pattern& rhs = pattern->rhs;
    // vector(c) and eye as the whole replacement: the shape of the node rewritten.
    if (rhs.kind == Pattern::Kind::Filled) return cx.constant(rhs.value, cx.shape(e));
    if (rhs.kind == Pattern::Kind::Identity) return cx.identity(cx.shape(e).rows);
    return instantiate(cx, rhs, b);
}

std::vector<Rule> read_rules(std::string_view text,
                             const std::vector<std::pair<std::string_view, Expr (*)(Context&, Expr, const Atoms&)>>& procedures) {
    std::vector<Rule> out;
    std::vector<std::string_view> used;
    int line = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view s = trim(text.substr(start, end - start));
        start = end + 1;
        ++line;
        if (s.empty() || s[0] == '#') continue;
        Rule r;
        r.line = line;
        std::size_t quote = s.find('"'), close = quote == std::string_view::npos ? quote : s.find('"', quote + 1);
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
            bad_rule(line, "a rule is ID \"NAME\": PATTERN => REPLACEMENT [if GUARDS]");
        r.id = std::string(trim(s.substr(0, quote)));
        r.name = std::string(s.substr(quote + 1, close - quote - 1));
        if (r.id.empty()) bad_rule(line, "the rule has no id");
        for (const Rule& other : out)
            if (other.id == r.id) bad_rule(line, fmt::format("the id '{}' is taken (line {})", r.id, other.line));
        std::string_view body = trim(s.substr(close + 2));
        if (body == "procedure") {
            auto it = std::find_if(procedures.begin(), procedures.end(), [&](const auto& p) { return p.first == r.id; });
            if (it == procedures.end()) bad_rule(line, fmt::format("no procedure '{}' in C++", r.id));
            r.procedure = it->second;
            used.push_back(it->first);
            out.push_back(std::move(r));
            continue;
        }
        std::size_t arrow = body.find("=>");
        if (arrow == std::string_view::npos) bad_rule(line, "expected PATTERN => REPLACEMENT");
        std::string_view lhs = trim(body.substr(0, arrow)), rest = trim(body.substr(arrow + 2));
        std::size_t guard_at = rest.find(" if ");
        std::string_view rhs = trim(rest.substr(0, guard_at));
        auto pr = std::make_shared<PatternRule>();
        std::vector<std::string> names;
        std::size_t bound = 0;
        try {
            pr->lhs = parse_pattern("pattern", lhs, names);
            bound = names.size();
            pr->rhs = parse_pattern("replacement", rhs, names);
        } catch (const InputError& e) {
            bad_rule(line, e.what());
        }
        if (names.size() != bound) bad_rule(line, fmt::format("?{} is not in the pattern", names[bound]));
        if (pr->lhs.kind != Pattern::Kind::Operation) bad_rule(line, "a pattern is an operation, not a wildcard or constant");
        if (guard_at != std::string_view::npos)
            for (std::string_view g : split_items(rest.substr(guard_at + 4))) pr->guards.push_back(read_guard(g, names, line));
        pr->wildcards = names.size();
        check_shapes(*pr, names, line);
        r.pattern = std::move(pr);
        out.push_back(std::move(r));
    }
    for (const auto& [id, fn] : procedures)
        if (std::find(used.begin(), used.end(), id) == used.end())
            bad_rule(0, fmt::format("the procedure '{}' has no line", id));
    return out;
}

const std::vector<Rule>& simplifier_rules() {
    static const std::vector<Rule> table = read_rules(kRulesText, rules::procedures());
    return table;
}

const std::vector<const Rule*>& rules_for(Op op) {
    // The index on the root operation: a pattern rule only where its pattern's root is the
    // node's operation, a procedure everywhere; in the file's order.
    static const auto index = [] {
        std::vector<std::vector<const Rule*>> by_op(kOpCount);
        for (const Rule& r : simplifier_rules())
            for (std::size_t i = 0; i < kOpCount; ++i)
                if (r.procedure || r.pattern->lhs.op->id == static_cast<Op>(i)) by_op[i].push_back(&r);
        return by_op;
    }();
    return index[static_cast<std::size_t>(op)];
}

}  // namespace matcalc
