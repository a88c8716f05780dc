// The rules file (src/simplify/rules.txt) as data: every line is read and checked when the
// simplifier starts, and a malformed line is an error that names it. The rules' numbers
// are checked in test_simplify_rules.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "matcalc/core/ops.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/simplify/simplify.hpp"

using namespace matcalc;

namespace {

Expr no_rule(Context&, Expr, const Atoms&) { return nullptr; }

// The message read_rules gives for `text`, or "" when it reads.
std::string problem(const std::string& text) {
    try {
        read_rules(text, {{"some-procedure", no_rule}});
        return "";
    } catch (const InputError& e) {
        return e.what();
    }
}

const std::string kProcedure = "some-procedure \"a procedure\": procedure\n";

}  // namespace

TEST_CASE("rules file: the simplifier's rules are read from it, in order, with ids and names", "[simplify][rules]") {
    const std::vector<Rule>& rules = simplifier_rules();
    REQUIRE(rules.size() > 60);
    CHECK(rules.front().id == "collect-factors");
    CHECK(rules.front().procedure != nullptr);
    int patterns = 0;
    for (const Rule& r : rules) {
        INFO(r.id);
        CHECK(!r.name.empty());
        CHECK((r.procedure != nullptr) != (r.pattern != nullptr));
        patterns += r.pattern != nullptr;
    }
    CHECK(patterns > 50);  // the C++ rules are the procedures only
    // The index on the root operation: a transpose is offered the transpose rules and the
    // procedures, never a rule whose pattern is a product.
    for (const Rule* r : rules_for(Op::Transpose)) CHECK(r->id != "identity-left");
    bool found = false;
    for (const Rule* r : rules_for(Op::Transpose)) found = found || r->id == "transpose-product";
    CHECK(found);
}

TEST_CASE("rules file: a pattern rule rewrites by its pattern and guards", "[simplify][rules]") {
    std::vector<Rule> rules = read_rules(kProcedure + "log-exp \"log(exp(x)) = x\": log(exp(?x)) => ?x\n"
                                                      "scaled \"(s A)ᵀ = s Aᵀ\": (?s ⊙ ?A)' => ?s ⊙ ?A' if scalar(?s), not scalar(?A)\n",
                                         {{"some-procedure", no_rule}});
    REQUIRE(rules.size() == 3);
    Context cx;
    Dim n = cx.sizes().symbol("n");
    Expr x = cx.variable("x", {n, 1}), s = cx.variable("s", kScalarShape), A = cx.variable("A", {n, n});
    Atoms atoms;
    CHECK(rules[1].apply(cx, cx.apply(Op::Log, cx.apply(Op::Exp, x)), atoms) == x);
    CHECK(rules[1].apply(cx, cx.apply(Op::Exp, x), atoms) == nullptr);
    CHECK(rules[2].apply(cx, cx.transpose(cx.mul(s, A)), atoms) == cx.mul(s, cx.transpose(A)));
    CHECK(rules[2].apply(cx, cx.transpose(cx.mul(A, A)), atoms) == nullptr);  // the guard: A is no scalar
}

TEST_CASE("rules file: malformed lines are errors that name the line", "[simplify][rules][bad_input]") {
    CHECK(problem(kProcedure) == "");
    CHECK(problem(kProcedure + "r \"x\": log(exp(?x)) => ?x\n") == "");
    CHECK(problem("") .find("the procedure 'some-procedure' has no line") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": log(exp(?x)) => ?y\n").find("rules.txt:2: ?y is not in the pattern") == 0);
    CHECK(problem(kProcedure + "r \"x\": log(?x) => ?x if wide(?x)\n").find("rules.txt:2: no predicate 'wide'") == 0);
    CHECK(problem(kProcedure + "r \"x\": log(?x) => ?x if scalar(?y)\n").find("the guard's ?y is not in the pattern") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": log(?x) => ?x if same_shape(?x)\n").find("same_shape takes 2 wildcards") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": frob(?x) => ?x\n").find("rules.txt:2:") == 0);
    CHECK(problem(kProcedure + "r \"x\": log(?x => ?x\n").find("rules.txt:2:") == 0);
    CHECK(problem(kProcedure + "r \"x\": ?x => log(?x)\n").find("a pattern is an operation") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": log(?x) ?x\n").find("expected PATTERN => REPLACEMENT") != std::string::npos);
    CHECK(problem(kProcedure + "r log(?x) => ?x\n").find("a rule is ID \"NAME\"") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": log(?x) => ?x\nr \"y\": exp(?x) => ?x\n").find("the id 'r' is taken (line 2)") !=
          std::string::npos);
    CHECK(problem(kProcedure + "other \"x\": procedure\n").find("no procedure 'other' in C++") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": log(x) => x\n").find("write ?x for a wildcard") != std::string::npos);
    // The replacement must have the pattern's shape: a column is not its transpose.
    CHECK(problem(kProcedure + "r \"x\": exp(?v) => ?v' if column(?v)\n").find("the replacement is") != std::string::npos);
    CHECK(problem(kProcedure + "r \"x\": (?A * ?B)' => ?A' * ?B'\n").find("rules.txt:2: the replacement") == 0);
}
