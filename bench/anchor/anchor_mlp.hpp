// An independent hand-written MLP training step: plain Eigen forward pass, backprop and
// SGD, as a person writes it for speed (no code of the engine, no code of the project's
// reference MLP in tests/support/). Built on its own with -O3 -march=native
// (CMakeLists.txt), so that bench_train compares matcalc's derived program with the best a
// hand-written program gets from the same machine.
//
// Hidden layers Tanh or ReLU, a sigmoid output, binary cross-entropy summed over the
// outputs and averaged over the batch (bench_train's model). One sample per column.
#pragma once

#include <memory>
#include <vector>

#include <Eigen/Core>

namespace anchor {

enum class Act { Tanh, ReLU, Sigmoid };

struct LayerInit {
    Eigen::MatrixXd W;  // out × in
    Eigen::VectorXd b;
    Act act;
};

// In double or float: every value held and computed in T. Exported from a shared library
// built with hidden visibility: its instantiations of Eigen's templates stay its own
// rather than merging with the engine's, which may be compiled with other flags.
template <class T>
class __attribute__((visibility("default"))) MLP {
public:
    explicit MLP(const std::vector<LayerInit>& layers);
    ~MLP();
    MLP(const MLP&) = delete;
    MLP& operator=(const MLP&) = delete;
    // X: inputs × B, Y: outputs × B (rounded to T once, here: a training loop's batch).
    void set_batch(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);
    // Forward, loss, backward and W −= lr ∇W, b −= lr ∇b; the loss before the update.
    double step(double lr);

private:
    struct State;
    std::unique_ptr<State> s_;
};

extern template class MLP<double>;
extern template class MLP<float>;

}  // namespace anchor
