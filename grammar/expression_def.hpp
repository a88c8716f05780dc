// The grammar's rules (definitions). grammar/matcalc.ebnf is the same grammar in EBNF;
// keep the two in sync.
#pragma once

#include <boost/fusion/include/at_c.hpp>

#include "error_handler.hpp"
#include "expression.hpp"
#include "primitives.hpp"

// An expectation on a parser with a semantic action names what the parser is.
namespace boost::spirit::x3 {
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
    using result_type = std::string;
    std::string operator()(action<Subject, Action> const& p) const { return what(p.subject); }
};
}  // namespace boost::spirit::x3

namespace matcalc::grammar::rules {

using boost::fusion::at_c;
using x3::_attr;
using x3::_val;
using x3::_where;

// ---------------------------------------------------------------- semantic actions

namespace act {

// Where the bracketed construct that has just been parsed ((, [, ‖, √) opened.
template <typename Context>
std::size_t start_of(Context const& ctx) {
    return state_of(ctx).last_open;
}

// The end of the match: in Boost 1.74, _where is [end of the match, end of input).
template <typename Context>
std::size_t end_of(Context const& ctx) {
    return state_of(ctx).offset(_where(ctx).begin());
}

inline auto const assign = [](auto& ctx) { _val(ctx) = std::move(_attr(ctx)); };

inline auto const fold_binary = [](auto& ctx) {
    auto& parts = _attr(ctx);
    _val(ctx) = make_binary(std::move(at_c<0>(parts)), std::move(_val(ctx)), std::move(at_c<1>(parts)));
};

inline auto const fold_transpose = [](auto& ctx) {
    _val(ctx) = make_transpose(std::move(_attr(ctx)), std::move(_val(ctx)));
};

// `wᵀx`, `W x`, `2 x`: a product written by putting operands side by side, read as `*`
// (the binder tells a scaling from a matrix product by the shapes). Two numbers side by
// side are refused: `[1 2]` is MATLAB's row, which this language writes [1, 2].
inline auto const fold_juxtaposed = [](auto& ctx) {
    Node& rhs = _attr(ctx);
    Node& lhs = _val(ctx);
    if (lhs.expr.kind == ast::ExprKind::Number && rhs.expr.kind == ast::ExprKind::Number) {
        const ParseState& st = state_of(ctx);
        const SourceRange l = lhs.expr.range, r = rhs.expr.range;
        if (l.end == r.begin)  // `1.2.3`: one malformed number, not two
            throw InputError("malformed number '" + st.text->substr(l.begin, r.end - l.begin) + "'",
                             SourceRange{l.begin, r.end});
        std::vector<std::string> notes{"write " + lhs.expr.text + "*" + rhs.expr.text + " for a product, or [" +
                                       lhs.expr.text + ", " + rhs.expr.text +
                                       "] for a row (',' separates the columns of a matrix)"};
        throw InputError("two numbers side by side", r, std::move(notes));
    }
    const std::size_t at = rhs.expr.range.begin;
    Node product = make_binary(Token{"*", {at, at}}, std::move(lhs), std::move(rhs));
    _val(ctx) = std::move(product);
};

// x², X⁻¹: a power with the superscript's value; X⁻ᵀ: the transpose of X⁻¹.
inline auto const fold_superscript = [](auto& ctx) {
    Token& t = _attr(ctx);
    const bool transposed = t.text.size() >= 3 && t.text.compare(t.text.size() - 3, 3, "ᵀ") == 0;
    Node exponent = make_leaf(ast::ExprKind::Number, t.text, t.range);
    exponent.expr.number = transposed ? -1.0 : superscript_value(t.text);
    Node power = make_binary(Token{"^", t.range}, std::move(_val(ctx)), std::move(exponent));
    power.expr.superscript = true;
    if (transposed) power = make_transpose(Token{"ᵀ", t.range}, std::move(power));
    _val(ctx) = std::move(power);
};

inline auto const to_signed = [](auto& ctx) { _val(ctx) = build_signed(std::move(_attr(ctx))); };
inline auto const to_power = [](auto& ctx) { _val(ctx) = build_power(std::move(_attr(ctx))); };

// `3x`: a Binary "*" whose operator token is empty, between the number and the name.
inline auto const to_implicit = [](auto& ctx) {
    auto& parts = _attr(ctx);
    Node& rhs = at_c<1>(parts);
    const std::size_t at = rhs.expr.range.begin;
    Node product = make_binary(Token{"*", {at, at}}, std::move(at_c<0>(parts)), std::move(rhs));
    product.implicit_product = true;
    _val(ctx) = std::move(product);
};

inline auto const to_name = [](auto& ctx) {
    Token& t = _attr(ctx);
    _val(ctx) = make_leaf(ast::ExprKind::Name, std::move(t.text), t.range);
};

inline auto const start_call = [](auto& ctx) {
    Token& t = _attr(ctx);
    _val(ctx) = make_leaf(ast::ExprKind::Call, std::move(t.text), t.range);
};

inline auto const push_arg = [](auto& ctx) {
    Node& parent = _val(ctx);
    Node& child = _attr(ctx);
    add_child_depth(parent, child);
    parent.expr.args.push_back(std::move(child.expr));
};

inline auto const end_call = [](auto& ctx) { _val(ctx).expr.range.end = end_of(ctx); };

inline auto const to_group = [](auto& ctx) {
    Node node = std::move(_attr(ctx));
    node.expr.range = {start_of(ctx), end_of(ctx)};  // the parentheses belong to it
    node.implicit_product = false;
    _val(ctx) = std::move(node);
};

// `‖a‖` and `√a`: a Call named by the symbol.
template <std::size_t SymbolBytes>
struct to_symbol_call {
    const char* symbol;
    template <typename Context>
    void operator()(Context& ctx) const {
        Node arg = std::move(_attr(ctx));
        const std::size_t begin = start_of(ctx);
        Node node = make_leaf(ast::ExprKind::Call, symbol, {begin, end_of(ctx)});
        node.expr.op_range = {begin, begin + SymbolBytes};
        node.depth = arg.depth + 1;
        check_depth(node.depth, node.expr.op_range);
        node.expr.args.push_back(std::move(arg.expr));
        _val(ctx) = std::move(node);
    }
};
inline auto const to_norm = to_symbol_call<3>{"‖"};
inline auto const to_root = to_symbol_call<3>{"√"};

inline auto const start_matrix = [](auto& ctx) {
    Node node = make_leaf(ast::ExprKind::Matrix, "", {});
    node.expr.rows.emplace_back();
    _val(ctx) = std::move(node);
};

inline auto const push_element = [](auto& ctx) {
    Node& parent = _val(ctx);
    Node& child = _attr(ctx);
    add_child_depth(parent, child);
    parent.expr.rows.back().push_back(std::move(child.expr));
};

inline auto const new_row = [](auto& ctx) { _val(ctx).expr.rows.emplace_back(); };

// x[i], X[i, j], x[2:4], X[:, j]: the index Node (kind Index, no base yet) collects one
// entry of `rows` per index; fold_index makes the indexed expression its argument.
inline auto const start_index = [](auto& ctx) { _val(ctx) = make_leaf(ast::ExprKind::Index, "", {}); };
inline auto const push_full = [](auto& ctx) { _val(ctx).expr.rows.emplace_back(); };
inline auto const push_position = [](auto& ctx) {
    Node& index = _val(ctx);
    Node& at = _attr(ctx);
    add_child_depth(index, at);
    index.expr.rows.emplace_back();
    index.expr.rows.back().push_back(std::move(at.expr));
};
inline auto const push_last = [](auto& ctx) {
    Node& index = _val(ctx);
    Node& at = _attr(ctx);
    add_child_depth(index, at);
    index.expr.rows.back().push_back(std::move(at.expr));
};
inline auto const end_index = [](auto& ctx) {
    Node& node = _val(ctx);
    node.expr.range = {start_of(ctx), end_of(ctx)};
    node.expr.op_range = node.expr.range;
};
inline auto const fold_index = [](auto& ctx) {
    Node index = std::move(_attr(ctx));
    Node& base = _val(ctx);
    index.depth = std::max(index.depth, base.depth + 1);
    check_depth(index.depth, index.expr.range);
    index.expr.range.begin = base.expr.range.begin;
    index.expr.args.push_back(std::move(base.expr));
    _val(ctx) = std::move(index);
};

inline auto const end_matrix = [](auto& ctx) {
    Node& node = _val(ctx);
    node.expr.range = {start_of(ctx), end_of(ctx)};
    node.expr.op_range = {node.expr.range.begin, node.expr.range.begin + 1};
};

// `scalar`, `vector(n)`, `matrix(m, n)` and their aliases, with the number of sizes
// checked here so that the messages can say what is wrong.
inline auto const to_type = [](auto& ctx) {
    auto& parts = _attr(ctx);
    Token& keyword = at_c<0>(parts);
    auto& sizes = at_c<1>(parts);
    ast::TypeSpec type;
    type.spelling = keyword.text;
    type.range = {keyword.range.begin, end_of(ctx)};
    const std::string& k = keyword.text;
    std::size_t wanted = 0;
    const char* example = "";
    if (k == "scalar" || k == "real") {
        type.kind = ast::TypeSpec::Kind::Scalar;
    } else if (k == "vector" || k == "vec") {
        type.kind = ast::TypeSpec::Kind::Vector;
        wanted = 1;
        example = "(n)";
    } else {
        type.kind = ast::TypeSpec::Kind::Matrix;
        wanted = 2;
        example = "(m, n)";
    }
    const std::size_t given = sizes ? sizes->size() : 0;
    if (given != wanted) {
        const std::string usage = wanted == 0 ? "'" + k + "' takes no size"
                                  : wanted == 1 ? "'" + k + "' takes one size, as in " + k + example
                                                : "'" + k + "' takes two sizes, as in " + k + example;
        SourceRange at{keyword.range.end, keyword.range.end};
        if (given > wanted) at = (*sizes)[wanted].range;
        std::vector<std::string> notes;
        if (wanted == 1 && given == 2) notes.push_back("for a matrix, write matrix(m, n)");
        if (wanted == 0) notes.push_back("for an array, write vector(n) or matrix(m, n)");
        throw InputError(given < wanted ? "missing size: " + usage : "too many sizes: " + usage, at,
                         std::move(notes));
    }
    if (sizes) type.sizes = std::move(*sizes);
    _val(ctx) = std::move(type);
};

inline ast::NameRef to_name_ref(Token& t) { return {std::move(t.text), t.range}; }

inline ast::Declaration to_declaration(Token* role, DeclParts&& parts) {
    ast::Declaration d;
    d.range = {parts.names.front().range.begin, parts.type.range.end};
    if (role) {
        d.role = std::move(role->text);
        d.range.begin = role->range.begin;
    }
    for (Token& t : parts.names) d.names.push_back(to_name_ref(t));
    d.type = std::move(parts.type);
    if (parts.init) {
        d.range.end = parts.init->value.expr.range.end;
        if (parts.init->op.text == "=")
            d.initial_value = std::move(parts.init->value.expr);
        else
            d.initializer = std::move(parts.init->value.expr);
    }
    return d;
}

inline auto const from_role_declaration = [](auto& ctx) {
    RoleDecl& r = _attr(ctx);
    _val(ctx) = to_declaration(&r.role, std::move(r.decl));
};

inline auto const from_declaration = [](auto& ctx) {
    _val(ctx) = to_declaration(nullptr, std::move(_attr(ctx)));
};

// `swish(t) = t ⊙ σ(t)`: a function of the model.
inline auto const from_function_definition = [](auto& ctx) {
    FunctionParts& parts = _attr(ctx);
    ast::Definition d;
    d.range = {parts.name.range.begin, parts.value.expr.range.end};
    d.name = to_name_ref(parts.name);
    for (Token& t : parts.parameters) d.parameters.push_back(to_name_ref(t));
    d.value = std::move(parts.value.expr);
    _val(ctx) = std::move(d);
};

inline auto const from_definition = [](auto& ctx) {
    DefParts& parts = _attr(ctx);
    ast::Definition d;
    d.range = {parts.name.range.begin, parts.value.expr.range.end};
    d.name = to_name_ref(parts.name);
    d.value = std::move(parts.value.expr);
    _val(ctx) = std::move(d);
};

}  // namespace act

// ---------------------------------------------------------------- tokens

inline constexpr name_parser name_token{};
inline constexpr number_parser number_token{};
inline constexpr size_parser size_token{};
inline constexpr adjacent_parser adjacent{};
inline constexpr juxtaposable_parser juxtaposable{};
inline constexpr superscript_parser superscript_token{};
inline constexpr index_bracket_parser index_bracket{};

auto const identifier_def = name_token;
// Operators are the operation table's spellings by notation and precedence level
// (print.hpp's levels: 1 additive, 2 multiplicative, 4 power); a unary plus is no
// operation, only syntax.
auto const add_op_def = table_operator(Notation::Infix, 1);
auto const mul_op_def = table_operator(Notation::Infix, 2);
auto const pow_op_def = table_operator(Notation::Infix, 4);
auto const sign_def = table_operator(Notation::Prefix) | tok("+");
auto const tick_def = table_operator(Notation::Postfix);
auto const superscript_def = superscript_token;
// ⊤ (U+22A4) in an exponent, `x^⊤`: a name the binder reads as the transpose.
auto const top_def = tok("⊤");
auto const assign_op_def = tok("=");
auto const tilde_op_def = tok("~");
auto const colon_def = tok(":");
auto const comma_def = tok(",");
auto const semicolon_def = tok(";");

// ---------------------------------------------------------------- expressions

// Binary operators associate to the left; the tree is folded as it is read.
auto const expression_def = term[act::assign] >> *((add_op > term)[act::fold_binary]);
// Juxtaposition binds like `*`: `x'A x` is (x' A) x, `a/b c` is (a/b) c.
auto const term_def = factor[act::assign] >>
                      *((mul_op > factor)[act::fold_binary] | (juxtaposable >> juxtaposed[act::fold_juxtaposed]));
auto const juxtaposed_def = implicit_product | power;

// Unary signs (at most kMaxNesting in a row), then an implicit product or a power.
inline const std::string sign_limit_note =
    "at most " + std::to_string(kMaxNesting) + " unary signs may stand in a row";
auto const too_many_signs = no_more(sign, "too many unary signs in a row", sign_limit_note.c_str());
auto const factor_def = signed_factor[act::to_signed];
auto const signed_factor_def =
    x3::repeat(std::size_t{0}, kMaxNesting)[sign] >> too_many_signs >> (implicit_product | power);

// `3x`, `2(x + y)`, `3x^2`: a number directly followed (no blank) by a name, `(`, `√`
// or `‖` multiplies the power that follows.
auto const implicit_product_def = (number >> adjacent >> power)[act::to_implicit];

// Right-associative powers; an exponent may carry signs: `x^-2`.
auto const too_many_powers = no_more(pow_op, "expression nested too deeply (too long a chain of powers)",
                                     "split it into several definitions");
auto const power_def = power_parts[act::to_power];
auto const power_parts_def =
    postfix >> x3::repeat(std::size_t{0}, kMaxExpressionDepth)[power_step] >> too_many_powers;
auto const power_step_def = pow_op > exponent;
auto const exponent_def =
    x3::repeat(std::size_t{0}, kMaxNesting)[sign] >> too_many_signs >> (braced_exponent | postfix);
// `e^{-x}`, `x^{T}`, `x^{2}`: braces group an exponent, as in LaTeX.
auto const braced_exponent_def = enclosed("{", "}", "an exponent")[expression][act::to_group];

auto const postfix_def = primary[act::assign] >>
                         *(tick[act::fold_transpose] | superscript[act::fold_superscript] | index[act::fold_index]);

// An index right after its operand (no blank), one or two of: a position, a range
// first:last, or `:` for all; positions are integers or sizes (docs/language.md).
// (The items are no rules of their own: their actions fill the index rule's Node.)
auto const full_range = colon >> &(comma | tok("]"));
auto const index_item =
    full_range[act::push_full] | (expression[act::push_position] >> -(colon > expression[act::push_last]));
auto const index_items = x3::eps[act::start_index] >> index_item >> *(comma > index_item);
auto const index_def = index_bracket >> x3::omit[enclosed("[", "]", "an index")[index_items]][act::end_index];

auto const primary_def = number | call | name | group | matrix | norm | root | top_name;
auto const top_name_def = top[act::to_name];

auto const number_def = number_token;
auto const name_def = identifier[act::to_name];

auto const arguments = -(expression[act::push_arg] >> *(comma > expression[act::push_arg]));
// A call's `(` touches the name: `δ₂ (x)ᵀ` is δ₂ times (x)ᵀ (the binder reads `sin (x)`,
// a function's name and a parenthesis apart, as the call all the same).
auto const call_def = (identifier >> x3::no_skip[&x3::lit('(')])[act::start_call] >>
                      x3::omit[enclosed("(", ")", "an argument or ')'")[arguments]][act::end_call];

auto const group_def = enclosed("(", ")", "an expression")[expression][act::to_group];
auto const norm_def = enclosed("‖", "‖", "an expression")[expression][act::to_norm];
// `√x` takes the operand right after it: `√x^2` is (√x)^2; write √(x^2).
auto const root_def = enclosed("√", "", "an operand", false)[primary][act::to_root];

auto const row_tail = *(comma > expression[act::push_element]);
auto const matrix_body = x3::eps[act::start_matrix] >> expression[act::push_element] >> row_tail >>
                         *((semicolon[act::new_row] > expression[act::push_element]) >> row_tail);
auto const matrix_def = x3::omit[enclosed("[", "]", "an expression")[matrix_body]][act::end_matrix];

// ---------------------------------------------------------------- statements

auto const type_keyword_def = keyword("scalar") | keyword("real") | keyword("vector") |
                              keyword("vec") | keyword("matrix") | keyword("mat");
auto const size_def = size_token;
auto const type_sizes_def = enclosed("(", ")", "a size (a positive integer or a name)")[size >> *(comma > size)];
auto const type_def = (type_keyword >> -type_sizes)[act::to_type];

auto const initializer_def = call | name;
auto const init_part_def = (assign_op > expression) | (tilde_op > initializer);

auto const name_list_def = identifier >> *(comma > identifier);

// A role is a keyword only when a name follows it: `param = 3` defines a name `param`.
auto const role_def = (keyword("param") | keyword("input") | keyword("target")) >> &name_token;
auto const role_declaration_def = role > role_body;
auto const role_body_def = ((name_list > colon) > type) >> -init_part;
auto const declaration_def = ((name_list >> colon) > type) >> -init_part;
auto const definition_def = (identifier >> x3::omit[assign_op]) > expression;
// `f(p, q) = expression`: committed at `) =`, so that `f(x)` alone is no statement.
auto const function_definition_def =
    (identifier >> x3::omit[tok("(")] >> name_list >> x3::omit[tok(")")] >> x3::omit[assign_op]) > expression;

auto const statement_def = role_declaration[act::from_role_declaration] |
                           declaration[act::from_declaration] | definition[act::from_definition] |
                           function_definition[act::from_function_definition];

BOOST_SPIRIT_DEFINE(expression, term, juxtaposed, factor, signed_factor, implicit_product, power,
                    power_parts, power_step, exponent, braced_exponent, postfix, primary, number, name,
                    call, group, matrix, norm, root, top_name, index)
BOOST_SPIRIT_DEFINE(identifier, add_op, mul_op, pow_op, sign, tick, superscript, top, assign_op,
                    tilde_op, colon, comma, semicolon)
BOOST_SPIRIT_DEFINE(type, type_keyword, type_sizes, size, initializer, init_part, name_list, role,
                    role_declaration, role_body, declaration, definition, function_definition, statement)

}  // namespace matcalc::grammar::rules
