// The lecture's ReLU neuron through the installed library: derive, simplify, print and
// evaluate, as examples/api_demo.cpp does inside the tree.
#include <iostream>

#include <matcalc/calculus/derive.hpp>
#include <matcalc/numeric/values.hpp>
#include <matcalc/frontend/model.hpp>
#include <matcalc/print/print.hpp>
#include <matcalc/simplify/simplify.hpp>
#include <matcalc/version.hpp>

int main() {
    using namespace matcalc;
    Model model = load_model(Source{"neuron.mc", "w, x : vector(n); b : scalar; z = w·x + b; a = max(0, z)"});
    Context& cx = model.cx();
    const Symbol& a = model.function(std::nullopt);
    Simplifier simplifier(cx);
    auto names = name_definitions(simplifier, model.definitions(&a));
    Expr dw = simplifier(derivative(cx, a.expr, model.find("w")->expr));
    std::cout << "matcalc " << kVersion << "\n";
    std::cout << "da/dw = " << print(cx, dw, PrintOptions{Style::Unicode, &names}) << "\n";
    Env env = load_values(model, Source{"at", R"({"w": [1, -2, 0.5], "x": [3, 1, 2], "b": 0.25})"});
    std::cout << "at the point: " << evaluate(cx, dw, env) << "\n";
}
