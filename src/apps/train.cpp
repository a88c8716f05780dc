// The trainer (train.hpp): the loss and its gradients compiled per batch size, the
// optimizers, and the parameters' initial values.
#include "matcalc/apps/train.hpp"

#include <cmath>
#include <random>
#include <type_traits>

#include <fmt/format.h>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/simplify/simplify.hpp"

namespace matcalc {

using Eigen::Index;
using Eigen::MatrixXd;

// One compiled program: the loss (root 0) and, with gradients, ∇ of every parameter, in
// double or in single precision, with the handles of its variables (npos where it does not
// read one) in params_ order and in inputs_ then targets_ order.
struct Trainer::Program {
    std::unique_ptr<Evaluator> f64;
    std::unique_ptr<Evaluator32> f32;
    std::vector<std::size_t> params, data;
    std::vector<Index> heights;  // the data rows of each input and target symbol (bind(), first call)

    Program(const Context& cx, std::span<const Expr> roots, const Env& env, Precision precision,
            const std::vector<std::vector<const Symbol*>>& groups) {
        if (precision == Precision::Float32) f32 = std::make_unique<Evaluator32>(cx, roots, env);
        else f64 = std::make_unique<Evaluator>(cx, roots, env);
        for (std::size_t g = 0; g < groups.size(); ++g)
            for (const Symbol* s : groups[g])
                (g == 0 ? params : data).push_back(f64 ? f64->find_variable(s->name) : f32->find_variable(s->name));
    }
    template <class T>
    BasicEvaluator<T>& in() {
        if constexpr (std::is_same_v<T, double>) return *f64;
        else return *f32;
    }
    void run(const Env& env) { f64 ? f64->run(env) : f32->run(env); }
    double scalar(std::size_t i) const { return f64 ? f64->value(i)(0, 0) : static_cast<double>(f32->value(i)(0, 0)); }
    // The i-th root's value in double (a float one widened into `storage`).
    const MatrixXd& value(std::size_t i, MatrixXd& storage) const {
        if (f64) return f64->value(i);
        storage = f32->value(i).cast<double>();
        return storage;
    }
};

// The parameters and what a step keeps of them in T. `value` is what the programs read
// (bound, no copy); `latest` points at each parameter's latest gradient: the program's own
// result, or `gradient` where sample-by-sample runs sum them.
template <class T>
struct Trainer::State {
    using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    std::vector<Matrix> value, gradient, velocity, first, second;
    std::vector<const Matrix*> latest;
    std::vector<Matrix> data;  // inputs and targets, where not read from the caller's X and Y
    explicit State(std::size_t params, std::size_t data_symbols)
        : value(params), gradient(params), velocity(params), first(params), second(params), latest(params),
          data(data_symbols) {}
};

template <>
Trainer::State<double>& Trainer::state<double>() { return *f64_; }
template <>
Trainer::State<float>& Trainer::state<float>() { return *f32_; }

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
    const std::size_t data_symbols = inputs_.size() + targets_.size();
    if (precision_ == Precision::Float32) f32_ = std::make_unique<State<float>>(params_.size(), data_symbols);
    else f64_ = std::make_unique<State<double>>(params_.size(), data_symbols);
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
        gradients_[p->name] = MatrixXd::Zero(r, c);
    }
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const MatrixXd& v = values_.at(params_[i]->name);
        if (f64_) f64_->value[i] = v;
        else f32_->value[i] = v.cast<float>();
    }
    values_stale_ = false;
}

const std::map<std::string, MatrixXd>& Trainer::parameter_values() const {
    if (values_stale_) {
        for (std::size_t i = 0; i < params_.size(); ++i) {
            MatrixXd& v = values_[params_[i]->name];
            if (f64_) v = f64_->value[i];
            else v = f32_->value[i].cast<double>();
        }
        values_stale_ = false;
    }
    return values_;
}

const std::map<std::string, MatrixXd>& Trainer::gradient_values() const {
    if (gradients_stale_) {
        for (std::size_t i = 0; i < params_.size(); ++i) {
            MatrixXd& g = gradients_[params_[i]->name];
            if (f64_) g = *f64_->latest[i];
            else g = f32_->latest[i]->cast<double>();
        }
        gradients_stale_ = false;
    }
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
    std::vector<const Symbol*> data = inputs_;
    data.insert(data.end(), targets_.begin(), targets_.end());
    auto p = std::make_unique<Program>(model_.cx(), roots, env_, precision_,
                                       std::vector<std::vector<const Symbol*>>{params_, data});
    return *programs_.emplace(key, std::move(p)).first->second;
}

// Samples (columns of X and Y) as the model's inputs and targets: the whole batch (a lifted
// model takes them as columns, a batch model as rows), or with `sample` that one column
// alone (a per-sample program). A symbol that takes all of X (or Y) as it is reads the
// caller's matrix in double; the others are copied (transposed for a batch model, rounded
// in float) into the state's buffers, which keep their size from step to step.
template <class T>
void Trainer::bind(Program& p, const MatrixXd& X, const MatrixXd& Y, std::optional<Index> sample) {
    State<T>& st = state<T>();
    BasicEvaluator<T>& ev = p.in<T>();
    for (std::size_t i = 0; i < params_.size(); ++i)
        if (p.params[i] != Evaluator::npos) ev.bind(p.params[i], st.value[i]);
    const Index first = sample.value_or(0), count = sample ? 1 : X.cols();
    if (p.heights.empty()) {
        // The data rows each symbol takes. A batch model: one sample per row, a vector(B)
        // one data row, a matrix(B, d) d of them.
        const SizeTable& z = model_.cx().sizes();
        for (const auto* group : {&inputs_, &targets_})
            for (const Symbol* s : *group) {
                const bool matrix = batch_model_ && has_symbol_rows(z, *s);
                p.heights.push_back(batch_model_ ? (matrix ? known_size(z, z.resolve(s->declared_shape.cols), env_) : 1)
                                                 : known_size(z, z.resolve(s->declared_shape.rows), env_));
            }
    }
    std::size_t k = 0;
    auto bind_group = [&](const std::vector<const Symbol*>& symbols, const MatrixXd& data) {
        Index row = 0;
        for (std::size_t n = 0; n < symbols.size(); ++n) {
            const Index height = p.heights[k];
            const std::size_t handle = p.data[k];
            const bool whole = !batch_model_ && !sample && height == data.rows();
            if constexpr (std::is_same_v<T, double>)
                if (handle != Evaluator::npos && whole) ev.bind(handle, data);
            if (handle != Evaluator::npos && (!std::is_same_v<T, double> || !whole)) {
                auto block = data.block(row, first, height, count);
                if (batch_model_) st.data[k] = block.transpose().template cast<T>();
                else st.data[k] = block.template cast<T>();
                ev.bind(handle, st.data[k]);
            }
            row += height;
            ++k;
        }
        if (row != data.rows())
            throw InputError(fmt::format("the data has {} rows of {} per sample, the model takes {}", data.rows(),
                                         &data == &X ? "inputs" : "targets", row));
    };
    bind_group(inputs_, X);
    bind_group(targets_, Y);
}

double Trainer::loss(const MatrixXd& X, const MatrixXd& Y) {
    Program& p = program(X.cols(), false);
    auto run = [&](std::optional<Index> sample) {
        if (f64_) bind<double>(p, X, Y, sample);
        else bind<float>(p, X, Y, sample);
        p.run(env_);
        return p.scalar(0);
    };
    if (!sample_by_sample()) return run(std::nullopt);
    double sum = 0;
    for (Index j = 0; j < X.cols(); ++j) sum += run(j);
    return sum / static_cast<double>(X.cols());
}

double Trainer::loss_and_gradients(const MatrixXd& X, const MatrixXd& Y) {
    return f64_ ? loss_and_gradients_in<double>(X, Y) : loss_and_gradients_in<float>(X, Y);
}

template <class T>
double Trainer::loss_and_gradients_in(const MatrixXd& X, const MatrixXd& Y) {
    Program& p = program(X.cols(), true);
    State<T>& st = state<T>();
    BasicEvaluator<T>& ev = p.in<T>();
    gradients_stale_ = true;
    if (!sample_by_sample()) {
        bind<T>(p, X, Y, std::nullopt);
        ev.run(env_);
        // The update reads the gradients where the program wrote them; a gradient that is
        // the caller's X or Y itself (∇_w of w·x is x) is copied, as X and Y are not kept.
        for (std::size_t i = 0; i < params_.size(); ++i) {
            st.latest[i] = &ev.value(i + 1);
            if (static_cast<const void*>(st.latest[i]) == &X || static_cast<const void*>(st.latest[i]) == &Y)
                st.latest[i] = &(st.gradient[i] = *st.latest[i]);
        }
        return p.scalar(0);
    }
    // Sample by sample: the mean of the per-sample losses and gradients.
    double sum = 0;
    for (std::size_t i = 0; i < params_.size(); ++i) {
        st.gradient[i].setZero(st.value[i].rows(), st.value[i].cols());
        st.latest[i] = &st.gradient[i];
    }
    for (Index j = 0; j < X.cols(); ++j) {
        bind<T>(p, X, Y, j);
        ev.run(env_);
        sum += p.scalar(0);
        for (std::size_t i = 0; i < params_.size(); ++i) st.gradient[i] += ev.value(i + 1);
    }
    const T n = static_cast<T>(X.cols());
    for (auto& g : st.gradient) g /= n;
    return sum / static_cast<double>(X.cols());
}

double Trainer::step(const MatrixXd& X, const MatrixXd& Y, int epoch) {
    const double loss = loss_and_gradients(X, Y);
    if (!std::isfinite(loss))
        throw Diverged(fmt::format("epoch {}: the loss is {}", epoch, std::isnan(loss) ? "NaN" : "infinite"), epoch, "");
    ++steps_;
    if (f64_) update<double>(epoch);
    else update<float>(epoch);
    return loss;
}

// One optimizer update of every parameter from its latest gradient, in T.
template <class T>
void Trainer::update(int epoch) {
    State<T>& st = state<T>();
    const OptimizerSettings& o = optimizer_;
    const T lr = static_cast<T>(o.lr);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        auto& P = st.value[i];
        const auto& G = *st.latest[i];
        switch (o.kind) {
        case OptimizerKind::SGD:
            P -= lr * G;
            break;
        case OptimizerKind::Momentum: {
            auto& V = st.velocity[i];
            if (V.size() == 0) V.setZero(G.rows(), G.cols());
            V = static_cast<T>(o.momentum) * V + G;
            P -= lr * V;
            break;
        }
        case OptimizerKind::Adam: {
            auto &M = st.first[i], &S = st.second[i];
            if (M.size() == 0) M.setZero(G.rows(), G.cols()), S.setZero(G.rows(), G.cols());
            const T b1 = static_cast<T>(o.beta1), b2 = static_cast<T>(o.beta2);
            M = b1 * M + (1 - b1) * G;
            S = b2 * S + (1 - b2) * G.cwiseProduct(G);
            const double t = static_cast<double>(steps_);
            const T c1 = static_cast<T>(1 - std::pow(o.beta1, t)), c2 = static_cast<T>(1 - std::pow(o.beta2, t));
            P.array() -= lr * (M.array() / c1) / ((S.array() / c2).sqrt() + static_cast<T>(o.eps));
            break;
        }
        }
    }
    values_stale_ = true;
    for (std::size_t i = 0; i < params_.size(); ++i)
        if (const Symbol* p = params_[i]; !st.value[i].allFinite())
            throw Diverged(fmt::format("epoch {}: the parameter '{}' is no longer finite (NaN or infinity) after step {}",
                                       epoch, p->name, steps_),
                           epoch, p->name);
}

Eigen::MatrixXd Trainer::predict(const std::string& name, const MatrixXd& X) {
    const Symbol* s = model_.find(name);
    if (!s || s->kind != Symbol::Kind::Defined)
        throw InputError(fmt::format("'{}' is not a definition of the model", name));
    Context& cx = model_.cx();
    Expr roots[1] = {s->expr};
    MatrixXd Y = MatrixXd::Zero(target_width(), X.cols());
    std::vector<const Symbol*> data = inputs_;
    data.insert(data.end(), targets_.begin(), targets_.end());
    const std::vector<std::vector<const Symbol*>> groups{params_, data};
    auto bound = [&](Program& p, std::optional<Index> sample) {
        if (f64_) bind<double>(p, X, Y, sample);
        else bind<float>(p, X, Y, sample);
        p.run(env_);
    };
    if (batch_model_) {
        env_.sizes[batch_symbol_] = X.cols();
        Program p(cx, roots, env_, precision_, groups);
        bound(p, std::nullopt);
        MatrixXd value;
        return p.value(0, value).transpose();  // samples as columns
    }
    Program p(cx, roots, env_, precision_, groups);
    MatrixXd out, value;
    for (Index j = 0; j < X.cols(); ++j) {
        bound(p, j);
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
