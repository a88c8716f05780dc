// What a training run reports besides the loss, the same for `matcalc train` and Python's
// Model.train: which definition is the prediction, and the accuracy of a classifier.
#pragma once

#include <string>
#include <utility>

#include <Eigen/Core>

#include "matcalc/apps/data.hpp"
#include "matcalc/apps/train.hpp"
#include "matcalc/frontend/model.hpp"

namespace matcalc {

// The fraction of samples (columns) predicted right: the arg max of a one-hot target, or
// the side of 0.5 of a single 0/1 target. NaN when the shapes differ or there are none.
double accuracy(const Eigen::MatrixXd& predicted, const Eigen::MatrixXd& targets);

// The definition whose value is the prediction: `requested` when given (an InputError
// naming it as `given_as` says, e.g. "--output p", when it is no definition of the
// model), else one named yhat or ŷ; empty when there is none (no accuracy then).
std::string prediction_name(const Model& model, const std::string* requested, const std::string& given_as);

// The loss and the accuracy (NaN without a prediction or for a numeric target) on a data
// set of samples in rows.
std::pair<double, double> measure(Trainer& trainer, const std::string& prediction, const data::Dataset& set);

}  // namespace matcalc
