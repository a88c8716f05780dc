// Using matcalc as a library: bind a model, differentiate, simplify, print, evaluate.
//   build/api_demo
#include <iostream>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"

int main() {
    using namespace matcalc;
    // The lecture's ReLU neuron with its intermediate z named.
    Model model = load_model(Source{"neuron.mc", "w, x : vector(n); b : scalar\n"
                                                 "z = w·x + b\n"
                                                 "a = max(0, z)\n"});
    Context& cx = model.cx();
    const Symbol& a = model.function(std::nullopt);
    // Definitions print by name: z rather than w·x + b.
    Simplifier simplifier(cx);
    auto names = name_definitions(simplifier, model.definitions(&a));
    for (const char* wrt : {"w", "b", "x"}) {
        Expr d = simplifier(derivative(cx, a.expr, model.find(wrt)->expr));
        PrintOptions unicode{Style::Unicode, &names};
        PrintOptions latex{Style::Latex, &names};
        std::cout << "∂a/∂" << wrt << " = " << print(cx, d, unicode) << "    LaTeX: " << print(cx, d, latex) << "\n";
    }
    // Numbers: n is inferred from the values.
    Env env = load_values(model, Source{"at.json", R"({"w": [1, -2, 0.5], "x": [3, 1, 2], "b": 0.25})"});
    Expr dw = simplify(cx, derivative(cx, a.expr, model.find("w")->expr));
    std::cout << "a = " << evaluate(cx, a.expr, env) << ", ∂a/∂w = " << evaluate(cx, dw, env) << "\n";
}
