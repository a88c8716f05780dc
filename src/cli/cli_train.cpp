// `matcalc train` (README, Commands): minimises a model's loss over its `param` symbols on a
// CSV file or a generated data set, with minibatches shuffled from a seed; progress on a
// terminal, one line per epoch otherwise; --init / --save in the values format (saved
// atomically), --log CSV, --test for a held-out CSV.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli_options.hpp"
#include "matcalc/cli/cli.hpp"
#include "matcalc/apps/data.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/io/output_file.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/apps/train.hpp"
#include "matcalc/apps/training_measures.hpp"

namespace matcalc::cli {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// Writes the parameters as a values file (README, Commands), through a temporary file renamed
// over the target (output_file.hpp): an interrupted run never leaves half a file.
void save_values(const Trainer& t, const std::string& path) {
    json::Writer w(2);
    w.begin_object();
    for (const Symbol* p : t.parameters()) {
        // As declared: a number, a flat list (vectors), a list of rows (matrices, even n × 1).
        const MatrixXd& v = t.parameter_values().at(p->name);
        w.key(p->name);
        switch (p->type) {
        case ast::TypeSpec::Kind::Scalar: w.number(v(0, 0)); break;
        case ast::TypeSpec::Kind::Vector: w.numbers(vec_order(v)); break;
        case ast::TypeSpec::Kind::Matrix: write_rows(w, v); break;
        }
    }
    w.end_object();
    write_file_atomically(path, w.str() + "\n");
}

struct Progress {
    bool tty = ::isatty(STDERR_FILENO) != 0;
    std::ostream& out;
    void batch(int epoch, int epochs, std::size_t done, std::size_t total, double loss) {
        if (!tty) return;
        const int width = 30;
        int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
        std::cerr << fmt::format("\repoch {}/{} [{}{}] loss {:.6f}", epoch, epochs, std::string(filled, '='),
                                 std::string(width - filled, ' '), loss)
                  << std::flush;
    }
    void epoch(int epoch, int epochs, double loss, double acc) {
        if (tty) std::cerr << "\r\033[K";
        out << fmt::format("epoch {}/{}  loss {:.6f}", epoch, epochs, loss);
        if (!std::isnan(acc)) out << fmt::format("  accuracy {:.4f}", acc);
        out << "\n";
    }
};

}  // namespace

int train(const Options& o, std::ostream& out, std::ostream& err) {
    const auto file = [&](const char* option) -> const std::string* {
        auto it = o.train_files.find(option);
        return it == o.train_files.end() ? nullptr : &it->second;
    };
    Source model_source = o.model_text ? Source{"-e", *o.model_text} : read_source(*o.model_file, kMaxInputBytes);
    const Source* blame = &model_source;
    std::optional<Source> data_source, init_source, test_source;
    try {
        // Every output path is checked, and the held-out data read, before any work.
        if (const std::string* path = file("--save")) check_output_target(*path);
        std::optional<LineFile> log;
        if (const std::string* path = file("--log")) {
            log.emplace(*path, o.train.log_append);
            if (log->was_empty()) log->write("epoch,loss,accuracy\n");
        }
        if (const std::string* test = file("--test")) test_source = read_source(*test, data::kMaxCsvBytes);
        Model model = load_model(model_source);
        const Symbol& loss = model.function(o.of);
        Trainer t(model, loss, o.train.optimizer, o.precision);
        const std::uint64_t seed = o.check.seed;

        // The data: a generator or a CSV file (samples as rows).
        const std::string& data_name = *file("--data");
        // One target entry per sample is a number (0/1 or a regression target); several are
        // the one-hot classes of a label column. Unknown (a symbolic size): the file decides.
        const Index width = t.target_width();
        const data::Targets targets = width == 1 ? data::Targets::Numeric
                                      : width > 1 ? data::Targets::Classes
                                                  : data::Targets::Auto;
        data::Dataset d;
        if (data::is_generator_name(data_name)) {
            d = data::generate(data_name, o.train.samples, seed, o.train.noise);
        } else {
            data_source = read_source(data_name, data::kMaxCsvBytes);
            blame = &*data_source;
            std::optional<std::string> target;
            if (const std::string* tc = file("--target")) target = *tc;
            d = data::read_csv(*data_source, target, targets);
            blame = &model_source;
        }

        // Parameters: --init, then the model's initial values and initializers. Sizes the
        // declarations leave open come from the values and from the data's widths.
        Env start;
        SizeTable& z = model.cx().sizes();
        auto bind_width = [&](const std::vector<const Symbol*>& symbols, Index width) {
            if (symbols.size() != 1 || t.batch_model()) return;
            Dim r = z.resolve(symbols[0]->declared_shape.rows);
            if (is_symbol(r) && z.factors(r).empty() && z.terms(r).empty()) start.sizes[r] = width;
        };
        bind_width(t.inputs(), d.features());
        bind_width(t.targets(), d.outputs());
        if (const std::string* init = file("--init")) {
            init_source = read_values_argument("--init", *init, json::kMaxInputBytes);
            blame = &*init_source;
            Env given = load_values(model, *init_source);
            for (const Symbol* p : t.parameters()) {
                if (auto it = given.values.find(p->name); it != given.values.end())
                    start.values[p->name] = it->second;
                else if (!p->initial_value && !p->initializer)
                    throw InputError(fmt::format("the values file gives no value for the parameter '{}'", p->name),
                                     std::nullopt, {"the model gives it none either: add it to the file, or write "
                                                    "`= ...` or `~ glorot` after its declaration"});
            }
            blame = &model_source;
            for (auto& [dim, n] : given.sizes) start.sizes.emplace(dim, n);
        }
        t.set_parameters(initial_parameters(model, seed, start));
        if (t.input_width() != d.features() || t.target_width() != d.outputs())
            throw InputError(fmt::format("the data has {} input column{} and {} target column{}; the model takes {} and {}",
                                         d.features(), d.features() == 1 ? "" : "s", d.outputs(),
                                         d.outputs() == 1 ? "" : "s", t.input_width(), t.target_width()));

        // The prediction, for accuracy: --output, or a definition named yhat / ŷ.
        const std::string* requested = file("--output");
        std::string output = prediction_name(model, requested, requested ? "--output " + *requested : "");
        auto measure = [&](const data::Dataset& set) { return matcalc::measure(t, output, set); };

        Progress progress{::isatty(STDERR_FILENO) != 0, out};
        MatrixXd X, Y;
        for (int epoch = 1; epoch <= o.train.epochs; ++epoch) {
            auto batches = data::minibatches(d.samples(), o.train.batch, seed, epoch - 1, true);
            double sum = 0;
            std::size_t seen = 0;
            for (std::size_t b = 0; b < batches.size(); ++b) {
                X = data::columns(d.X, batches[b]);
                Y = data::columns(d.Y, batches[b]);
                double l = t.step(X, Y, epoch);
                sum += l * static_cast<double>(batches[b].size());
                seen += batches[b].size();
                progress.batch(epoch, o.train.epochs, b + 1, batches.size(), sum / static_cast<double>(seen));
            }
            auto [l, acc] = measure(d);  // at the epoch's end, over the whole training set
            if (!std::isfinite(l))
                throw Diverged(fmt::format("epoch {}: the loss is {}", epoch, std::isnan(l) ? "NaN" : "infinite"), epoch, "");
            progress.epoch(epoch, o.train.epochs, l, acc);
            // One write(2) per epoch: a run killed later keeps every finished epoch's line.
            if (log) log->write(fmt::format("{},{:.17g},{}\n", epoch, l, std::isnan(acc) ? "" : fmt::format("{:.17g}", acc)));
        }
        if (log) log->close();
        if (const std::string* test = file("--test")) {
            blame = &*test_source;
            std::optional<std::string> target;
            if (const std::string* tc = file("--target")) target = *tc;
            data::Dataset held_out = data::read_csv(*test_source, target, targets);
            blame = &model_source;
            if (held_out.features() != d.features() || held_out.outputs() != d.outputs())
                throw InputError(fmt::format("--test {}: {} input and {} target columns, the training data {} and {}",
                                             *test, held_out.features(), held_out.outputs(), d.features(), d.outputs()));
            auto [l, acc] = measure(held_out);
            out << fmt::format("test  loss {:.6f}", l);
            if (!std::isnan(acc)) out << fmt::format("  accuracy {:.4f}", acc);
            out << fmt::format("  ({} samples)\n", held_out.samples());
        }
        if (const std::string* path = file("--save")) {
            save_values(t, *path);
            out << fmt::format("saved {}\n", *path);
        }
        return kExitOk;
    } catch (const Diverged& e) {
        err << "matcalc: error: training diverged: " << e.what() << "\n";
        return kExitCheckFailed;
    } catch (const InputError& e) {
        err << render_error(*blame, e);
        return kExitBadInput;
    }
}

}  // namespace matcalc::cli
