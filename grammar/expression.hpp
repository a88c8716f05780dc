// The grammar's rules (declarations). Their names are what error messages say was
// expected: "expected an expression after '+'". Defined in expression_def.hpp; the one
// translation unit that instantiates them is grammar/parser.cpp.
#pragma once

#include <vector>

#include "ast_adapted.hpp"
#include "config.hpp"
#include "syntax.hpp"

namespace matcalc::grammar::rules {

// Expressions, lowest precedence first.
x3::rule<class expression_class, Node> const expression = "an expression";
x3::rule<class term_class, Node> const term = "an expression";
x3::rule<class factor_class, Node> const factor = "an expression";
x3::rule<class signed_factor_class, SignedOperand> const signed_factor = "an expression";
x3::rule<class implicit_product_class, Node> const implicit_product = "an implicit product";
x3::rule<class power_class, Node> const power = "an expression";
x3::rule<class power_parts_class, PowerParts> const power_parts = "an expression";
x3::rule<class power_step_class, PowerStep> const power_step = "'^'";
x3::rule<class exponent_class, SignedOperand> const exponent = "an exponent";
x3::rule<class juxtaposed_class, Node> const juxtaposed = "an operand";
x3::rule<class braced_exponent_class, Node> const braced_exponent = "an exponent in braces";
x3::rule<class postfix_class, Node> const postfix = "an expression";
x3::rule<class primary_class, Node> const primary = "an operand";
x3::rule<class number_class, Node> const number = "a number";
x3::rule<class name_class, Node> const name = "a name";
x3::rule<class call_class, Node> const call = "a call";
x3::rule<class group_class, Node> const group = "a parenthesised expression";
x3::rule<class matrix_class, Node> const matrix = "a matrix literal";
x3::rule<class norm_class, Node> const norm = "a norm";
x3::rule<class root_class, Node> const root = "a square root";
x3::rule<class top_name_class, Node> const top_name = "a transpose";
x3::rule<class index_class, Node> const index = "an index";

// Tokens.
x3::rule<class identifier_class, Token> const identifier = "a name";
x3::rule<class add_op_class, Token> const add_op = "'+' or '-'";
x3::rule<class mul_op_class, Token> const mul_op = "a product operator";
x3::rule<class pow_op_class, Token> const pow_op = "'^'";
x3::rule<class sign_class, Token> const sign = "'-' or '+'";
x3::rule<class tick_class, Token> const tick = "a transpose";
x3::rule<class superscript_class, Token> const superscript = "a superscript";
x3::rule<class top_class, Token> const top = "a transpose";
x3::rule<class assign_op_class, Token> const assign_op = "'='";
x3::rule<class tilde_op_class, Token> const tilde_op = "'~'";
x3::rule<class colon_class> const colon = "':'";
x3::rule<class comma_class> const comma = "','";
x3::rule<class semicolon_class> const semicolon = "';'";

// Declarations and definitions.
x3::rule<class type_class, ast::TypeSpec> const type = "a type (scalar, vector(n) or matrix(m, n))";
x3::rule<class type_keyword_class, Token> const type_keyword = "a type";
x3::rule<class type_sizes_class, std::vector<ast::Size>> const type_sizes = "'(' and sizes";
x3::rule<class size_class, ast::Size> const size = "a size (a positive integer or a name)";
x3::rule<class initializer_class, Node> const initializer =
    "an initializer (a name such as glorot, or a call such as normal(0, 0.1))";
x3::rule<class init_part_class, InitPart> const init_part = "'=' or '~'";
x3::rule<class name_list_class, std::vector<Token>> const name_list = "a name";
x3::rule<class role_class, Token> const role = "a role";
x3::rule<class role_declaration_class, RoleDecl> const role_declaration = "a declaration";
x3::rule<class role_body_class, DeclParts> const role_body = "a name";
x3::rule<class declaration_class, DeclParts> const declaration = "a declaration";
x3::rule<class definition_class, DefParts> const definition = "a definition";
x3::rule<class function_definition_class, FunctionParts> const function_definition = "a function definition";
x3::rule<class statement_class, ast::Statement> const statement =
    "a declaration or a definition";

}  // namespace matcalc::grammar::rules
