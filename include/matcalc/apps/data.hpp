// Training data for `matcalc train --data CSV|xor|moons|circles|spirals` (README, Commands):
// a CSV file read into Eigen matrices, the generated toy sets, and minibatches.
//
//   Dataset d = data::read_csv(Source{"iris.csv", text}, "species");   // 150×4, 150×3 one-hot
//   Dataset x = data::generate("xor", 4, /*seed*/ 1, /*noise*/ 0.0);    // the xor table
//   for (auto& batch : data::minibatches(d.samples(), 32, seed, epoch, true))
//       Eigen::MatrixXd Xb = data::columns(d.X, batch);                  // d × |batch|
//
// A Dataset keeps ONE SAMPLE PER ROW (as the file has them); the trainer and the
// reference MLP take samples as COLUMNS, which `columns` gathers.
//
// Reproducibility: every random number here comes from std::mt19937_64 (whose output the
// standard fixes) through transforms written in data.cpp — a Box–Muller for normals, an
// unbiased rejection sampler in a Fisher–Yates shuffle — never through the standard
// library's distributions, whose algorithms are implementation-defined. A seed gives the
// same data and batches with libstdc++, libc++ or MSVC (up to the last bit of std::sin,
// std::cos, std::log in the generators, which the C library supplies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "matcalc/io/diagnostics.hpp"

namespace matcalc::data {

// What the target column turned out to be.
enum class TargetKind {
    Numeric,  // one numeric column (regression)
    Binary,   // one numeric column whose values are all 0 or 1
    Classes,  // one-hot: one column per class, in the order of Dataset::classes
};

struct Dataset {
    Eigen::MatrixXd X;                       // n × d features, one sample per row
    Eigen::MatrixXd Y;                       // n × k targets, one sample per row
    std::vector<std::string> feature_names;  // d names, in the file's order
    std::string target_name;                 // the target column's name
    std::vector<std::string> classes;        // k labels when kind == Classes, else empty
    TargetKind kind = TargetKind::Numeric;

    bool classification() const { return kind != TargetKind::Numeric; }
    Eigen::Index samples() const { return X.rows(); }
    Eigen::Index features() const { return X.cols(); }
    Eigen::Index outputs() const { return Y.cols(); }
};

// How to read the target column of a CSV file.
//   Numeric: one numeric column; a cell that is not a number is an error.
//   Classes: one-hot. Text labels are sorted lexicographically (by bytes, so the order
//            does not depend on the order of the rows); numeric labels must be integers
//            and are sorted numerically ("2" before "10"; "2.0" and "2" are one class).
//   Auto:    Classes when some cell is not a number, or when every value is an integer
//            and there are 3..50 distinct values (class codes 0, 1, 2); Numeric
//            otherwise, so a 0/1 column stays one column (TargetKind::Binary).
enum class Targets { Auto, Numeric, Classes };

// Limits: a larger input is an InputError, never an out-of-memory crash.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::size_t kMaxCells = 10'000'000;               // header excluded
inline constexpr std::size_t kMaxColumns = 100'000;
inline constexpr std::size_t kMaxClasses = 1000;                    // one-hot columns
inline constexpr Eigen::Index kMaxGenerated = 1'000'000;           // samples of generate()

// Reads a CSV file: a header row of distinct, non-empty column names, then one sample per
// line, every row with as many fields as the header; fields separated by commas,
// optionally in double quotes ("a, b", "say ""hi""", a line end inside quotes), spaces
// around a field ignored; CRLF or LF line ends; a UTF-8 byte-order mark and blank lines
// at the end are ignored (a blank line between rows is an error). `target_column` names
// the target (default: the last column); every other column is a feature and must be
// numeric: finite numbers as std::from_chars reads them, with an optional '+'; no
// missing values. Infinity, NaN or an overflowing number is an error in any column.
// Throws InputError pointing at the offending cell of `csv` (render it against `csv`),
// or without a position for the file as a whole (too large, no data, no such column).
Dataset read_csv(const Source& csv, std::optional<std::string> target_column = std::nullopt,
                 Targets targets = Targets::Auto);

// One line of a CSV file as text: its fields (quotes removed, spaces around trimmed),
// where each is, and its line number (1-based).
struct Record {
    std::vector<std::string> fields;
    std::vector<SourceRange> ranges;
    std::size_t line = 0;
};
// The records of a CSV file in the quoting read_csv reads, blank lines skipped, any
// number of fields per line (`compare --claims`). InputError at a malformed quote.
std::vector<Record> read_records(const Source& csv);

// The generated data sets: 2 features x1, x2 and a binary target y (one 0/1 column).
//   xor:     the corners (0,0) (0,1) (1,0) (1,1) with labels 0 1 1 0, cycled in this
//            order (with noise 0 the first four rows are exactly the xor table), each
//            coordinate jittered by noise·N(0,1); n >= 4.
//   moons:   scikit-learn's make_moons: two interleaving half circles.
//   circles: scikit-learn's make_circles with factor 0.5: label 1 on the inner circle.
//   spirals: two interleaved spirals of 1.5 turns, radius 0.1 to 1, label 1 the arm
//            turned by π.
// moons, circles and spirals have n/2 samples of label 0 (rounded down), the rows in a
// seeded random order (as scikit-learn's shuffle=True), then noise·N(0,1) added to every
// coordinate; n >= 2. n is at most kMaxGenerated; noise must be finite and >= 0.
// An unknown name is an InputError listing the names.
Dataset generate(std::string_view name, Eigen::Index n, std::uint64_t seed, double noise);

// "xor", "moons", "circles", "spirals".
const std::vector<std::string>& generator_names();
bool is_generator_name(std::string_view name);

// The sample indices 0..n-1 in batches of `batch` (the last one smaller when batch does
// not divide n); batch <= 0 or >= n gives one batch of all n. With `shuffle`, the order
// is a permutation drawn from (seed, epoch) alone — the same on every call and platform,
// a different one each epoch — by a Fisher–Yates shuffle over std::mt19937_64; without,
// the indices are in order. n <= 0 gives no batches.
std::vector<std::vector<Eigen::Index>> minibatches(Eigen::Index n, Eigen::Index batch, std::uint64_t seed,
                                                   int epoch, bool shuffle);

// The rows `idx` of `rows_matrix` (n × d) as the columns of a d × |idx| matrix: a batch
// with samples as columns. An index outside 0..n-1 throws std::out_of_range.
Eigen::MatrixXd columns(const Eigen::MatrixXd& rows_matrix, std::span<const Eigen::Index> idx);

// The same into `out`, which must already be d × |idx| (std::invalid_argument otherwise):
// no allocation. Pass a block (buffer.leftCols(k)) for a last, smaller batch.
void columns(const Eigen::MatrixXd& rows_matrix, std::span<const Eigen::Index> idx, Eigen::Ref<Eigen::MatrixXd> out);

}  // namespace matcalc::data
