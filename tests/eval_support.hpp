// Helpers of the evaluator's and values files' tests (test_eval.cpp, test_values.cpp):
// matrices written inline, exact and approximate comparisons that print both sides, the
// float32-against-float64 agreement, and a model built without the parser.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>

#include "matcalc/numeric/values.hpp"
#include "matcalc/frontend/model.hpp"

namespace matcalc::testing::eval {

using Eigen::MatrixXd;


inline MatrixXd rows(std::initializer_list<std::initializer_list<double>> list) {
    MatrixXd m(static_cast<Eigen::Index>(list.size()), static_cast<Eigen::Index>(list.begin()->size()));
    Eigen::Index r = 0;
    for (const auto& row : list) {
        Eigen::Index c = 0;
        for (double v : row) m(r, c++) = v;
        ++r;
    }
    return m;
}

inline MatrixXd col(std::initializer_list<double> list) {
    MatrixXd m(static_cast<Eigen::Index>(list.size()), 1);
    Eigen::Index i = 0;
    for (double v : list) m(i++, 0) = v;
    return m;
}

inline MatrixXd num(double v) { return MatrixXd::Constant(1, 1, v); }

inline std::string show(const MatrixXd& m) {
    std::ostringstream s;
    s.precision(17);
    s << m.rows() << "x" << m.cols() << "\n" << m;
    return s.str();
}

// Exact equality of shape and every entry.
inline bool same(const MatrixXd& a, const MatrixXd& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

inline bool close(const MatrixXd& a, const MatrixXd& b, double tol) {
    return a.rows() == b.rows() && a.cols() == b.cols() && ((a - b).array().abs() <= tol).all();
}

#define CHECK_SAME(actual, expected)                                                     \
    do {                                                                                 \
        const MatrixXd check_a_ = (actual), check_e_ = (expected);                       \
        INFO("actual:\n" << show(check_a_) << "\nexpected:\n" << show(check_e_));        \
        CHECK(same(check_a_, check_e_));                                                 \
    } while (0)

#define CHECK_CLOSE(actual, expected, tol)                                               \
    do {                                                                                 \
        const MatrixXd check_a_ = (actual), check_e_ = (expected);                       \
        INFO("actual:\n" << show(check_a_) << "\nexpected:\n" << show(check_e_));        \
        CHECK(close(check_a_, check_e_, tol));                                           \
    } while (0)

// A float32 result against the float64 one: NaN where it is NaN, the same infinity, a
// float's overflow or underflow where the double is beyond float's range, else equal to
// 1e-5 relative (the inputs are rounded to float too).
inline bool agrees_in_float(const MatrixXd& single, const MatrixXd& dbl) {
    if (single.rows() != dbl.rows() || single.cols() != dbl.cols()) return false;
    for (Eigen::Index i = 0; i < dbl.size(); ++i) {
        const double f = single(i), d = dbl(i);
        if (std::isnan(d) ? !std::isnan(f) : std::isnan(f)) return false;
        if (std::isnan(d)) continue;
        if (std::abs(d) > 3.4e38) {
            if (!(std::isinf(f) && (f > 0) == (d > 0))) return false;
            continue;
        }
        if (std::abs(f - d) > 1e-5 * std::max(1.0, std::abs(d))) {
            UNSCOPED_INFO("float32 " << f << " vs float64 " << d);
            return false;
        }
    }
    return true;
}

// A model built without the parser: declarations added one by one; `text` is what the
// declarations would read like (so positions and line numbers mean something).
struct TestModel {
    Model model;
    explicit TestModel(std::string text = "") : model(Source{"m.mc", std::move(text)}, std::make_unique<Context>()) {}
    Context& cx() { return model.cx(); }
    Dim size(const char* name) { return cx().sizes().symbol(name); }
    Expr declare(const std::string& name, Shape shape) {
        Symbol s;
        s.kind = Symbol::Kind::Declared;
        s.name = name;
        s.declared_shape = shape;
        s.expr = cx().variable(name, shape);
        std::size_t at = model.source().text.find(name);
        if (at != std::string::npos) s.range = {at, at + name.size()};
        model.mutable_symbols().push_back(s);
        return s.expr;
    }
    Expr define(const std::string& name, Expr e) {
        Symbol s;
        s.kind = Symbol::Kind::Defined;
        s.name = name;
        s.expr = e;
        std::size_t at = model.source().text.find(name + " =");
        if (at != std::string::npos) s.range = {at, at + name.size()};
        model.mutable_symbols().push_back(s);
        return e;
    }
};


}  // namespace matcalc::testing::eval
