// The prelude (src/frontend/prelude.txt): functions defined by formulas of other
// operations. Each one, table-driven: a call is its body (same values), its derivative
// agrees with central differences, and a model may use it like any function.
#include <catch2/catch.hpp>

#include <cmath>

#include "matcalc/frontend/prelude.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

TEST_CASE("prelude: every function is its formula, and its derivative checks", "[prelude]") {
    REQUIRE(!prelude().empty());
    for (const PreludeFunction& f : prelude()) {
        INFO(f.name << "(...) = " << f.body);
        CHECK(!f.summary.empty());
        REQUIRE(!f.parameters.empty());
        const std::string& t = f.parameters[0];
        // The first parameter a vector; any others scalars (clip's bounds), valued -0.5, 1, ...
        std::string others_decl, others_args, others_at;
        std::vector<std::string> others_wrt;
        for (std::size_t i = 1; i < f.parameters.size(); ++i) {
            const std::string& p = f.parameters[i];
            others_decl += p + " : scalar; ";
            others_args += ", " + p;
            others_at += ", \"" + p + "\": " + (i == 1 ? "-0.5" : std::to_string(i - 1));
            others_wrt.push_back(p);
        }
        // The call and the body written out give the same numbers.
        std::string body = f.body;
        std::string at = "{\"" + t + "\": [-1.5, 0.25, 2]" + others_at + "}";
        Run call = run({"eval", "-e", others_decl + t + " : vector(n); f = sum(" + f.name + "(" + t + others_args + "))",
                        "--at", at, "--format", "json"});
        Run written = run({"eval", "-e", others_decl + t + " : vector(n); f = sum(" + body + ")", "--at", at, "--format", "json"});
        REQUIRE(call.code == 0);
        CHECK(call.out == written.out);
        // Its derivative, through the formula, against central differences.
        std::vector<std::string> args{"check", "-e",
                                      others_decl + "x : vector(n); W : matrix(m, n); f = sum(" + f.name + "(W*x" + others_args + "))",
                                      "--wrt", "W", "--wrt", "x"};
        for (const std::string& p : others_wrt) args.insert(args.end(), {"--wrt", p});
        Run c = run(args);
        INFO(c.out << c.err);
        CHECK(c.code == 0);
    }
}

TEST_CASE("prelude: swish as the lecture would use it, and its mistakes", "[prelude]") {
    CHECK(derive({"-e", "z : scalar; f = swish(z)", "--wrt", "z"}).unicode == "σ(z) (1 + z (1 − σ(z)))");
    CHECK(derive({"-e", "z : scalar; f = silu(z)", "--wrt", "z"}).unicode == "σ(z) (1 + z (1 − σ(z)))");
    Run wrong = run({"derive", "-e", "z : scalar; f = swish(z, z)", "--wrt", "z"});
    CHECK(wrong.code == 2);
    CHECK(wrong.err.find("swish takes 1 argument, not 2") != std::string::npos);
    Run taken = run({"derive", "-e", "swish : scalar; f = swish", "--wrt", "swish"});
    CHECK(taken.code == 2);
    CHECK(taken.err.find("'swish' is the name of a function") != std::string::npos);
    Run near = run({"derive", "-e", "z : scalar; f = swsh(z)", "--wrt", "z"});
    CHECK(near.err.find("did you mean 'swish'?") != std::string::npos);
}
