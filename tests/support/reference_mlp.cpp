// The reference MLP: forward pass, the three losses, backpropagation and the optimizers,
// each written as the formula in reference_mlp.hpp says. Elementwise functions are the
// std:: ones (as matcalc's own kernels), not Eigen's vectorised approximations, so the two
// implementations differ only in the order of operations.
#include "reference_mlp.hpp"

#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

namespace matcalc::reference {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// The same two-branch form as matcalc's kernel: exp never overflows.
double sigmoid(double z) { return z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z)); }

// a = f(z), elementwise.
void activate(Activation f, const MatrixXd& z, MatrixXd& a) {
    switch (f) {
    case Activation::Identity: a = z; return;
    case Activation::Sigmoid: a = z.unaryExpr([](double v) { return sigmoid(v); }); return;
    case Activation::Tanh: a = z.unaryExpr([](double v) { return std::tanh(v); }); return;
    case Activation::ReLU: a = z.unaryExpr([](double v) { return v > 0 ? v : 0.0; }); return;
    case Activation::LeakyReLU: a = z.unaryExpr([](double v) { return v > 0 ? v : kLeakySlope * v; }); return;
    }
}

// d ⊙= f'(z), with f' written through the output a where that is the usual form
// (σ' = a(1 − a), tanh' = 1 − a²), as matcalc's derivative table writes them. At z = 0
// ReLU and leaky ReLU take the left derivative (step(0) = 0).
void times_derivative(Activation f, const MatrixXd& z, const MatrixXd& a, MatrixXd& d) {
    switch (f) {
    case Activation::Identity: return;
    case Activation::Sigmoid: d.array() *= a.array() * (1 - a.array()); return;
    case Activation::Tanh: d.array() *= 1 - a.array().square(); return;
    case Activation::ReLU: d.array() *= z.array().unaryExpr([](double v) { return v > 0 ? 1.0 : 0.0; }); return;
    case Activation::LeakyReLU:
        d.array() *= z.array().unaryExpr([](double v) { return v > 0 ? 1.0 : kLeakySlope; });
        return;
    }
}

// out = softmax of each column of z, shifted by the column's maximum so exp cannot overflow.
void softmax_columns(const MatrixXd& z, MatrixXd& out) {
    out.resize(z.rows(), z.cols());
    for (Index j = 0; j < z.cols(); ++j) {
        const double top = z.col(j).maxCoeff();
        out.col(j) = z.col(j).unaryExpr([top](double v) { return std::exp(v - top); });
        out.col(j) /= out.col(j).sum();
    }
}

// One optimizer update of a parameter array (a weight matrix or a bias vector).
template <class Param>
void update(Param& P, const Param& G, Param& V, Param& M, Param& S, const OptimizerSettings& o, int t) {
    // State arrays are sized (with zeros) on first use, or again if the parameter's
    // shape was changed through layers().
    auto fit = [&P](Param& state) {
        if (state.rows() != P.rows() || state.cols() != P.cols()) state.setZero(P.rows(), P.cols());
    };
    switch (o.kind) {
    case OptimizerKind::SGD: P -= o.lr * G; return;
    case OptimizerKind::Momentum:
        fit(V);
        V = o.momentum * V + G;
        P -= o.lr * V;
        return;
    case OptimizerKind::Adam: {
        fit(M);
        fit(S);
        M = o.beta1 * M + (1 - o.beta1) * G;
        S.array() = o.beta2 * S.array() + (1 - o.beta2) * G.array().square();
        const double correction1 = 1 - std::pow(o.beta1, t);  // M̂ = M / correction1
        const double correction2 = 1 - std::pow(o.beta2, t);  // Ŝ = S / correction2
        P.array() -= o.lr * (M.array() / correction1) / ((S.array() / correction2).sqrt() + o.eps);
        return;
    }
    }
}

std::string shape(const MatrixXd& m) { return std::to_string(m.rows()) + "×" + std::to_string(m.cols()); }

}  // namespace

MLP::MLP(std::vector<Layer> layers, Loss loss) : layers_(std::move(layers)), loss_(loss) { check_layers(); }

Index MLP::check_layers() const {
    if (layers_.empty()) throw std::invalid_argument("reference MLP: no layers");
    Index in = layers_.front().W.cols();
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        const Layer& layer = layers_[l];
        // (Messages are built only on failure: this runs on every pass, allocation-free.)
        auto name = [l] { return "reference MLP: layer " + std::to_string(l + 1); };
        if (layer.W.size() == 0 || layer.W.cols() != in)
            throw std::invalid_argument(name() + ": W is " + shape(layer.W) + ", its input has " +
                                        std::to_string(in) + " rows");
        if (layer.b.size() != layer.W.rows())
            throw std::invalid_argument(name() + ": b has " + std::to_string(layer.b.size()) + " entries, W " +
                                        std::to_string(layer.W.rows()) + " rows");
        in = layer.W.rows();
    }
    const Activation out = layers_.back().activation;
    if (loss_ == Loss::BCE && out != Activation::Sigmoid)
        throw std::invalid_argument("reference MLP: BCE needs a Sigmoid output layer");
    if (loss_ == Loss::SoftmaxCE && out != Activation::Identity)
        throw std::invalid_argument("reference MLP: SoftmaxCE needs an Identity output layer (the loss applies softmax)");
    return in;
}

void MLP::check_batch(const MatrixXd& X, const MatrixXd* Y) const {
    const Index out = check_layers();
    const Index in = layers_.front().W.cols();
    if (X.rows() != in || X.cols() == 0)
        throw std::invalid_argument("reference MLP: inputs are " + shape(X) + ", expected " + std::to_string(in) +
                                    "×B with B ≥ 1");
    if (Y && (Y->rows() != out || Y->cols() != X.cols()))
        throw std::invalid_argument("reference MLP: targets are " + shape(*Y) + ", expected " + std::to_string(out) +
                                    "×" + std::to_string(X.cols()));
}

void MLP::forward(const MatrixXd& X) {
    const std::size_t L = layers_.size();
    z_.resize(L);
    a_.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        const MatrixXd& input = l == 0 ? X : a_[l - 1];
        z_[l].noalias() = layers_[l].W * input;
        z_[l].colwise() += layers_[l].b;
        activate(layers_[l].activation, z_[l], a_[l]);
    }
}

// Mean over the columns of the per-sample loss, each written as its definition.
double MLP::batch_loss(const MatrixXd& Y) const {
    const MatrixXd& out = a_.back();  // p, or the logits z for SoftmaxCE
    double total = 0;
    for (Index j = 0; j < Y.cols(); ++j) {
        double sample = 0;
        switch (loss_) {
        case Loss::BCE:
            for (Index k = 0; k < Y.rows(); ++k) {
                const double p = out(k, j), y = Y(k, j);
                // 0 log 0 = 0, as the operation table's bce: a confident right answer costs 0.
                sample -= y * std::log(y == 0 ? 1.0 : p) + (1 - y) * std::log(y == 1 ? 1.0 : 1 - p);
            }
            break;
        case Loss::SoftmaxCE: {
            // log softmax(z)_k = z_k − (max + log Σ exp(z − max))
            const double top = out.col(j).maxCoeff();
            const double log_sum = top + std::log(out.col(j).unaryExpr([top](double v) { return std::exp(v - top); }).sum());
            for (Index k = 0; k < Y.rows(); ++k) sample += -Y(k, j) * (out(k, j) - log_sum);
            break;
        }
        case Loss::MSE:
            for (Index k = 0; k < Y.rows(); ++k) sample += (out(k, j) - Y(k, j)) * (out(k, j) - Y(k, j));
            break;
        }
        total += sample;
    }
    return total / static_cast<double>(Y.cols());
}

void MLP::backward(const MatrixXd& X, const MatrixXd& Y) {
    const std::size_t L = layers_.size();
    const double B = static_cast<double>(X.cols());
    delta_.resize(L);
    grad_W_.resize(L);
    grad_b_.resize(L);

    // δ_L = ∂(batch loss)/∂z_L.
    MatrixXd& out_delta = delta_[L - 1];
    switch (loss_) {
    case Loss::BCE:  // dL/dp ⊙ σ'(z) = (p − y)/(p(1 − p)) ⊙ p(1 − p), simplified exactly
        out_delta = (a_.back() - Y) / B;
        break;
    case Loss::SoftmaxCE:  // −Σ y_k log softmax_k differentiates to softmax·Σy − y
        softmax_columns(a_.back(), out_delta);
        for (Index j = 0; j < Y.cols(); ++j) out_delta.col(j) = (out_delta.col(j) * Y.col(j).sum() - Y.col(j)) / B;
        break;
    case Loss::MSE:
        out_delta = 2 * (a_.back() - Y) / B;
        times_derivative(layers_.back().activation, z_.back(), a_.back(), out_delta);
        break;
    }

    // ∇W_l = δ_l a_{l-1}ᵀ, ∇b_l = δ_l summed over the batch, δ_{l-1} = (W_lᵀ δ_l) ⊙ f'(z_{l-1}).
    for (std::size_t l = L; l-- > 0;) {
        const MatrixXd& input = l == 0 ? X : a_[l - 1];
        grad_W_[l].noalias() = delta_[l] * input.transpose();
        grad_b_[l] = delta_[l].rowwise().sum();
        if (l > 0) {
            delta_[l - 1].noalias() = layers_[l].W.transpose() * delta_[l];
            times_derivative(layers_[l - 1].activation, z_[l - 1], a_[l - 1], delta_[l - 1]);
        }
    }
    have_gradients_ = true;
}

double MLP::loss(const MatrixXd& X, const MatrixXd& Y) {
    check_batch(X, &Y);
    forward(X);
    return batch_loss(Y);
}

double MLP::forward_backward(const MatrixXd& X, const MatrixXd& Y) {
    check_batch(X, &Y);
    forward(X);
    const double value = batch_loss(Y);
    backward(X, Y);
    return value;
}

void MLP::step(const OptimizerSettings& settings) {
    if (!have_gradients_) throw std::logic_error("reference MLP: step() before forward_backward()");
    const std::size_t L = layers_.size();
    if (grad_W_.size() != L) throw std::logic_error("reference MLP: the layers changed since forward_backward()");
    for (std::size_t l = 0; l < L; ++l)
        if (grad_W_[l].rows() != layers_[l].W.rows() || grad_W_[l].cols() != layers_[l].W.cols() ||
            grad_b_[l].size() != layers_[l].b.size())
            throw std::logic_error("reference MLP: the layers changed since forward_backward()");
    for (auto* state : {&V_W_, &M_W_, &S_W_}) state->resize(L);
    for (auto* state : {&V_b_, &M_b_, &S_b_}) state->resize(L);
    ++t_;
    for (std::size_t l = 0; l < L; ++l) {
        update(layers_[l].W, grad_W_[l], V_W_[l], M_W_[l], S_W_[l], settings, t_);
        update(layers_[l].b, grad_b_[l], V_b_[l], M_b_[l], S_b_[l], settings, t_);
    }
}

double MLP::train_step(const MatrixXd& X, const MatrixXd& Y, const OptimizerSettings& settings) {
    const double before = forward_backward(X, Y);
    step(settings);
    return before;
}

void MLP::reset_optimizer() {
    for (auto* state : {&V_W_, &M_W_, &S_W_}) state->clear();
    for (auto* state : {&V_b_, &M_b_, &S_b_}) state->clear();
    t_ = 0;
}

MatrixXd MLP::predict(const MatrixXd& X) {
    check_batch(X, nullptr);
    forward(X);
    if (loss_ != Loss::SoftmaxCE) return a_.back();
    MatrixXd probabilities;
    softmax_columns(a_.back(), probabilities);
    return probabilities;
}

}  // namespace matcalc::reference
