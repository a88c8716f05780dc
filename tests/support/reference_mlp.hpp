// The reference: a plain multilayer perceptron with hand-written backpropagation in Eigen.
//
// It shares no code with the symbolic engine, so that `matcalc train` can be checked
// against it (to 1e-10) and benchmarked against it ("the hand-written Eigen backprop").
// It is written for clarity: every formula is the textbook one, in double precision, in
// the same form as the symbolic models the trainer uses (the definitions below).
//
//   Layer l:   z_l = W_l a_{l-1} + b_l,   a_l = f_l(z_l),   a_0 = x,   W_l is out × in.
//   Batches:   one sample per COLUMN: X is in × B, Y is out × B; the batch loss is the
//              mean over the B columns of the per-sample loss.
//   Losses (p = a_L, the output activation; z = z_L):
//     BCE        Σ_k −(y_k log p_k + (1 − y_k) log(1 − p_k))   (output activation Sigmoid)
//                ∂L/∂z = (p − y)/B  — exactly the derivative for sigmoid + BCE
//     SoftmaxCE  −Σ_k y_k log softmax(z)_k                       (output activation Identity)
//                ∂L/∂z = (softmax(z) Σ_k y_k − y)/B  — y need not sum to 1
//     MSE        Σ_k (p_k − y_k)²                                (any output activation)
//                ∂L/∂z = 2(p − y)/B ⊙ f_L'(z)
//   Activations: LeakyReLU's slope is 0.01. At the kink z = 0 the derivative is the left
//   one (ReLU'(0) = 0, LeakyReLU'(0) = 0.01), as matcalc's step(0) = 0.
//
// Optimizers (PyTorch's conventions), per parameter array P with gradient G, step count t
// (1 on the first step()):
//   SGD       P −= lr G
//   Momentum  V = momentum V + G (V starts at 0);  P −= lr V          (no dampening)
//   Adam      M = β1 M + (1 − β1) G;  S = β2 S + (1 − β2) G²;
//             M̂ = M/(1 − β1^t);  Ŝ = S/(1 − β2^t);  P −= lr M̂/(√Ŝ + eps)
#pragma once

#include <vector>

#include <Eigen/Core>

#include "matcalc/apps/optimizer.hpp"

namespace matcalc::reference {

enum class Activation { Identity, Sigmoid, Tanh, ReLU, LeakyReLU };
enum class Loss { BCE, SoftmaxCE, MSE };

inline constexpr double kLeakySlope = 0.01;

struct Layer {
    Eigen::MatrixXd W;  // out × in
    Eigen::VectorXd b;  // out
    Activation activation = Activation::Identity;
};

class MLP {
public:
    // Throws std::invalid_argument when the layers are empty, their sizes do not chain
    // (W_l.cols() == W_{l-1}.rows(), b_l.size() == W_l.rows()), or the output activation
    // does not suit the loss (BCE needs Sigmoid, SoftmaxCE needs Identity).
    MLP(std::vector<Layer> layers, Loss loss);

    // X: in × B, Y: out × B, B ≥ 1 (else std::invalid_argument).
    double loss(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);              // forward only
    double forward_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);  // and gradients

    // Gradients of the batch loss from the last forward_backward(), shaped like W_l, b_l.
    const std::vector<Eigen::MatrixXd>& grad_W() const { return grad_W_; }
    const std::vector<Eigen::VectorXd>& grad_b() const { return grad_b_; }

    // One update of every parameter from the last gradients (std::logic_error before any
    // forward_backward()). The optimizer state (V, M, S, t) lives in the MLP.
    void step(const OptimizerSettings& settings);
    // forward_backward + step; returns the loss before the update.
    double train_step(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y, const OptimizerSettings& settings);
    // Forgets V, M, S and t (the next step() is step 1 again).
    void reset_optimizer();
    int steps_taken() const { return t_; }

    // Output activations, out × B; for SoftmaxCE the softmax of each column of z_L.
    Eigen::MatrixXd predict(const Eigen::MatrixXd& X);

    // The parameters, to read or to set. Shapes are checked again on every pass; the
    // optimizer state of an array whose shape changed starts again from zero.
    std::vector<Layer>& layers() { return layers_; }
    const std::vector<Layer>& layers() const { return layers_; }
    Loss loss_kind() const { return loss_; }

    // Values of the last forward pass, one column per sample: z_l and a_l (l = 1..L at
    // index l − 1; for SoftmaxCE a_L = z_L, the logits), and from the last
    // forward_backward() δ_l = ∂(batch loss)/∂z_l.
    const std::vector<Eigen::MatrixXd>& pre_activations() const { return z_; }
    const std::vector<Eigen::MatrixXd>& activations() const { return a_; }
    const std::vector<Eigen::MatrixXd>& deltas() const { return delta_; }

private:
    Eigen::Index check_layers() const;  // the output size
    void check_batch(const Eigen::MatrixXd& X, const Eigen::MatrixXd* Y) const;
    void forward(const Eigen::MatrixXd& X);
    double batch_loss(const Eigen::MatrixXd& Y) const;
    void backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);

    std::vector<Layer> layers_;
    Loss loss_;

    // Buffers reused from one batch to the next (no allocation while B stays the same).
    std::vector<Eigen::MatrixXd> z_, a_, delta_;
    std::vector<Eigen::MatrixXd> grad_W_;
    std::vector<Eigen::VectorXd> grad_b_;
    bool have_gradients_ = false;

    // Optimizer state: V (momentum), M and S (Adam), shaped like the parameters.
    std::vector<Eigen::MatrixXd> V_W_, M_W_, S_W_;
    std::vector<Eigen::VectorXd> V_b_, M_b_, S_b_;
    int t_ = 0;
};

}  // namespace matcalc::reference
