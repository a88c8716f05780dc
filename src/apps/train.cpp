// The trainer (train.hpp): the loss and its gradients compiled per batch size, the
// optimizers, and the parameters' initial values.
#include "matcalc/apps/train.hpp"

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

// One compiled program: the loss (root 0) and, with gradients, ∇ of every parameter, in
// double or in single precision.
struct Trainer::Program {
    std::unique_ptr<Evaluator> f64;
    std::unique_ptr<Evaluator32> f32;

    Program(const Context& cx, std::span<const Expr> roots, const Env& env, Precision precision) {
        if (precision == Precision::Float32) f32 = std::make_unique<Evaluator32>(cx, roots, env);
        else f64 = std::make_unique<Evaluator>(cx, roots, env);
    }
    void run(const Env& env) { f64 ? f64->run(env) : f32->run(env); }
    double scalar(std::size_t i) const { return f64 ? f64->value(i)(0, 0) : static_cast<double>(f32->value(i)(0, 0)); }
    // The i-th root's value: the program's own matrix in double, else rounded up into `storage`.
    const MatrixXd& value(std::size_t i, MatrixXd& storage) const {
        if (f64) return f64->value(i);
        storage = f32->value(i).cast<double>();  // storage has the shape: no allocation
        return storage;
    }
    void add_value(std::size_t i, MatrixXd& sum) const {
        if (f64) sum += f64->value(i);
        else sum += f32->value(i).cast<double>();
    }
};

namespace {

bool has_symbol_rows(const SizeTable& z, const Symbol& s) {
    return s.type == ast::TypeSpec::Kind::Matrix && is_symbol(z.resolve(s.declared_shape.rows));
}

}  // namespace

Trainer::Trainer(Model& model, const Symbol& loss, OptimizerSettings optimizer, Precision precision)
    : model_(model), loss_(loss), optimizer_(optimizer), precision_(precision) {
    Context& cx = model.cx();
    SizeTable& z = cx.sizes();
    for (const Symbol& s : model.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        if (s.role == "param") params_.push_back(&s);
        else if (s.role == "input") inputs_.push_back(&s);
        else if (s.role == "target") targets_.push_back(&s);
    }
    if (params_.empty()) throw InputError("the model has no parameters to train (declare them with `param`)");
    if (!cx.is_scalar(loss.expr))
        throw InputError(fmt::format("the loss '{}' is a {}, not a scalar", loss.name, z.describe(cx.shape(loss.expr))));
    // A batch model declares its data as matrices with a size symbol for the samples (rows).
    for (const Symbol* s : inputs_) batch_model_ = batch_model_ || has_symbol_rows(z, *s);
    for (const Symbol* s : targets_) batch_model_ = batch_model_ || has_symbol_rows(z, *s);
    std::vector<Expr> xs;
    for (const Symbol* p : params_) xs.push_back(p->expr);
    Simplifier simplify(cx);
    auto simplified_gradients = [&](Expr f) {
        std::vector<Expr> gs = gradients(cx, f, xs);
        for (Expr& g : gs) g = simplify(g);
        return gs;
    };
    if (batch_model_) {
        for (const Symbol* s : inputs_) {
            if (!has_symbol_rows(z, *s) && s->type != ast::TypeSpec::Kind::Vector)
                throw InputError(fmt::format("input '{}' of a batch model: one sample per row of a matrix(B, d)", s->name),
                                 s->range);
            if (!batch_symbol_) batch_symbol_ = z.resolve(s->declared_shape.rows);
        }
        for (const Symbol* s : targets_)
            if (!batch_symbol_) batch_symbol_ = z.resolve(s->declared_shape.rows);
        batch_loss_ = loss.expr;
        batch_gradients_ = simplified_gradients(batch_loss_);
        return;
    }
    per_sample_loss_ = loss.expr;
    per_sample_gradients_ = simplified_gradients(per_sample_loss_);
    // Lift: one column per sample.
    batch_symbol_ = z.symbol("#batch");
    std::unordered_map<Expr, Expr> batched;
    for (const auto* group : {&inputs_, &targets_})
        for (const Symbol* s : *group) {
            Shape sh = cx.shape(s->expr);
            if (!z.is_one(sh.cols))
                throw InputError(fmt::format("'{}' is a {}: a sample's input or target is a scalar or a vector", s->name,
                                             z.describe(sh)),
                                 s->range);
            batched[s->expr] = cx.variable(s->name, Shape{sh.rows, batch_symbol_});
        }
    batch_loss_ = lift_to_batch(cx, per_sample_loss_, batched, batch_symbol_, fallback_reason_);
    lifted_ = batch_loss_ != nullptr;
    if (lifted_) batch_gradients_ = simplified_gradients(batch_loss_);
}

Trainer::~Trainer() = default;

Index Trainer::input_width() const {
    Index n = 0;
    const SizeTable& z = model_.cx().sizes();
    for (const Symbol* s : inputs_) {
        Shape sh = z.resolve(s->declared_shape);
        n += known_size(z, batch_model_ && has_symbol_rows(z, *s) ? sh.cols : batch_model_ ? Dim{1} : sh.rows, env_);
    }
    return n;
}

Index Trainer::target_width() const {
    Index n = 0;
    for (const Symbol* s : targets_) {
        const SizeTable& z = model_.cx().sizes();
        Shape sh = z.resolve(s->declared_shape);
        if (batch_model_ && has_symbol_rows(z, *s)) {
            n += s->type == ast::TypeSpec::Kind::Matrix ? known_size(z, sh.cols, env_) : 1;
        } else {
            n += known_size(z, sh.rows, env_);
        }
    }
    return n;
}

void Trainer::set_parameters(const std::map<std::string, MatrixXd>& values) {
    Context& cx = model_.cx();
    SizeTable& z = cx.sizes();
    for (const Symbol* p : params_) {
        auto it = values.find(p->name);
        if (it == values.end()) throw InputError(fmt::format("no value for the parameter '{}'", p->name), p->range);
        // Sizes the declarations leave open are those of the values.
        Shape sh = z.resolve(cx.shape(p->expr));
        const Dim dims[2] = {sh.rows, sh.cols};
        const Index got[2] = {it->second.rows(), it->second.cols()};
        for (int k = 0; k < 2; ++k) {
            if (is_symbol(dims[k]) && z.factors(dims[k]).empty() && z.terms(dims[k]).empty()) {
                auto [slot, fresh] = env_.sizes.emplace(dims[k], got[k]);
                if (!fresh && slot->second != got[k])
                    throw InputError(fmt::format("'{}' is {}×{}, but {} is {} elsewhere", p->name, got[0], got[1],
                                                 z.name(dims[k]), slot->second));
            }
        }
        auto [r, c] = concrete_shape(cx, p->expr, env_);
        if (r != got[0] || c != got[1])
            throw InputError(fmt::format("the value of '{}' is {}×{}, but '{}' is {}×{}", p->name, got[0], got[1],
                                         p->name, r, c),
                             p->range);
        values_[p->name] = it->second;
        env_.values[p->name] = it->second;
        gradients_[p->name] = MatrixXd::Zero(r, c);
    }
    slots_.clear();
    for (const Symbol* p : params_)
        slots_.push_back({&gradients_.at(p->name), &env_.values.at(p->name), &gradients_.at(p->name)});
    values_stale_ = false;
}

const std::map<std::string, MatrixXd>& Trainer::parameter_values() const {
    if (values_stale_) {
        for (std::size_t i = 0; i < params_.size(); ++i) values_[params_[i]->name] = *slots_[i].env;
        values_stale_ = false;
    }
    return values_;
}

const std::map<std::string, MatrixXd>& Trainer::gradient_values() const {
    for (const Slots& slot : slots_)
        if (slot.latest != slot.gradient) *slot.gradient = *slot.latest;
    return gradients_;
}

Trainer::Program& Trainer::program(Index batch, bool with_gradients) {
    const bool per_sample = sample_by_sample();
    auto key = std::make_pair(per_sample ? Index{1} : batch, with_gradients);
    auto it = programs_.find(key);
    if (it != programs_.end()) return *it->second;
    std::vector<Expr> roots{per_sample ? per_sample_loss_ : batch_loss_};
    if (with_gradients) {
        const std::vector<Expr>& gs = per_sample ? per_sample_gradients_ : batch_gradients_;
        roots.insert(roots.end(), gs.begin(), gs.end());
    }
    if (!per_sample) env_.sizes[batch_symbol_] = batch;
    auto p = std::make_unique<Program>(model_.cx(), roots, env_, precision_);
    return *programs_.emplace(key, std::move(p)).first->second;
}

// Samples (columns of X and Y) as the model's inputs and targets in env_: the whole batch
// (a lifted model takes them as columns, a batch model as rows), or with `sample` that one
// column alone (a per-sample program).
void Trainer::bind_batch(const MatrixXd& X, const MatrixXd& Y, std::optional<Index> sample) {
    Env& env = env_;
    const Index first = sample.value_or(0), count = sample ? 1 : X.cols();
    auto bind = [&](const std::vector<const Symbol*>& symbols, const MatrixXd& data) {
        Index row = 0;
        for (const Symbol* s : symbols) {
            const SizeTable& z = model_.cx().sizes();
            MatrixXd& v = env.values[s->name];
            if (batch_model_) {
                // One sample per row: a vector(B) is one data row, a matrix(B, d) d of them.
                const bool matrix = has_symbol_rows(z, *s);
                const Index width = matrix ? known_size(z, z.resolve(s->declared_shape.cols), env) : 1;
                v = data.block(row, first, width, count).transpose();
                row += width;
            } else {
                const Index height = known_size(z, z.resolve(s->declared_shape.rows), env);
                v = data.block(row, first, height, count);
                row += height;
            }
        }
        if (row != data.rows())
            throw InputError(fmt::format("the data has {} rows of {} per sample, the model takes {}", data.rows(),
                                         &data == &X ? "inputs" : "targets", row));
    };
    bind(inputs_, X);
    bind(targets_, Y);
}

double Trainer::loss(const MatrixXd& X, const MatrixXd& Y) {
    Program& p = program(X.cols(), false);
    if (!sample_by_sample()) {
        bind_batch(X, Y, std::nullopt);
        p.run(env_);
        return p.scalar(0);
    }
    double sum = 0;
    for (Index j = 0; j < X.cols(); ++j) {
        bind_batch(X, Y, j);
        p.run(env_);
        sum += p.scalar(0);
    }
    return sum / static_cast<double>(X.cols());
}

double Trainer::loss_and_gradients(const MatrixXd& X, const MatrixXd& Y) {
    Program& p = program(X.cols(), true);
    if (!sample_by_sample()) {
        bind_batch(X, Y, std::nullopt);
        p.run(env_);
        // In double the update reads the gradients where the program wrote them.
        for (std::size_t i = 0; i < params_.size(); ++i) slots_[i].latest = &p.value(i + 1, *slots_[i].gradient);
        return p.scalar(0);
    }
    // Sample by sample: the mean of the per-sample losses and gradients.
    double sum = 0;
    for (auto& [name, g] : gradients_) g.setZero();
    for (Index j = 0; j < X.cols(); ++j) {
        bind_batch(X, Y, j);
        p.run(env_);
        sum += p.scalar(0);
        for (std::size_t i = 0; i < params_.size(); ++i) p.add_value(i + 1, *slots_[i].gradient);
    }
    const double n = static_cast<double>(X.cols());
    for (auto& [name, g] : gradients_) g /= n;
    for (Slots& slot : slots_) slot.latest = slot.gradient;
    return sum / n;
}

double Trainer::step(const MatrixXd& X, const MatrixXd& Y, int epoch) {
    const double loss = loss_and_gradients(X, Y);
    if (!std::isfinite(loss))
        throw Diverged(fmt::format("epoch {}: the loss is {}", epoch, std::isnan(loss) ? "NaN" : "infinite"), epoch, "");
    ++steps_;
    const double t = static_cast<double>(steps_);
    const OptimizerSettings& o = optimizer_;
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const Symbol* p = params_[i];
        MatrixXd& P = *slots_[i].env;
        const MatrixXd& G = *slots_[i].latest;
        switch (o.kind) {
        case OptimizerKind::SGD:
            P -= o.lr * G;
            break;
        case OptimizerKind::Momentum: {
            auto [it, fresh] = velocity_.try_emplace(p->name, MatrixXd::Zero(G.rows(), G.cols()));
            MatrixXd& V = it->second;
            V = o.momentum * V + G;
            P -= o.lr * V;
            break;
        }
        case OptimizerKind::Adam: {
            MatrixXd& M = first_moment_.try_emplace(p->name, MatrixXd::Zero(G.rows(), G.cols())).first->second;
            MatrixXd& S = second_moment_.try_emplace(p->name, MatrixXd::Zero(G.rows(), G.cols())).first->second;
            M = o.beta1 * M + (1 - o.beta1) * G;
            S = o.beta2 * S + (1 - o.beta2) * G.cwiseProduct(G);
            const double c1 = 1 - std::pow(o.beta1, t), c2 = 1 - std::pow(o.beta2, t);
            P.array() -= o.lr * (M.array() / c1) / ((S.array() / c2).sqrt() + o.eps);
            break;
        }
        }
    }
    values_stale_ = true;
    for (std::size_t i = 0; i < params_.size(); ++i)
        if (const Symbol* p = params_[i]; !slots_[i].env->allFinite())
            throw Diverged(fmt::format("epoch {}: the parameter '{}' is no longer finite (NaN or infinity) after step {}",
                                       epoch, p->name, steps_),
                           epoch, p->name);
    return loss;
}

Eigen::MatrixXd Trainer::predict(const std::string& name, const MatrixXd& X) {
    const Symbol* s = model_.find(name);
    if (!s || s->kind != Symbol::Kind::Defined)
        throw InputError(fmt::format("'{}' is not a definition of the model", name));
    Context& cx = model_.cx();
    Expr roots[1] = {s->expr};
    MatrixXd Y = MatrixXd::Zero(target_width(), X.cols());
    if (batch_model_) {
        env_.sizes[batch_symbol_] = X.cols();
        bind_batch(X, Y, std::nullopt);
        Program p(cx, roots, env_, precision_);
        p.run(env_);
        MatrixXd value;
        return p.value(0, value).transpose();  // samples as columns
    }
    Program p(cx, roots, env_, precision_);
    MatrixXd out, value;
    for (Index j = 0; j < X.cols(); ++j) {
        bind_batch(X, Y, j);
        p.run(env_);
        const MatrixXd& v = p.value(0, value);
        if (j == 0) out.resize(v.size(), X.cols());
        out.col(j) = v.reshaped();
    }
    return out;
}

// ---------------------------------------------------------------- initial values

namespace {

double number_of(const ast::Expr& e, const std::string& param) {
    if (e.kind == ast::ExprKind::Number) return e.number;
    if (e.kind == ast::ExprKind::Unary && e.args.size() == 1) {
        double v = number_of(e.args[0], param);
        return e.text == "+" ? v : -v;
    }
    throw InputError(fmt::format("the initializer of '{}' takes numbers", param), e.range);
}

}  // namespace

std::map<std::string, MatrixXd> initial_parameters(Model& model, std::uint64_t seed, const Env& given) {
    Env env = given;  // its values win over the model's own
    fill_initial_values(model, env);
    std::mt19937_64 rng(seed);
    std::map<std::string, MatrixXd> out;
    for (const Symbol& s : model.symbols()) {
        if (s.kind != Symbol::Kind::Declared || s.role != "param") continue;
        if (auto it = env.values.find(s.name); it != env.values.end()) {
            out[s.name] = it->second;
            continue;
        }
        if (!s.initializer)
            throw InputError(fmt::format("the parameter '{}' has no initial value", s.name), s.range,
                             {"give it one in the model (`= ...` or `~ glorot`) or in the values file of --init"});
        auto [rows, cols] = concrete_shape(model.cx(), s.expr, env);
        const ast::Expr& init = *s.initializer;
        std::string kind = init.text;
        std::vector<double> args;
        for (const ast::Expr& a : init.args) args.push_back(number_of(a, s.name));
        auto want = [&](std::size_t n) {
            if (args.size() != n)
                throw InputError(fmt::format("{} takes {} numbers", kind, n), init.range);
        };
        MatrixXd v(rows, cols);
        // Uniform and normal draws written out (Box–Muller), so that a seed gives the same
        // numbers with any standard library.
        auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
        auto normal = [&] {
            double u1 = uniform(), u2 = uniform();
            return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * M_PI * u2);
        };
        if (kind == "zeros") {
            want(0);
            v.setZero();
        } else if (kind == "ones") {
            want(0);
            v.setOnes();
        } else if (kind == "normal") {
            want(2);
            for (Index i = 0; i < v.size(); ++i) v(i) = args[0] + args[1] * normal();
        } else if (kind == "uniform") {
            want(2);
            for (Index i = 0; i < v.size(); ++i) v(i) = args[0] + (args[1] - args[0]) * uniform();
        } else if (kind == "glorot" || kind == "xavier") {
            want(0);
            const double fan_in = static_cast<double>(cols), fan_out = static_cast<double>(rows);
            const double a = std::sqrt(6.0 / (fan_in + fan_out));
            for (Index i = 0; i < v.size(); ++i) v(i) = -a + 2 * a * uniform();
        } else {
            throw InputError(fmt::format("unknown initializer '{}' (expected zeros, ones, normal(μ, σ), uniform(a, b) "
                                         "or glorot)",
                                         kind),
                             init.range);
        }
        out[s.name] = v;
    }
    return out;
}

}  // namespace matcalc
