// Training a model from its derived expressions (docs/language.md, roles; README, `matcalc train`).
//
// The model declares `param`, `input` and `target` symbols and defines a loss. Two kinds:
//   - a per-sample model, as the lecture writes it (x : vector(d), y : scalar): trained on
//     minibatches by lifting it to the batch — every input and target becomes a matrix with
//     one sample per column, each operation its batched form (W x → W X, sum(v) → 1ᵀ V,
//     w·x → wᵀ X, softmax(z) → softmax(Z) column by column, ...), and the loss the mean over
//     the columns: the lecture's "scalar vs vectorized" slide as a program transformation
//     (lift.cpp). An operation without a batched form (logsumexp, a transpose of a sample,
//     ...) falls back to evaluating the
//     per-sample program once per sample and averaging: slower, the same numbers.
//   - a batch model (X : matrix(B, d), one sample per row, B a size symbol): trained as
//     written, B bound to each minibatch's size; its loss is what it says (write the mean).
// The loss and its gradients with respect to every parameter come from one reverse sweep,
// simplified, compiled once per batch size into an Evaluator (allocation-free runs).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/apps/optimizer.hpp"

namespace matcalc {

// A training run went wrong numerically: a NaN or infinity in the loss or a parameter.
// Names the epoch (from 1) and the first offending parameter ("" for the loss).
struct Diverged : std::runtime_error {
    Diverged(std::string message, int epoch, std::string parameter)
        : std::runtime_error(std::move(message)), epoch(epoch), parameter(std::move(parameter)) {}
    int epoch;
    std::string parameter;
};

class Trainer {
public:
    // `loss` is a scalar definition of `model`. Throws InputError when the model has no
    // param, or the loss is not a scalar, or an input or target is neither a scalar, a
    // vector nor (batch models) a matrix with a size symbol for rows.
    // `precision`: what the training computes in. Float32: the programs run in float and the
    // parameters, their updates and the optimizer's state are float as well (as a float32
    // PyTorch model), so that a step converts nothing but the batch; parameter_values()
    // widens them to double.
    Trainer(Model& model, const Symbol& loss, OptimizerSettings optimizer,
            Precision precision = Precision::Float64);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // The parameters, inputs and targets in declaration order.
    const std::vector<const Symbol*>& parameters() const { return params_; }
    const std::vector<const Symbol*>& inputs() const { return inputs_; }
    const std::vector<const Symbol*>& targets() const { return targets_; }
    // Entries of one sample's inputs (targets): the data columns they take, in order.
    Eigen::Index input_width() const;
    Eigen::Index target_width() const;
    bool batch_model() const { return batch_model_; }
    // Whether a per-sample model was lifted to the batch (false: evaluated sample by sample).
    bool lifted() const { return lifted_; }
    std::string fallback_reason() const { return fallback_reason_; }

    // Parameter values (by name). set_parameters checks every parameter has a value of its shape.
    void set_parameters(const std::map<std::string, Eigen::MatrixXd>& values);
    const std::map<std::string, Eigen::MatrixXd>& parameter_values() const;

    // One sample per column: X is input_width() × B, Y is target_width() × B.
    // The batch loss (mean over the samples for per-sample models), and with gradients.
    double loss(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);
    double loss_and_gradients(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);
    const std::map<std::string, Eigen::MatrixXd>& gradient_values() const;
    // loss_and_gradients, then one optimizer update; returns the loss before the update.
    // Throws Diverged when the loss or an updated parameter is not finite (`epoch` for
    // the message).
    double step(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y, int epoch = 1);

    // The value of the definition `name` for each sample (one column per sample; per-sample
    // models evaluate it per sample), at the current parameters.
    Eigen::MatrixXd predict(const std::string& name, const Eigen::MatrixXd& X);

private:
    struct Program;
    // The parameters, their gradients and the optimizer's state in T (Float64: double,
    // Float32: float), in params_ order; the batch's data in T where it is copied.
    template <class T>
    struct State;
    Program& program(Eigen::Index batch, bool with_gradients);
    template <class T>
    State<T>& state();
    // The batch (samples as columns of X and Y, or with `sample` that column alone) as the
    // program's inputs and targets, bound to it with the parameters.
    template <class T>
    void bind(Program& p, const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y, std::optional<Eigen::Index> sample);
    template <class T>
    double loss_and_gradients_in(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y);
    template <class T>
    void update(int epoch);
    // A per-sample model that could not be lifted: its program runs once per sample.
    bool sample_by_sample() const { return !batch_model_ && !lifted_; }

    Model& model_;
    const Symbol& loss_;
    OptimizerSettings optimizer_;
    Precision precision_;
    std::vector<const Symbol*> params_, inputs_, targets_;
    bool batch_model_ = false, lifted_ = false;
    std::string fallback_reason_;
    Dim batch_symbol_ = 0;
    Expr per_sample_loss_ = nullptr, batch_loss_ = nullptr;  // batch_loss_: lifted or as written
    std::vector<Expr> per_sample_gradients_, batch_gradients_;
    std::map<std::pair<Eigen::Index, bool>, std::unique_ptr<Program>> programs_;
    std::unique_ptr<State<double>> f64_;
    std::unique_ptr<State<float>> f32_;
    // values_ and gradients_ by name, copied from the state when asked for after steps.
    mutable std::map<std::string, Eigen::MatrixXd> values_, gradients_;
    mutable bool values_stale_ = false, gradients_stale_ = false;
    long steps_ = 0;
    Env env_;  // sizes, and the data of programs without a bound copy (see bind())
};

// Values for the parameters from the model: initial values (`= [...]`) and initializers
// (`~ zeros`, `~ ones`, `~ normal(μ, σ)`, `~ uniform(a, b)`, `~ glorot` — uniform in
// ±√(6 / (fan_in + fan_out)), fan_in the columns and fan_out the rows of a matrix; a
// vector's fan_in is 1), drawn from a generator seeded with `seed`. A parameter that
// `given` has a value for (train --init) takes that value and needs neither. Sizes must be
// known (from declarations or `given`). InputError for a parameter without any.
std::map<std::string, Eigen::MatrixXd> initial_parameters(Model& model, std::uint64_t seed,
                                                          const Env& given);

// The lifting of a per-sample loss to the batch (lift.cpp): `batched` maps each input and
// target variable to its batch variable (samples as columns, `batch` columns); the mean of
// the lifted per-sample losses. nullptr, with `why` set, when an operation on the way has no
// batched form.
Expr lift_to_batch(Context& cx, Expr per_sample_loss, const std::unordered_map<Expr, Expr>& batched, Dim batch,
                   std::string& why);

}  // namespace matcalc
