// The optimizers' settings, shared by the trainer (train.hpp) and the reference MLP
// (reference_mlp.hpp), which each implement the updates themselves (the reference is the
// independent check of the trainer).
#pragma once

namespace matcalc {

enum class OptimizerKind { SGD, Momentum, Adam };

// The update of a parameter P from its gradient G (t counts steps from 1), as PyTorch:
//   sgd:      P −= lr G
//   momentum: V = momentum V + G;  P −= lr V
//   adam:     M = β1 M + (1 − β1) G;  S = β2 S + (1 − β2) G²;
//             P −= lr (M / (1 − β1ᵗ)) / (√(S / (1 − β2ᵗ)) + ε)
struct OptimizerSettings {
    OptimizerKind kind = OptimizerKind::SGD;
    double lr = 0.1;
    double momentum = 0.9;
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

}  // namespace matcalc
