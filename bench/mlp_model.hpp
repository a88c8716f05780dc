// The L-layer MLP loss of bench_depth.cpp and tests/test_gradient_size.cpp, written as a
// person writes it: one definition per line.
#pragma once

#include <string>

#include <fmt/format.h>

namespace matcalc::bench {

// tanh layers with a sigmoid output and BCE, or sigmoid layers with a linear output and
// the squared error.
enum class Family { TanhBce, SigmoidMse };

inline std::string mlp_model(int layers, Family family) {
    const char* act = family == Family::TanhBce ? "tanh" : "sigmoid";
    std::string s = "input  x : vector(d)\ntarget y : scalar\n";
    s += "param W1 : matrix(h, d)\nparam b1 : vector(h)\n";
    for (int k = 2; k <= layers; ++k) s += fmt::format("param W{0} : matrix(h, h)\nparam b{0} : vector(h)\n", k);
    s += "param v : vector(h)\nparam c : scalar\n\n";
    s += fmt::format("z1 = W1*x + b1\na1 = {}(z1)\n", act);
    for (int k = 2; k <= layers; ++k) s += fmt::format("z{0} = W{0}*a{1} + b{0}\na{0} = {2}(z{0})\n", k, k - 1, act);
    if (family == Family::TanhBce)
        s += fmt::format("yhat = σ(v·a{} + c)\nloss = bce(yhat, y)\n", layers);
    else
        s += fmt::format("yhat = v·a{} + c\nloss = (yhat - y)^2\n", layers);
    return s;
}

}  // namespace matcalc::bench
