// Session::train: `matcalc train` (src/cli/cli_train.cpp) for Python. The same data,
// parameters, minibatches and epoch-end measurements, so a seed gives the command line's
// numbers; instead of printing and writing files it returns the parameters and the
// per-epoch log (the Python side writes `save=` and `log=` files from them).
#include <cmath>

#include <fmt/format.h>

#include "session.hpp"

#include "matcalc/apps/data.hpp"
#include "matcalc/apps/train.hpp"
#include "matcalc/apps/training_measures.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/values.hpp"

namespace matcalc::python {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;

OptimizerSettings optimizer_settings(const TrainSettings& s) {
    OptimizerSettings o;
    if (s.optimizer == "sgd") o.kind = OptimizerKind::SGD;
    else if (s.optimizer == "momentum") o.kind = OptimizerKind::Momentum;
    else if (s.optimizer == "adam") o.kind = OptimizerKind::Adam;
    else
        throw InputError(fmt::format("optimizer='{}': the optimizers are 'sgd', 'momentum' and 'adam'", s.optimizer),
                         std::nullopt, did_you_mean(s.optimizer, {"sgd", "momentum", "adam"}));
    if (!std::isfinite(s.lr) || s.lr <= 0) throw InputError(fmt::format("lr={}: give a positive number", s.lr));
    o.lr = s.lr;
    return o;
}

// The limits cli_options.cpp puts on the same options.
void check_settings(const TrainSettings& s) {
    if (s.epochs < 1 || s.epochs > 1000000) throw InputError(fmt::format("epochs={}: give 1 to 1000000", s.epochs));
    if (s.batch < 1 || s.batch > (1 << 24)) throw InputError(fmt::format("batch={}: give 1 to 16777216", s.batch));
    if (s.samples < 4 || s.samples > 1000000)
        throw InputError(fmt::format("samples={}: give 4 to 1000000", s.samples));
    if (!std::isfinite(s.noise) || s.noise < 0) throw InputError(fmt::format("noise={}: give a number >= 0", s.noise));
    if (s.precision != "float64" && s.precision != "float32")
        throw InputError(fmt::format("precision='{}': give 'float64' or 'float32'", s.precision));
}

}  // namespace

TrainOutcome Session::train(const TrainSettings& s, const std::optional<std::string>& of) const {
    const Source* blame = &source_;
    std::optional<Source> data_source, init_source, test_source;
    try {
        check_settings(s);
        Model model = load_model(source_);
        const Symbol& loss = model.function(of);
        Trainer t(model, loss, optimizer_settings(s), s.precision == "float32" ? Precision::Float32 : Precision::Float64);

        const Index width = t.target_width();
        const data::Targets targets = width == 1 ? data::Targets::Numeric
                                      : width > 1 ? data::Targets::Classes
                                                  : data::Targets::Auto;
        data::Dataset d;
        if (!s.data_csv) {
            d = data::generate(s.data_name, s.samples, s.seed, s.noise);
        } else {
            data_source = Source{s.data_name, *s.data_csv};
            blame = &*data_source;
            d = data::read_csv(*data_source, s.target, targets);
            blame = &source_;
        }

        // Parameters: init, then the model's initial values and initializers; sizes the
        // declarations leave open from the values and from the data's widths.
        Env start;
        SizeTable& z = model.cx().sizes();
        auto bind_width = [&](const std::vector<const Symbol*>& symbols, Index w) {
            if (symbols.size() != 1 || t.batch_model()) return;
            Dim r = z.resolve(symbols[0]->declared_shape.rows);
            if (is_symbol(r) && z.factors(r).empty() && z.terms(r).empty()) start.sizes[r] = w;
        };
        bind_width(t.inputs(), d.features());
        bind_width(t.targets(), d.outputs());
        if (s.init) {
            init_source = Source{s.init->name, s.init->text};
            blame = &*init_source;
            Env given = load_values(model, *init_source);
            for (const Symbol* p : t.parameters()) {
                if (auto it = given.values.find(p->name); it != given.values.end())
                    start.values[p->name] = it->second;
                else if (!p->initial_value && !p->initializer)
                    throw InputError(fmt::format("init gives no value for the parameter '{}'", p->name), std::nullopt,
                                     {"the model gives it none either: add it to init, or write `= ...` or "
                                      "`~ glorot` after its declaration"});
            }
            blame = &source_;
            for (auto& [dim, n] : given.sizes) start.sizes.emplace(dim, n);
        }
        t.set_parameters(initial_parameters(model, s.seed, start));
        if (t.input_width() != d.features() || t.target_width() != d.outputs())
            throw InputError(fmt::format("the data has {} input column{} and {} target column{}; the model takes {} and {}",
                                         d.features(), d.features() == 1 ? "" : "s", d.outputs(),
                                         d.outputs() == 1 ? "" : "s", t.input_width(), t.target_width()));

        const std::string* requested = s.output ? &*s.output : nullptr;
        std::string output = prediction_name(model, requested, requested ? "output='" + *requested + "'" : "");
        auto measure = [&](const data::Dataset& set) { return matcalc::measure(t, output, set); };

        TrainOutcome outcome;
        outcome.lifted = t.lifted();
        MatrixXd X, Y;
        std::size_t steps = 0;
        for (int epoch = 1; epoch <= s.epochs; ++epoch) {
            for (const auto& batch : data::minibatches(d.samples(), s.batch, s.seed, epoch - 1, true)) {
                // Every 64 steps: asking takes the interpreter's lock.
                if (s.interrupted && ++steps % 64 == 0 && s.interrupted()) throw BindingInterrupted();
                X = data::columns(d.X, batch);
                Y = data::columns(d.Y, batch);
                t.step(X, Y, epoch);
            }
            if (s.interrupted && s.interrupted()) throw BindingInterrupted();
            auto [l, acc] = measure(d);
            if (!std::isfinite(l))
                throw Diverged(fmt::format("epoch {}: the loss is {}", epoch, std::isnan(l) ? "NaN" : "infinite"), epoch, "");
            outcome.log.push_back({epoch, l, std::isnan(acc) ? std::nullopt : std::optional<double>(acc)});
        }
        if (s.test_csv) {
            test_source = Source{s.test_name.value_or("test"), *s.test_csv};
            blame = &*test_source;
            data::Dataset held_out = data::read_csv(*test_source, s.target, targets);
            blame = &source_;
            if (held_out.features() != d.features() || held_out.outputs() != d.outputs())
                throw InputError(fmt::format("test: {} input and {} target columns, the training data {} and {}",
                                             held_out.features(), held_out.outputs(), d.features(), d.outputs()));
            auto [l, acc] = measure(held_out);
            outcome.test_loss = l;
            if (!std::isnan(acc)) outcome.test_accuracy = acc;
        }
        for (const Symbol* p : t.parameters()) {
            Form form = p->type == ast::TypeSpec::Kind::Scalar   ? Form::Number
                        : p->type == ast::TypeSpec::Kind::Vector ? Form::List
                                                                 : Form::Rows;
            outcome.parameters.emplace_back(p->name, Value{t.parameter_values().at(p->name), form});
        }
        return outcome;
    } catch (const Diverged& e) {
        throw BindingDiverged(std::string("training diverged: ") + e.what(), e.epoch, e.parameter);
    } catch (...) {
        rethrow_as_binding_error(source_, *blame);
    }
}

}  // namespace matcalc::python
