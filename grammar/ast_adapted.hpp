// Fusion adapters for the grammar's internal syntax structs (syntax.hpp), so that X3
// can fill them from sequences of parsers.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "syntax.hpp"

BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::SignedOperand, signs, operand)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::PowerStep, op, exponent)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::PowerParts, base, steps)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::InitPart, op, value)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::DeclParts, names, type, init)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::RoleDecl, role, decl)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::DefParts, name, value)
BOOST_FUSION_ADAPT_STRUCT(matcalc::grammar::FunctionParts, name, parameters, value)
