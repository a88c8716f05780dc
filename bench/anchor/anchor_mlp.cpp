#include "anchor_mlp.hpp"

#include <cmath>

namespace anchor {

template <class T>
struct MLP<T>::State {
    using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    using V = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    struct Layer {
        M W, gW, Z, A, D;  // D: ∂loss/∂Z
        V b, gb;
        Act act;
    };
    std::vector<Layer> layers;
    M X, Y;
};

template <class T>
MLP<T>::MLP(const std::vector<LayerInit>& init) : s_(std::make_unique<State>()) {
    for (const LayerInit& l : init) {
        typename State::Layer layer;
        layer.W = l.W.cast<T>();
        layer.b = l.b.cast<T>();
        layer.act = l.act;
        s_->layers.push_back(std::move(layer));
    }
}

template <class T>
MLP<T>::~MLP() = default;

template <class T>
void MLP<T>::set_batch(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y) {
    s_->X = X.cast<T>();
    s_->Y = Y.cast<T>();
}

template <class T>
double MLP<T>::step(double learning_rate) {
    auto& L = s_->layers;
    const auto& X = s_->X;
    const auto& Y = s_->Y;
    const T lr = static_cast<T>(learning_rate);
    const T B = static_cast<T>(X.cols());
    for (std::size_t l = 0; l < L.size(); ++l) {
        auto& layer = L[l];
        layer.Z.noalias() = layer.W * (l == 0 ? X : L[l - 1].A);
        layer.Z.colwise() += layer.b;
        switch (layer.act) {
        case Act::Tanh: layer.A = layer.Z.array().tanh(); break;
        case Act::ReLU: layer.A = layer.Z.cwiseMax(T(0)); break;
        case Act::Sigmoid: layer.A = (T(1) + (-layer.Z.array()).exp()).inverse(); break;
        }
    }
    // bce(σ(z), y) = max(z, 0) − y z + log(1 + e^{−|z|}), from the logits (stable).
    const auto& Zo = L.back().Z.array();
    const T loss = ((Zo.max(T(0)) - Y.array() * Zo + (-Zo.abs()).exp().log1p()).sum()) / B;
    L.back().D = (L.back().A - Y) / B;
    for (std::size_t l = L.size(); l-- > 0;) {
        auto& layer = L[l];
        const auto& input = l == 0 ? X : L[l - 1].A;
        layer.gW.noalias() = layer.D * input.transpose();
        layer.gb = layer.D.rowwise().sum();
        if (l > 0) {
            auto& below = L[l - 1];
            below.D.noalias() = layer.W.transpose() * layer.D;
            if (below.act == Act::Tanh) below.D.array() *= T(1) - below.A.array().square();
            else if (below.act == Act::ReLU) below.D.array() *= (below.Z.array() > T(0)).template cast<T>();
            else below.D.array() *= below.A.array() * (T(1) - below.A.array());
        }
        layer.W -= lr * layer.gW;
        layer.b -= lr * layer.gb;
    }
    return static_cast<double>(loss);
}

template class MLP<double>;
template class MLP<float>;

}  // namespace anchor
