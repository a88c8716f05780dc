// Parsing patterns (frontend/pattern.hpp): the grammar's syntax tree of the text, read
// into a Pattern with every spelling resolved through the operation table.
#include "matcalc/frontend/pattern.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/parser.hpp"

namespace matcalc {

namespace {

class Reader {
public:
    Reader(std::vector<std::string>& wildcards, bool plain) : wildcards_(wildcards), plain_(plain) {}

    Pattern read(const ast::Expr& e) {
        switch (e.kind) {
        case ast::ExprKind::Number: {
            Pattern p;
            p.kind = Pattern::Kind::Number;
            p.value = e.number;
            return p;
        }
        case ast::ExprKind::Name: {
            bool marked = !e.text.empty() && e.text[0] == '?';
            std::string name = marked ? e.text.substr(1) : e.text;
            if (marked || (plain_ && std::count(wildcards_.begin(), wildcards_.end(), name))) return wildcard(name);
            const OpInfo* f = find_function(e.text);
            if (f && f->id == Op::Eye) {
                Pattern p;
                p.kind = Pattern::Kind::Identity;
                return p;
            }
            throw InputError(fmt::format("'{}' in a pattern: write ?{} for a wildcard", e.text, e.text), e.range);
        }
        case ast::ExprKind::Unary:
            if (e.text == "+") return read(e.args[0]);
            return operation(find_operator(e.text, Notation::Prefix), e, {&e.args[0]});
        case ast::ExprKind::Transpose:
            return operation(find_operator(e.text, Notation::Postfix), e, {&e.args[0]});
        case ast::ExprKind::Binary: {
            const OpInfo* op = find_operator(e.text, Notation::Infix);
            return operation(op, e, {&e.args[0], &e.args[1]});
        }
        case ast::ExprKind::Call: {
            const OpInfo* op = find_function(e.text);
            if (op && op->id == Op::Constant) {  // vector(c), matrix(c): sized by context
                if (e.args.size() != 1 || e.args[0].kind != ast::ExprKind::Number || (e.text != "vector" && e.text != "matrix"))
                    throw InputError("a constant in a pattern is vector(c) or matrix(c) with a number c", e.range);
                Pattern p;
                p.kind = Pattern::Kind::Filled;
                p.value = e.args[0].number;
                return p;
            }
            if (op && op->id == Op::Eye) throw InputError("write eye without a size in a pattern", e.range);
            std::vector<const ast::Expr*> args;
            for (const ast::Expr& a : e.args) args.push_back(&a);
            return operation(op, e, args);
        }
        case ast::ExprKind::Matrix:
            throw InputError("a pattern cannot hold a matrix literal", e.range);
        case ast::ExprKind::Index:
            throw InputError("a pattern cannot index", e.range);
        }
        unreachable();
    }

private:
    Pattern wildcard(const std::string& name) {
        auto it = std::find(wildcards_.begin(), wildcards_.end(), name);
        Pattern p;
        p.kind = Pattern::Kind::Wildcard;
        p.wildcard = static_cast<int>(it - wildcards_.begin());
        if (it == wildcards_.end()) wildcards_.push_back(name);
        return p;
    }

    Pattern operation(const OpInfo* op, const ast::Expr& e, std::vector<const ast::Expr*> args) {
        if (!op) throw InputError(fmt::format("'{}' is no operation of the table", e.text), e.op_range);
        int n = static_cast<int>(args.size());
        if (n < op->min_args || n > op->max_args)
            throw InputError(fmt::format("{} takes {} to {} arguments, not {}", op->name, op->min_args, op->max_args, n),
                             e.range);
        Pattern p;
        p.kind = Pattern::Kind::Operation;
        p.op = op;
        for (const ast::Expr* a : args) p.args.push_back(read(*a));
        // An omitted optional second argument is the table's default, as the constructor
        // fills it in (leaky_relu(z) is leaky_relu(z, 0.01)).
        if (op->kind == Kind::Elementwise && n == 1 && op->kernel2) {
            Pattern d;
            d.kind = Pattern::Kind::Number;
            d.value = op->default_second;
            p.args.push_back(d);
        }
        return p;
    }

    std::vector<std::string>& wildcards_;
    bool plain_;
};

}  // namespace

Pattern parse_pattern(std::string_view where, std::string_view text, std::vector<std::string>& wildcards,
                      bool plain_names_are_wildcards) {
    ast::Expr e = parse_expression(Source{std::string(where), std::string(text)}, true);
    return Reader(wildcards, plain_names_are_wildcards).read(e);
}

}  // namespace matcalc
