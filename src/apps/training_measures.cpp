// Accuracy and the prediction's name (training_measures.hpp).
#include "matcalc/apps/training_measures.hpp"

#include <cmath>

#include <fmt/format.h>

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

double accuracy(const MatrixXd& predicted, const MatrixXd& targets) {
    if (predicted.rows() != targets.rows() || predicted.cols() != targets.cols() || targets.cols() == 0) return NAN;
    Index right = 0;
    for (Index j = 0; j < targets.cols(); ++j) {
        if (targets.rows() == 1) {
            right += (predicted(0, j) >= 0.5) == (targets(0, j) >= 0.5);
        } else {
            Index p = 0, t = 0;
            predicted.col(j).maxCoeff(&p);
            targets.col(j).maxCoeff(&t);
            right += p == t;
        }
    }
    return static_cast<double>(right) / static_cast<double>(targets.cols());
}

std::string prediction_name(const Model& model, const std::string* requested, const std::string& given_as) {
    std::string output;
    if (requested) output = *requested;
    else if (model.find("yhat")) output = "yhat";
    else if (model.find("ŷ")) output = "ŷ";
    if (!output.empty() && (!model.find(output) || model.find(output)->kind != Symbol::Kind::Defined))
        throw InputError(fmt::format("{}: the model has no definition named '{}'", given_as, output));
    return output;
}

std::pair<double, double> measure(Trainer& trainer, const std::string& prediction, const data::Dataset& set) {
    MatrixXd X = set.X.transpose(), Y = set.Y.transpose();
    double loss = trainer.loss(X, Y);
    double acc = prediction.empty() || !set.classification() ? NAN : accuracy(trainer.predict(prediction, X), Y);
    return {loss, acc};
}

}  // namespace matcalc
