// `matcalc compare`: a claimed derivative against matcalc's own (compare.hpp).
#include "matcalc/apps/compare.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "matcalc/steps/steps.hpp"

namespace matcalc {

const char* compared_as_name(ComparedAs as) { return as == ComparedAs::Jacobian ? "jacobian" : "gradient"; }

double compare_error(const Eigen::MatrixXd& c, const Eigen::MatrixXd& t) {
    if (c.rows() != t.rows() || c.cols() != t.cols()) return INFINITY;
    if (t.size() == 0) return 0.0;
    const double scale = std::max(t.cwiseAbs().maxCoeff(), c.cwiseAbs().maxCoeff());
    double worst = 0.0;
    for (Eigen::Index i = 0; i < t.size(); ++i) {
        const double diff = std::abs(c(i) - t(i));
        const double err = diff == 0 ? 0.0 : diff / std::max({std::abs(t(i)), 1e-3 * scale, 1e-9});
        if (!(err <= worst)) worst = std::isnan(err) ? INFINITY : err;  // NaN: as far as can be
    }
    return worst;
}

Expr bind_claim(Model& model, const Source& claim) { return model.bind_expression(claim); }

namespace {

bool declared_matrix(const Symbol& s) { return s.type == ast::TypeSpec::Kind::Matrix; }

bool same_shape(const SizeTable& z, Shape a, Shape b) {
    a = z.resolve(a), b = z.resolve(b);
    return a.rows == b.rows && a.cols == b.cols;
}

Shape transposed(Shape s) { return Shape{s.cols, s.rows}; }

// The shapes a claim may take for ∂f/∂x: the Jacobian's (numel f × numel x), the
// gradient's (x's own, scalar f only).
struct Shapes {
    Shape jacobian, gradient;
    bool has_jacobian = true, has_gradient = false;
    bool gradient_first = false;
};

Shapes shapes_of(Model& model, const Symbol& f, const Symbol& x) {
    Context& cx = model.cx();
    Shapes s;
    Shape fs = cx.shape(f.expr), xs = cx.shape(x.expr);
    const bool scalar_f = cx.is_scalar(f.expr);
    s.has_gradient = scalar_f;
    s.gradient = xs;
    // numel as a size: a product of sizes when both are symbols of a matrix.
    auto numel = [&](Shape sh) -> Dim {
        SizeTable& z = cx.sizes();
        if (z.resolve(sh.cols) == 1) return z.resolve(sh.rows);
        if (z.resolve(sh.rows) == 1) return z.resolve(sh.cols);
        return z.product(z.resolve(sh.rows), z.resolve(sh.cols));
    };
    s.jacobian = Shape{numel(fs), numel(xs)};
    // A scalar function of a matrix: the derivative as derive prints it is the gradient
    // (tried first), and a claim shaped like its transpose is "transposed", not a Jacobian
    // in vec form (1 × 2 for a 2 × 1 matrix).
    s.gradient_first = scalar_f && declared_matrix(x);
    if (s.gradient_first) s.has_jacobian = !same_shape(cx.sizes(), s.jacobian, transposed(xs));
    return s;
}

// The top-level terms of a sum, with their signs: a − (b + c) gives a, −b, −c.
void terms_of(Context& cx, Expr e, bool negative, std::vector<Expr>& out) {
    const Op op = e->op->id;
    if (op == Op::Add || op == Op::Sub) {
        terms_of(cx, e->args[0], negative, out);
        terms_of(cx, e->args[1], op == Op::Sub ? !negative : negative, out);
    } else if (op == Op::Neg) {
        terms_of(cx, e->args[0], !negative, out);
    } else {
        out.push_back(negative ? cx.neg(e) : e);
    }
}

// A term's value where it broadcasts (a scalar term of a vector sum) spread to `like`.
Eigen::MatrixXd spread(const Eigen::MatrixXd& v, const Eigen::MatrixXd& like) {
    if (v.rows() == like.rows() && v.cols() == like.cols()) return v;
    if (v.size() == 1) return Eigen::MatrixXd::Constant(like.rows(), like.cols(), v(0, 0));
    if (v.rows() == like.rows() && v.cols() == 1) return v.replicate(1, like.cols());
    if (v.cols() == like.cols() && v.rows() == 1) return v.replicate(like.rows(), 1);
    return Eigen::MatrixXd::Constant(like.rows(), like.cols(), NAN);
}

// A factor as people write it: 2, −1, 1/2, 3/4, else the number itself.
std::string factor_text(double k) {
    for (int q = 1; q <= 12; ++q) {
        const double p = std::round(k * q);
        if (std::abs(k * q - p) < 1e-9 * std::max(1.0, std::abs(k * q))) {
            if (q == 1) return format_number(p);
            return fmt::format("{}/{}", format_number(p), q);
        }
    }
    return fmt::format("{:.6g}", k);
}

// The values of the pieces of one comparison at every point.
struct Sample {
    Eigen::MatrixXd claimed, expected;   // in the compared orientation
    std::vector<Eigen::MatrixXd> truth_terms, claim_terms;
};

// Whether `test(sample)` is within the tolerance at every point.
template <class F>
bool at_every_point(const std::vector<Sample>& samples, double tolerance, F value_of) {
    for (const Sample& s : samples) {
        Eigen::MatrixXd v = value_of(s);
        if (!(compare_error(v, s.expected) <= tolerance)) return false;
    }
    return true;
}

// The slip a wrong claim is, or nothing: the wrong sign, a constant factor, a term of the
// derivative missing, a term extra, a term with the wrong sign, transposed. `transpose_word`
// is what a transposed claim is called here ("the other layout" or "transposed").
std::optional<std::string> diagnose(const std::vector<Sample>& samples, double tol, const std::vector<std::string>& truth_text,
                                    const std::vector<std::string>& claim_text, const char* transpose_word, bool square) {
    if (samples.empty()) return std::nullopt;
    if (at_every_point(samples, tol, [](const Sample& s) -> Eigen::MatrixXd { return -s.claimed; }))
        return std::string("the wrong sign");
    // A constant factor: the same k at every point, claimed = k · expected.
    {
        std::optional<double> k;
        bool constant = true;
        for (const Sample& s : samples) {
            const double tt = s.expected.squaredNorm();
            if (!(tt > 0) || !std::isfinite(tt)) continue;
            const double ks = s.claimed.cwiseProduct(s.expected).sum() / tt;
            if (!k) k = ks;
            else if (std::abs(ks - *k) > 1e-6 * std::max(1.0, std::abs(*k))) constant = false;
        }
        if (k && constant && std::isfinite(*k) && std::abs(*k) > 1e-12 && std::abs(*k - 1) > 1e-9 &&
            at_every_point(samples, tol, [&](const Sample& s) -> Eigen::MatrixXd { return s.claimed / *k; }))
            return fmt::format("off by a constant factor: {} times the derivative", factor_text(*k));
    }
    const Sample& first = samples.front();
    for (std::size_t i = 0; i < first.truth_terms.size() && first.truth_terms.size() > 1; ++i) {
        if (at_every_point(samples, tol, [&](const Sample& s) -> Eigen::MatrixXd {
                return s.claimed + spread(s.truth_terms[i], s.expected);
            }))
            return fmt::format("a term missing: {}", truth_text[i]);
        if (at_every_point(samples, tol, [&](const Sample& s) -> Eigen::MatrixXd {
                return s.claimed - spread(s.truth_terms[i], s.expected);
            }))
            return fmt::format("an extra term: {} (counted twice)", truth_text[i]);
        if (at_every_point(samples, tol, [&](const Sample& s) -> Eigen::MatrixXd {
                return s.claimed + 2 * spread(s.truth_terms[i], s.expected);
            }))
            return fmt::format("a term with the wrong sign: {}", truth_text[i]);
    }
    for (std::size_t i = 0; i < first.claim_terms.size() && first.claim_terms.size() > 1; ++i)
        if (at_every_point(samples, tol, [&](const Sample& s) -> Eigen::MatrixXd {
                return s.claimed - spread(s.claim_terms[i], s.expected);
            }))
            return fmt::format("an extra term: {}", claim_text[i]);
    if (square && at_every_point(samples, tol, [](const Sample& s) -> Eigen::MatrixXd { return s.claimed.transpose(); }))
        return std::string(transpose_word);
    return std::nullopt;
}

}  // namespace

std::string expected_shapes(const Model& model, const Symbol& f, const Symbol& x) {
    Model& m = const_cast<Model&>(model);  // shapes_of may intern a product of sizes
    Shapes s = shapes_of(m, f, x);
    const SizeTable& z = m.cx().sizes();
    std::vector<std::string> forms;
    if (s.has_jacobian) forms.push_back(shape_text(z, s.jacobian, Style::Unicode) + " (the Jacobian)");
    if (s.has_gradient && !(s.has_jacobian && same_shape(z, s.jacobian, s.gradient)))
        forms.push_back(shape_text(z, s.gradient, Style::Unicode) + " (the gradient)");
    else if (s.has_gradient && s.gradient_first)
        forms.at(0) = shape_text(z, s.gradient, Style::Unicode) + " (the gradient)";  // one shape: a matrix's gradient
    if (s.gradient_first) std::reverse(forms.begin(), forms.end());
    return forms.size() == 2 ? forms[0] + " or " + forms[1] : forms.at(0);
}

CompareResult compare_claim(Model& model, const Symbol& f, const Symbol& x, Expr claim, const CompareOptions& options) {
    Context& cx = model.cx();
    SizeTable& z = cx.sizes();
    const Shapes shapes = shapes_of(model, f, x);
    // A number stands for itself in every entry, as matcalc prints 1 for a vector of ones
    // and 0 for a zero gradient: the claim `1` or `0` takes the derivative's shape.
    if (cx.is_scalar(claim) && !claim->has_variable) {
        const Shape like = shapes.gradient_first || !shapes.has_jacobian ? shapes.gradient : shapes.jacobian;
        if (!z.is_scalar(like)) claim = cx.mul(claim, cx.ones(like));
    }
    const Shape cs = cx.shape(claim);
    CompareResult r;
    // Which derivative the claim stands for, by its shape; the Jacobian first.
    bool found = false;
    auto try_as = [&](bool allowed, Shape s, ComparedAs as) {
        if (found || !allowed) return;
        if (same_shape(z, cs, s)) found = true, r.compared_as = as, r.transposed_shape = false;
    };
    if (shapes.gradient_first) try_as(shapes.has_gradient, shapes.gradient, ComparedAs::Gradient);
    try_as(shapes.has_jacobian, shapes.jacobian, ComparedAs::Jacobian);
    try_as(shapes.has_gradient, shapes.gradient, ComparedAs::Gradient);
    auto try_transposed = [&](bool allowed, Shape s, ComparedAs as) {
        if (found || !allowed) return;
        if (same_shape(z, cs, transposed(s))) found = true, r.compared_as = as, r.transposed_shape = true;
    };
    try_transposed(shapes.has_jacobian, shapes.jacobian, ComparedAs::Jacobian);
    try_transposed(shapes.has_gradient, shapes.gradient, ComparedAs::Gradient);
    if (!found)
        throw InputError(fmt::format("the claim is {}, but ∂{}/∂{} is {}", shape_text(z, cs, Style::Unicode), f.name,
                                     x.name, expected_shapes(model, f, x)),
                         std::nullopt,
                         {"a claim is the derivative itself: the Jacobian in numerator layout, or for a scalar "
                          "function the gradient, shaped like the variable"});
    // Vectors: a transposed Jacobian is the denominator layout; matrices: transposed.
    const bool vectors = !declared_matrix(x) && z.resolve(cx.shape(f.expr).cols) == 1 && z.resolve(cx.shape(x.expr).cols) == 1;
    const char* transpose_word = vectors && r.compared_as == ComparedAs::Jacobian ? "the other layout" : "transposed";

    // The right derivative in the compared form, simplified as derive simplifies it (the
    // model's definitions kept whole, so its terms print with their names).
    Simplifier simplifier(cx);
    std::unordered_map<Expr, std::string> names = name_definitions(simplifier, model.definitions(&f));
    names.erase(f.expr);  // as derive: the function is never printed by another definition's name
    Expr truth = nullptr;
    try {
        if (r.compared_as == ComparedAs::Gradient) {
            truth = gradient(cx, f.expr, x.expr);
        } else {
            truth = derivative(cx, f.expr, x.expr, Layout::Numerator, declared_matrix(x));
            if (!same_shape(z, cx.shape(truth), shapes.jacobian)) truth = jacobian(cx, f.expr, x.expr);
        }
    } catch (const UnsupportedDerivative& e) {
        throw InputError(fmt::format("∂{}/∂{}: {}", f.name, x.name, e.what()));
    } catch (const std::overflow_error& e) {
        throw InputError(fmt::format("∂{}/∂{}: the derivative's sizes are too large ({})", f.name, x.name, e.what()));
    }
    truth = simplifier(truth);
    r.derivative = truth;
    Expr compared = r.transposed_shape ? cx.transpose(claim) : claim;

    // Symbolically first: the same node once simplified, or a difference that is zero.
    // The difference is simplified without the names kept whole, so definitions cancel.
    if (!r.transposed_shape) {
        Simplifier plain(cx);
        Expr c = plain(compared), t = plain(truth);
        if (c == t || cx.is_zero(plain(cx.sub(c, t)))) {
            r.equal = r.symbolic = true;
            return r;
        }
    }

    // Numerically, at check's points (piecewise kinks avoided in both).
    std::vector<Expr> truth_terms, claim_terms;
    terms_of(cx, truth, false, truth_terms);
    terms_of(cx, simplifier(claim), false, claim_terms);
    // The points are where the function and the right derivative are finite (and away
    // from kinks); the claim is evaluated there whatever it is (an infinite claim is wrong).
    std::vector<Expr> roots{f.expr, truth};
    roots.insert(roots.end(), truth_terms.begin(), truth_terms.end());
    std::vector<Expr> claimed{compared};
    claimed.insert(claimed.end(), claim_terms.begin(), claim_terms.end());
    CheckOptions drawing;
    drawing.points = options.points;
    drawing.seed = options.seed;
    std::vector<DrawnPoint> points = draw_points(model, roots, {x.expr}, nullptr, drawing);
    std::vector<Sample> samples;
    std::size_t worst = 0;
    for (std::size_t p = 0; p < points.size(); ++p) {
        const std::vector<Eigen::MatrixXd>& v = points[p].values;
        const std::vector<Eigen::MatrixXd> c = evaluate_all(cx, claimed, points[p].env);
        Sample s;
        s.expected = v[1];
        s.claimed = c[0];
        for (std::size_t i = 0; i < truth_terms.size(); ++i) s.truth_terms.push_back(v[2 + i]);
        for (std::size_t i = 0; i < claim_terms.size(); ++i) {
            Eigen::MatrixXd term = c[1 + i];
            s.claim_terms.push_back(r.transposed_shape && term.size() > 1 ? Eigen::MatrixXd(term.transpose()) : term);
        }
        const double err = compare_error(s.claimed, s.expected);
        if (!(err <= r.max_error)) {
            r.max_error = std::isnan(err) ? INFINITY : err;
            worst = p;
        }
        samples.push_back(std::move(s));
    }
    r.points = static_cast<int>(points.size());
    r.equal = !r.transposed_shape && r.max_error <= options.tolerance;
    if (r.equal) return r;

    PrintOptions po;
    po.names = &names;
    std::vector<std::string> truth_text, claim_text;
    for (Expr t : truth_terms) truth_text.push_back(print(cx, t, po));
    for (Expr t : claim_terms) claim_text.push_back(print(cx, t, po));
    const bool square = same_shape(z, cs, transposed(cs));
    if (r.transposed_shape) {
        if (r.max_error <= options.tolerance) {
            r.diagnosis = transpose_word;
        } else {
            std::optional<std::string> also = diagnose(samples, options.tolerance, truth_text, claim_text, transpose_word, false);
            r.diagnosis = std::string(transpose_word) + (also ? ", and " + *also : std::string());
        }
    } else {
        r.diagnosis = diagnose(samples, options.tolerance, truth_text, claim_text, transpose_word, square);
    }
    // Where the largest error is, in the claim's own shape.
    r.point = points[worst].env;
    for (auto it = r.point.values.begin(); it != r.point.values.end();) {
        const Symbol* s = model.find(it->first);
        it = s && s->kind == Symbol::Kind::Declared ? std::next(it) : r.point.values.erase(it);
    }
    r.claimed = samples[worst].claimed;
    r.expected = samples[worst].expected;
    if (r.transposed_shape) r.claimed.transposeInPlace();
    return r;
}

}  // namespace matcalc
