// Tests of the training data (include/matcalc/apps/data.hpp): the CSV reader and its errors,
// the generated sets, minibatches, the iris file, and random bytes.
#include "matcalc/apps/data.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef MATCALC_SOURCE_DIR
#define MATCALC_SOURCE_DIR "."
#endif

using namespace matcalc;
using data::Dataset;
using data::TargetKind;
using data::Targets;

namespace {

Dataset csv(std::string text, std::optional<std::string> target = std::nullopt, Targets targets = Targets::Auto) {
    return data::read_csv(Source{"data.csv", std::move(text)}, std::move(target), targets);
}

// The rendered error for text that must be rejected.
std::string csv_error(std::string text, std::optional<std::string> target = std::nullopt,
                      Targets targets = Targets::Auto) {
    const Source source{"data.csv", std::move(text)};
    try {
        data::read_csv(source, std::move(target), targets);
    } catch (const InputError& e) {
        return render_error(source, e);
    }
    FAIL("expected an InputError");
    return {};
}

// "line:col" of the error for text that must be rejected.
std::string error_at(const std::string& text, std::optional<std::string> target = std::nullopt,
                     Targets targets = Targets::Auto) {
    try {
        data::read_csv(Source{"data.csv", text}, std::move(target), targets);
    } catch (const InputError& e) {
        if (!e.where()) return "none";
        const LineColumn lc = line_column(text, e.where()->begin);
        return std::to_string(lc.line) + ":" + std::to_string(lc.column);
    }
    FAIL("expected an InputError");
    return {};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("CSV: numbers, quotes, CRLF, trailing blank lines", "[data]") {
    const Dataset d = csv("\xEF\xBB\xBF" "a, \"b\",y\r\n1,2.5,0\r\n\"-3\", +4e1 ,1\r\n\r\n\n");
    CHECK(d.feature_names == std::vector<std::string>{"a", "b"});
    CHECK(d.target_name == "y");
    REQUIRE(d.samples() == 2);
    REQUIRE(d.features() == 2);
    REQUIRE(d.outputs() == 1);
    CHECK(d.X(0, 0) == 1);
    CHECK(d.X(0, 1) == 2.5);
    CHECK(d.X(1, 0) == -3);
    CHECK(d.X(1, 1) == 40);
    CHECK(d.Y(0, 0) == 0);
    CHECK(d.Y(1, 0) == 1);
    CHECK(d.kind == TargetKind::Binary);
    CHECK(d.classification());
    CHECK(d.classes.empty());
    // no final line end, a quoted comma and an escaped quote in a label
    const Dataset q = csv("x,label\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"a, b\"");
    CHECK(q.classes == std::vector<std::string>{"a, b", "say \"hi\""});
    CHECK(q.Y == (Eigen::MatrixXd(3, 2) << 1, 0, 0, 1, 1, 0).finished());
    // a line end inside quotes belongs to the field (RFC 4180); later errors count it
    CHECK(csv("x,c\n1,\"two\nlines\"\n2,c\n").classes == std::vector<std::string>{"c", "two\nlines"});
    CHECK(error_at("x,c\n1,\"two\nlines\"\nz,c\n") == "4:1");
}

TEST_CASE("CSV: target selection and kinds", "[data]") {
    const std::string text = "y,x1,x2\n0.5,1,2\n1.5,3,4\n-2,5,6\n";
    const Dataset first = csv(text, "y");
    CHECK(first.feature_names == std::vector<std::string>{"x1", "x2"});
    CHECK(first.kind == TargetKind::Numeric);
    CHECK_FALSE(first.classification());
    CHECK(first.Y.col(0) == Eigen::Vector3d(0.5, 1.5, -2));
    CHECK(first.X == (Eigen::MatrixXd(3, 2) << 1, 2, 3, 4, 5, 6).finished());
    // the default is the last column; a middle one keeps the others in order
    const Dataset last = csv(text);
    CHECK(last.target_name == "x2");
    CHECK(last.feature_names == std::vector<std::string>{"y", "x1"});
    const Dataset mid = csv(text, "x1");
    CHECK(mid.feature_names == std::vector<std::string>{"y", "x2"});
    CHECK(mid.X.col(1) == Eigen::Vector3d(2, 4, 6));
}

TEST_CASE("CSV: one-hot classes", "[data]") {
    // text labels sorted by bytes, not by first appearance
    const Dataset t = csv("x,c\n1,pear\n2,apple\n3,fig\n4,apple\n");
    CHECK(t.kind == TargetKind::Classes);
    CHECK(t.classes == std::vector<std::string>{"apple", "fig", "pear"});
    CHECK(t.Y == (Eigen::MatrixXd(4, 3) << 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0).finished());
    // integer codes 3..50 distinct: classes, sorted numerically; 2.0 and 2 are one class
    const Dataset codes = csv("x,c\n1,10\n2,2\n3,2.0\n4,0\n");
    CHECK(codes.classes == std::vector<std::string>{"0", "2", "10"});
    CHECK(codes.Y.row(2) == Eigen::RowVector3d(0, 1, 0));
    CHECK(csv("x,c\n1,10\n2,2\n3,0\n", std::nullopt, Targets::Numeric).kind == TargetKind::Numeric);
    // 0/1 stays one column unless classes are asked for
    const std::string binary = "x,c\n1,1\n2,0\n3,1\n";
    CHECK(csv(binary).outputs() == 1);
    const Dataset asked = csv(binary, std::nullopt, Targets::Classes);
    CHECK(asked.classes == std::vector<std::string>{"0", "1"});
    CHECK(asked.Y == (Eigen::MatrixXd(3, 2) << 0, 1, 1, 0, 0, 1).finished());
    // integer-valued with more than 50 distinct values: numeric
    std::string many = "x,c\n";
    for (int i = 0; i < 51; ++i) many += std::to_string(i) + "," + std::to_string(i) + "\n";
    CHECK(csv(many).kind == TargetKind::Numeric);
    CHECK(csv(many, std::nullopt, Targets::Classes).outputs() == 51);
    // non-integers: numeric
    CHECK(csv("x,c\n1,0.5\n2,1.5\n3,2.5\n").kind == TargetKind::Numeric);
}

TEST_CASE("CSV: errors point at the cell", "[data]") {
    CHECK(csv_error("a,b,y\n1,2,0\n3,x4,1\n") ==
          "data.csv:3:3: error: the feature column 'b' must be numeric, but this cell is not a number\n"
          "  3,x4,1\n"
          "    ^~\n"
          "  the target is the last column unless it is named (--target COLUMN)\n");
    CHECK(csv_error("a,b,y\r\n1,2,0\r\n3,4\r\n") ==
          "data.csv:3:4: error: this row has 2 fields, but the header has 3 columns\n"
          "  3,4\n"
          "     ^\n");
    CHECK(csv_error("a,b,y\n1,2,0\n", "target") ==
          "data.csv: error: the file has no column named 'target'\n"
          "  its columns are 'a', 'b', 'y'\n");
    CHECK(csv_error("a,b,y\n1,2,0\n", "yy") ==
          "data.csv: error: the file has no column named 'yy'\n"
          "  did you mean 'y'?\n"
          "  its columns are 'a', 'b', 'y'\n");
    CHECK(csv_error("a,b,y\n1,2,3,4\n") ==
          "data.csv:2:7: error: this row has more fields than the header's 3\n"
          "  1,2,3,4\n"
          "        ^\n");
    CHECK(error_at("a,b,y\n1,\"2,0\n") == "2:3");           // a quote never closed
    CHECK(error_at("a,b,y\n1,\"2\"x,0\n") == "2:6");        // text after a closing quote
    CHECK(error_at("a,b,y\n1,2\"3,0\n") == "2:4");          // a quote in an unquoted field
    CHECK(error_at("a,b,y\n1,,0\n") == "2:3");              // an empty feature cell
    CHECK(error_at("a,b,y\n1,2,\n") == "2:5");              // an empty target cell
    CHECK(error_at("a,b,y\n1,inf,0\n") == "2:3");           // not finite
    CHECK(error_at("a,b,y\n1,2,1e999\n") == "2:5");         // out of range
    CHECK(error_at("a,b,y\n1,2,0\n\n3,4,1\n") == "3:1");    // a blank line between rows
    CHECK(error_at("a,,y\n1,2,0\n") == "1:3");              // a column without a name
    CHECK(error_at("a,b,a\n1,2,0\n") == "1:5");             // a name twice
    CHECK(error_at("a,b,y\n1,2,cat\n", std::nullopt, Targets::Numeric) == "2:5");
    CHECK(error_at("a,b,y\n1,2,1\n1,2,0.5\n", std::nullopt, Targets::Classes) == "3:5");
    CHECK(error_at("y\n1\n") == "1:1");                     // one column
    CHECK(error_at("") == "none");
    CHECK(error_at("\n") == "1:1");
    CHECK(error_at("a,b,y\n") == "none");                   // no data rows
    CHECK(error_at("a,b,y\n\n\n") == "none");
}

TEST_CASE("CSV: limits", "[data]") {
    CHECK(error_at(std::string(data::kMaxCsvBytes + 1, '1')) == "none");
    // more cells than the limit, in a file under the size limit
    std::string chunk;
    for (int i = 0; i < 1000; ++i) chunk += "1,0\n";
    std::string big = "a,y\n";
    big.reserve(5'001'000 * 4 + 8);
    for (int i = 0; i < 5001; ++i) big += chunk;  // 5,001,000 rows of 2 cells
    CHECK(error_at(big) == "5000002:1");
    // too many classes
    std::string labels = "x,y\n";
    for (std::size_t i = 0; i <= data::kMaxClasses; ++i) labels += "1,c" + std::to_string(i) + "\n";
    CHECK(error_at(labels) == std::to_string(data::kMaxClasses + 2) + ":3");
}

// Random bytes, and valid files with a few bytes changed (those reach deeper).
TEST_CASE("CSV: random bytes never crash", "[data]") {
    std::mt19937_64 g(20240601);
    const std::string alphabet = "0123456789.,\"\r\n -+eEabxy\t\xEF\xBB\xBF\xff";
    const std::string valid = "a,\"b\",y\r\n1,2.5,0\r\n\"-3\", 4e1 ,1\n5,6,c\n7,8,2\n\n";
    int accepted = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        std::string text;
        if (trial % 3 == 0) {
            for (std::size_t i = g() % 200; i > 0; --i) text += static_cast<char>(g() & 0xFF);
        } else {
            text = valid;
            for (std::size_t edits = 1 + g() % 3; edits > 0; --edits) {
                const std::size_t at = g() % (text.size() + 1);
                const char c = trial % 3 == 1 ? alphabet[g() % alphabet.size()] : static_cast<char>(g() & 0xFF);
                switch (g() % 3) {
                    case 0: text.insert(at, 1, c); break;
                    case 1: if (at < text.size()) text.erase(at, 1); break;
                    default: if (at < text.size()) text[at] = c;
                }
            }
        }
        const Source source{"fuzz.csv", text};
        for (Targets t : {Targets::Auto, Targets::Numeric, Targets::Classes}) {
            try {
                const Dataset d = data::read_csv(source, std::nullopt, t);
                CHECK(d.X.rows() == d.Y.rows());
                CHECK(d.X.rows() > 0);
                CHECK(d.X.allFinite());
                ++accepted;
            } catch (const InputError& e) {
                if (e.where()) CHECK(e.where()->begin <= text.size());
                CHECK_FALSE(render_error(source, e).empty());
            }
        }
    }
    CHECK(accepted > 100);  // the mutations leave many files valid
}

TEST_CASE("Generated data sets", "[data]") {
    SECTION("xor at noise 0 is the table, cycled") {
        const Dataset d = data::generate("xor", 6, 1, 0.0);
        CHECK(d.X == (Eigen::MatrixXd(6, 2) << 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1).finished());
        CHECK(d.Y.col(0) == (Eigen::VectorXd(6) << 0, 1, 1, 0, 0, 1).finished());
        CHECK(d.feature_names == std::vector<std::string>{"x1", "x2"});
        CHECK(d.kind == TargetKind::Binary);
        const Dataset noisy = data::generate("xor", 400, 7, 0.1);
        CHECK(noisy.Y == data::generate("xor", 400, 8, 0.1).Y);  // labels never move
        CHECK((noisy.X - data::generate("xor", 400, 7, 0.0).X).cwiseAbs().maxCoeff() < 0.6);
    }
    for (const std::string& name : data::generator_names()) {
        DYNAMIC_SECTION(name) {
            const Dataset a = data::generate(name, 201, 42, 0.1);
            CHECK(a.X.rows() == 201);
            CHECK(a.X.cols() == 2);
            CHECK(a.Y.rows() == 201);
            CHECK(a.Y.cols() == 1);
            CHECK((a.Y.array() * (1 - a.Y.array())).cwiseAbs().maxCoeff() == 0);  // 0 or 1
            const double ones = a.Y.sum();
            CHECK(ones >= 100);  // moons/circles/spirals: 100 of label 0, 101 of label 1
            CHECK(ones <= 101);
            CHECK(a.X == data::generate(name, 201, 42, 0.1).X);  // deterministic
            CHECK(a.Y == data::generate(name, 201, 42, 0.1).Y);
            CHECK(a.X != data::generate(name, 201, 43, 0.1).X);  // the seed matters
            CHECK(a.X.allFinite());
        }
    }
    SECTION("pinned: the same numbers under every standard library") {
        // Box–Muller over mt19937_64 and our own shuffle: only std::sin/cos/log may differ
        // (in the last bits) between C libraries.
        const Dataset m = data::generate("moons", 6, 1, 0.1);
        CHECK(m.X(0, 0) == Approx(-0.21643632328342899).epsilon(1e-12));
        CHECK(m.X(0, 1) == Approx(1.0402283312456513).epsilon(1e-12));
        CHECK(m.X(5, 1) == Approx(0.073205963945556993).epsilon(1e-12));
        CHECK(m.Y.col(0) == (Eigen::VectorXd(6) << 0, 1, 0, 1, 1, 0).finished());
    }
    SECTION("shapes at noise 0") {
        const Dataset c = data::generate("circles", 100, 3, 0.0);
        for (Eigen::Index i = 0; i < 100; ++i)
            CHECK(c.X.row(i).norm() == Approx(c.Y(i, 0) == 1 ? 0.5 : 1.0));
        const Dataset m = data::generate("moons", 100, 3, 0.0);
        for (Eigen::Index i = 0; i < 100; ++i) {
            const Eigen::RowVector2d centre = m.Y(i, 0) == 1 ? Eigen::RowVector2d(1, 0.5) : Eigen::RowVector2d(0, 0);
            CHECK((m.X.row(i) - centre).norm() == Approx(1.0));
        }
        CHECK(m.Y.col(0).head(10).sum() > 0);  // shuffled: not all 0s first
        CHECK(m.Y.col(0).head(10).sum() < 10);
        const Dataset s = data::generate("spirals", 100, 3, 0.0);
        CHECK(s.X.rowwise().norm().maxCoeff() == Approx(1.0));
    }
    SECTION("errors") {
        CHECK_THROWS_WITH(data::generate("moon", 10, 1, 0), "no data set named 'moon'");
        try {
            data::generate("spiral", 10, 1, 0);
        } catch (const InputError& e) {
            CHECK(render_error(Source{"<data>", ""}, e) ==
                  "<data>: error: no data set named 'spiral'\n"
                  "  did you mean 'spirals'?\n"
                  "  the generated data sets are 'xor', 'moons', 'circles', 'spirals'; other names are CSV files\n");
        }
        CHECK_THROWS_AS(data::generate("xor", 3, 1, 0), InputError);
        CHECK_THROWS_AS(data::generate("moons", data::kMaxGenerated + 1, 1, 0), InputError);
        CHECK_THROWS_AS(data::generate("moons", 10, 1, -1), InputError);
        CHECK_THROWS_AS(data::generate("moons", 10, 1, std::nan("")), InputError);
        CHECK(data::is_generator_name("circles"));
        CHECK_FALSE(data::is_generator_name("iris.csv"));
    }
}

TEST_CASE("Minibatches", "[data]") {
    const auto batches = data::minibatches(10, 3, 5, 0, true);
    REQUIRE(batches.size() == 4);
    CHECK(batches[0].size() == 3);
    CHECK(batches[3].size() == 1);
    std::vector<Eigen::Index> all;
    for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
    std::vector<Eigen::Index> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    std::vector<Eigen::Index> iota(10);
    std::iota(iota.begin(), iota.end(), Eigen::Index{0});
    CHECK(sorted == iota);  // a permutation
    CHECK(all != iota);     // shuffled
    CHECK(data::minibatches(10, 3, 5, 0, true) == batches);  // deterministic
    CHECK(data::minibatches(10, 3, 5, 1, true) != batches);  // another epoch, another order
    CHECK(data::minibatches(10, 3, 6, 0, true) != batches);  // another seed
    // pinned: Fisher–Yates over mt19937_64 with our own unbiased draw, no std distribution
    CHECK(data::minibatches(10, 10, 5, 1, true)[0] == std::vector<Eigen::Index>{3, 5, 7, 6, 8, 1, 2, 0, 9, 4});
    // without shuffling: in order; batch <= 0 or >= n: one batch
    const auto plain = data::minibatches(5, 2, 5, 3, false);
    CHECK(plain == std::vector<std::vector<Eigen::Index>>{{0, 1}, {2, 3}, {4}});
    CHECK(data::minibatches(5, 0, 1, 0, false).size() == 1);
    CHECK(data::minibatches(5, 9, 1, 0, false)[0].size() == 5);
    CHECK(data::minibatches(0, 4, 1, 0, true).empty());
    // every position gets every index across epochs (the shuffle is not stuck)
    std::set<Eigen::Index> first;
    for (int epoch = 0; epoch < 200; ++epoch) first.insert(data::minibatches(10, 10, 9, epoch, true)[0][0]);
    CHECK(first.size() == 10);
}

TEST_CASE("Batches as columns", "[data]") {
    const Eigen::MatrixXd rows = (Eigen::MatrixXd(4, 3) << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12).finished();
    const std::vector<Eigen::Index> idx{2, 0};
    const Eigen::MatrixXd cols = data::columns(rows, idx);
    CHECK(cols == (Eigen::MatrixXd(3, 2) << 7, 1, 8, 2, 9, 3).finished());
    Eigen::MatrixXd buffer = Eigen::MatrixXd::Zero(3, 4);
    const double* storage = buffer.data();
    data::columns(rows, idx, buffer.leftCols(2));
    CHECK(buffer.leftCols(2) == cols);
    CHECK(buffer.data() == storage);
    CHECK_THROWS_AS(data::columns(rows, idx, buffer), std::invalid_argument);
    const std::vector<Eigen::Index> bad{4};
    CHECK_THROWS_AS(data::columns(rows, bad), std::out_of_range);
}

TEST_CASE("Iris: 150 × 4 with 3 one-hot classes", "[data]") {
    const std::string path = std::string(MATCALC_SOURCE_DIR) + "/examples/data/iris.csv";
    const Dataset d = data::read_csv(Source{path, read_file(path)}, "species");
    CHECK(d.samples() == 150);
    CHECK(d.features() == 4);
    CHECK(d.feature_names ==
          std::vector<std::string>{"sepal_length", "sepal_width", "petal_length", "petal_width"});
    CHECK(d.classes == std::vector<std::string>{"setosa", "versicolor", "virginica"});
    CHECK(d.kind == TargetKind::Classes);
    CHECK(d.Y.colwise().sum() == Eigen::RowVector3d(50, 50, 50));
    CHECK(d.X.row(0) == Eigen::RowVector4d(5.1, 3.5, 1.4, 0.2));
    CHECK(d.X.col(2).maxCoeff() == 6.9);
    CHECK(data::read_csv(Source{path, read_file(path)}).Y == d.Y);  // the last column by default

    const std::string xor_path = std::string(MATCALC_SOURCE_DIR) + "/examples/data/xor.csv";
    const Dataset x = data::read_csv(Source{xor_path, read_file(xor_path)});
    CHECK(x.X == data::generate("xor", 4, 0, 0).X);
    CHECK(x.Y == data::generate("xor", 4, 0, 0).Y);
}
