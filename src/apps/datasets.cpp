// The generated toy data sets (xor, moons, circles, spirals) and minibatches
// (include/matcalc/apps/data.hpp), drawn from random numbers that are the same under
// every standard library (data_internal.hpp).
#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "matcalc/apps/data.hpp"
#include "data_internal.hpp"

namespace matcalc::data {

const std::vector<std::string>& generator_names() {
    static const std::vector<std::string> names{"xor", "moons", "circles", "spirals"};
    return names;
}
bool is_generator_name(std::string_view name) { return std::count(generator_names().begin(), generator_names().end(), name) > 0; }

namespace {

// k evenly spaced points from a to b, b included (numpy.linspace); one point is a.
double linspace(double a, double b, Eigen::Index i, Eigen::Index k) {
    return k <= 1 ? a : a + (b - a) * static_cast<double>(i) / static_cast<double>(k - 1);
}

// Rows 0..n0-1 get label 0, the rest label 1; `point(label, i, k)` is the i-th of k.
template <class Point>
void two_classes(Dataset& d, Eigen::Index n, Point point) {
    const Eigen::Index n0 = n / 2;
    for (Eigen::Index r = 0; r < n; ++r) {
        const int label = r < n0 ? 0 : 1;
        std::tie(d.X(r, 0), d.X(r, 1)) = label == 0 ? point(0, r, n0) : point(1, r - n0, n - n0);
        d.Y(r, 0) = label;
    }
}

}  // namespace

Dataset generate(std::string_view name, Eigen::Index n, std::uint64_t seed, double noise) {
    if (!is_generator_name(name)) {
        InputError e(fmt::format("no data set named '{}'", name), std::nullopt,
                     did_you_mean(name, generator_names()));
        e.add_note("the generated data sets are " + quoted_list(generator_names()) + "; other names are CSV files");
        throw e;
    }
    const Eigen::Index least = name == "xor" ? 4 : 2;
    if (n < least || n > kMaxGenerated)
        throw InputError(fmt::format("the data set '{}' takes {} to {} samples, not {}", name, least, kMaxGenerated,
                                     n));
    if (!std::isfinite(noise) || noise < 0)
        throw InputError(fmt::format("the noise must be a finite number >= 0, not {}", noise));

    Dataset d{Eigen::MatrixXd(n, 2), Eigen::MatrixXd(n, 1), {"x1", "x2"}, "y", {}, TargetKind::Binary};
    Random random(seed);
    constexpr double pi = std::numbers::pi;
    using P = std::pair<double, double>;
    if (name == "xor") {
        // Cycled in order and never shuffled: the perceptron demo needs the exact table.
        static constexpr double corner[4][3] = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
        for (Eigen::Index r = 0; r < n; ++r) {
            const auto& c = corner[r % 4];
            std::tie(d.X(r, 0), d.X(r, 1), d.Y(r, 0)) = std::tuple(c[0], c[1], c[2]);
        }
    } else {
        if (name == "moons")  // scikit-learn: an upper arc, and a lower one centred at (1, 0.5)
            two_classes(d, n, [&](int label, Eigen::Index i, Eigen::Index k) {
                const double a = linspace(0, pi, i, k);
                return label == 0 ? P{std::cos(a), std::sin(a)} : P{1 - std::cos(a), 1 - std::sin(a) - 0.5};
            });
        else if (name == "circles")  // scikit-learn: endpoint=False, so no point twice
            two_classes(d, n, [&](int label, Eigen::Index i, Eigen::Index k) {
                const double a = 2 * pi * static_cast<double>(i) / static_cast<double>(k);
                const double radius = label == 0 ? 1.0 : 0.5;
                return P{radius * std::cos(a), radius * std::sin(a)};
            });
        else  // spirals: the same arm twice, the second turned by π
            two_classes(d, n, [&](int label, Eigen::Index i, Eigen::Index k) {
                const double t = linspace(0, 1, i, k);
                const double radius = 0.1 + 0.9 * t;
                const double a = 2 * pi * 1.5 * t + (label == 0 ? 0.0 : pi);
                return P{radius * std::cos(a), radius * std::sin(a)};
            });
        random.shuffle(static_cast<std::size_t>(n), [&](std::size_t i, std::size_t j) {
            const auto a = static_cast<Eigen::Index>(i), b = static_cast<Eigen::Index>(j);
            d.X.row(a).swap(d.X.row(b));
            std::swap(d.Y(a, 0), d.Y(b, 0));
        });
    }
    if (noise > 0)  // row by row, x1 then x2 (numpy's order for X += normal(size=X.shape))
        for (Eigen::Index r = 0; r < n; ++r)
            for (Eigen::Index c = 0; c < 2; ++c) d.X(r, c) += noise * random.normal();
    return d;
}

std::vector<std::vector<Eigen::Index>> minibatches(Eigen::Index n, Eigen::Index batch, std::uint64_t seed,
                                                   int epoch, bool shuffle) {
    std::vector<std::vector<Eigen::Index>> batches;
    if (n <= 0) return batches;
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    if (shuffle) {
        // The epoch's engine depends on (seed, epoch) only, so any epoch can be redone alone.
        Random random(mix(seed ^ mix(static_cast<std::uint64_t>(static_cast<std::int64_t>(epoch)))));
        random.shuffle(order.size(), [&](std::size_t i, std::size_t j) { std::swap(order[i], order[j]); });
    }
    if (batch <= 0 || batch > n) batch = n;
    for (Eigen::Index b = 0; b < n; b += batch) {
        const auto first = order.begin() + b;
        batches.emplace_back(first, first + std::min(batch, n - b));
    }
    return batches;
}

void columns(const Eigen::MatrixXd& rows_matrix, std::span<const Eigen::Index> idx, Eigen::Ref<Eigen::MatrixXd> out) {
    const auto k = static_cast<Eigen::Index>(idx.size());
    if (out.rows() != rows_matrix.cols() || out.cols() != k)
        throw std::invalid_argument(fmt::format("data::columns: the output is {}×{}, not {}×{}", out.rows(),
                                                out.cols(), rows_matrix.cols(), k));
    for (Eigen::Index c = 0; c < k; ++c) {
        const Eigen::Index i = idx[static_cast<std::size_t>(c)];
        if (i < 0 || i >= rows_matrix.rows())
            throw std::out_of_range(fmt::format("data::columns: sample {} of {}", i, rows_matrix.rows()));
        out.col(c) = rows_matrix.row(i).transpose();
    }
}

Eigen::MatrixXd columns(const Eigen::MatrixXd& rows_matrix, std::span<const Eigen::Index> idx) {
    Eigen::MatrixXd out(rows_matrix.cols(), static_cast<Eigen::Index>(idx.size()));
    columns(rows_matrix, idx, out);
    return out;
}

}  // namespace matcalc::data
