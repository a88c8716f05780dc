// libFuzzer target: the whole pipeline on arbitrary model text.
//
//   bytes → parse → bind → (last definition f, a few declared variables x)
//         → derivative → simplify (definitions kept whole and named, as `derive` does;
//           for small inputs sometimes as `derive --expand`) → print (ASCII, Unicode, LaTeX)
//         → evaluate f and every ∂f/∂x at small random sizes (2..3) and values.
//
// Expected outcomes: matcalc::InputError (bad input, rendered through render_error to
// exercise the diagnostics too) and matcalc::UnsupportedDerivative. Anything else that
// escapes (std::logic_error, std::out_of_range, ShapeError, bad_alloc, ...) is a bug:
// the target prints it and aborts, so libFuzzer records the input as a crash.
//
// The body runs on a thread with a large stack, as src/cli/main.cpp runs the command line:
// the DAG passes recurse once per nesting level and the default 8 MiB stack (smaller
// still in effect under ASan) is not what the program runs with. Set
// MATCALC_FUZZ_STACK_MB to change it (e.g. 8 to look for recursion the limits miss).
//
// Extra oracles (cheap, always on):
//   - the evaluated value of every expression has the concrete shape its symbolic shape
//     says it has;
//   - the ASCII text of a derivative binds back in the model's scope (the printer's
//     promise that ASCII round-trips through the parser) — MATCALC_FUZZ_ROUNDTRIP=0 turns
//     this off.
#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/numeric/values.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/core/ops.hpp"
#include "matcalc/frontend/parser.hpp"
#include "matcalc/print/print.hpp"
#include "matcalc/simplify/simplify.hpp"
#include "matcalc/steps/steps.hpp"

namespace {

using namespace matcalc;

constexpr std::size_t kMaxVariables = 3;  // derivatives per input
constexpr std::size_t kPrintLimit = std::size_t{1} << 20;
constexpr std::size_t kRoundTripLimit = std::size_t{64} << 10;

[[noreturn]] void bug(const char* what, const std::string& detail) {
    std::fprintf(stderr, "\n*** matcalc fuzz: BUG: %s: %s\n", what, detail.c_str());
    std::fflush(stderr);
    std::abort();
}

bool env_flag(const char* name, bool fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    return v[0] != '0';
}

// Renders an input error against the text it points into; must not crash whatever the
// range is.
void render(const Source& source, const InputError& e) {
    std::string text = render_error(source, e);
    if (text.empty()) bug("render_error", "empty diagnostic");
}

// Sizes 2..3 for every size symbol still free, and values for every declared variable.
Env random_env(Model& model, std::mt19937_64& rng) {
    Context& cx = model.cx();
    Env env;
    std::uniform_int_distribution<int> size(2, 3);
    for (std::size_t i = 0; i < cx.sizes().symbol_count(); ++i) {
        Dim d = cx.sizes().resolve(-static_cast<Dim>(i) - 1);
        bool composite = !cx.sizes().factors(d).empty() || !cx.sizes().terms(d).empty();  // m*n, n+1
        if (is_symbol(d) && !composite && !env.sizes.count(d)) env.sizes[d] = size(rng);
    }
    std::uniform_real_distribution<double> value(-2.0, 2.0);
    for (const Symbol& s : model.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        auto [rows, cols] = concrete_shape(cx, s.expr, env);
        // Declared integer sizes can be huge (matrix(2, 555555555)): such a variable gets
        // no value here, and an evaluation that needs it is an input error ("no value").
        if (rows > (Eigen::Index{1} << 16) / cols) continue;
        Eigen::MatrixXd m(rows, cols);
        for (Eigen::Index j = 0; j < m.size(); ++j) m.data()[j] = value(rng);
        env.values[s.name] = std::move(m);
    }
    return env;
}

// The same values written as a values file, read back through load_values: exercises
// the JSON reader and size inference on the model's declarations.
void values_round_trip(Model& model, const Env& env) {
    Context& cx = model.cx();
    json::Writer w(0);
    w.begin_object();
    for (std::size_t i = 0; i < cx.sizes().symbol_count(); ++i) {
        std::string name = cx.sizes().symbol_name(i);
        if (name.empty() || name[0] == '?' || model.find(name)) continue;
        Dim d = cx.sizes().resolve(-static_cast<Dim>(i) - 1);
        if (!is_symbol(d) || !cx.sizes().factors(d).empty() || !cx.sizes().terms(d).empty()) continue;
        auto it = env.sizes.find(d);
        if (it == env.sizes.end()) continue;
        w.key(name).number(static_cast<double>(it->second));
    }
    for (const Symbol& s : model.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        auto it = env.values.find(s.name);
        if (it == env.values.end()) continue;
        w.key(s.name);
        if (s.type == ast::TypeSpec::Kind::Scalar) w.number(it->second(0, 0));
        else if (s.type == ast::TypeSpec::Kind::Vector) w.numbers(vec_order(it->second));
        else write_rows(w, it->second);
    }
    w.end_object();
    Source values{"fuzz.json", w.str()};
    try {
        Env loaded = load_values(model, values);
        for (const auto& [name, m] : env.values) {
            auto it = loaded.values.find(name);
            if (it == loaded.values.end()) bug("load_values", "lost the value of '" + name + "': " + values.text);
            if (it->second.rows() != m.rows() || it->second.cols() != m.cols())
                bug("load_values", "changed the shape of '" + name + "': " + values.text);
        }
    } catch (const InputError& e) {
        // The values fit the declarations by construction; a rejection is worth a look
        // but may be legitimate (a size symbol that is also fixed elsewhere), so only
        // its rendering is checked.
        render(values, e);
    }
}

void check_shape(const Context& cx, Expr e, const Eigen::MatrixXd& v, const Env& env, const char* what) {
    auto [rows, cols] = concrete_shape(cx, e, env);
    if (v.rows() != rows || v.cols() != cols)
        bug("evaluate", std::string(what) + ": value is " + std::to_string(v.rows()) + "x" +
                            std::to_string(v.cols()) + ", shape says " + std::to_string(rows) + "x" +
                            std::to_string(cols));
}

// vec(·), K(m,n), blocks x[2:3] and sizes such as m*n or n+1 (in zeros(m*n, n), eye(m*n))
// appear in results only: the language cannot spell them.
bool output_only_notation(const Context& cx, Expr e) {
    const SizeTable& z = cx.sizes();
    auto composite = [&](Dim d) { return !z.factors(d).empty() || !z.terms(d).empty(); };
    for (Expr n : reachable(cx, std::span<const Expr>(&e, 1))) {
        Kind k = n->op->kind;
        if (k == Kind::Vec || k == Kind::Unvec || k == Kind::Commutation || k == Kind::Block) return true;
        Shape sh = cx.shape(n);
        if ((k == Kind::Constant || k == Kind::Identity) && (composite(sh.rows) || composite(sh.cols))) return true;
    }
    return false;
}

void pipeline(const std::string& text) {
    Source source{"fuzz.mc", text};
    std::uint64_t seed = std::hash<std::string>{}(text);
    std::mt19937_64 rng(seed);
    const bool roundtrip = env_flag("MATCALC_FUZZ_ROUNDTRIP", true);

    try {
        Model model = load_model(source);
        Context& cx = model.cx();
        const Symbol& f = model.function(std::nullopt);
        // As `derive` (definition names) or, for small inputs, as `derive --expand`
        // (nothing kept whole: known to be slow on long chains, see tests/test_bad_input.cpp).
        const bool expand = text.size() < 1024 && (rng() & 3) == 0;
        Simplifier simplifier(cx);
        std::unordered_map<Expr, std::string> names;
        if (!expand) names = name_definitions(simplifier, model.definitions(&f));

        std::vector<const Symbol*> vars;
        for (const Symbol& s : model.symbols())
            if (s.kind == Symbol::Kind::Declared && vars.size() < kMaxVariables) vars.push_back(&s);

        std::vector<Expr> derivatives;
        for (const Symbol* x : vars) {
            Layout layout = (rng() & 1) ? Layout::Denominator : Layout::Numerator;
            Expr d = nullptr;
            try {
                d = derivative(cx, f.expr, x->expr, layout, x->type == ast::TypeSpec::Kind::Matrix);
                // Now and then the Hessian too (the Jacobian of the gradient), as --hessian.
                // Small inputs only: a long chain's Hessian prints megabytes (a clean error
                // in the command line, tests/test_bad_input.cpp) and takes seconds under ASan.
                if (cx.is_scalar(f.expr) && text.size() < 1024 && (rng() & 3) == 0)
                    derivatives.push_back(simplifier(hessian(cx, f.expr, x->expr)));
            } catch (const UnsupportedDerivative&) {
                continue;
            } catch (const std::overflow_error&) {  // sizes of a Jacobian beyond 2^40: an input error in the CLI
                continue;
            }
            d = simplifier(d);
            // Now and then the derivation step by step (derive --steps), in one of its formats.
            if (text.size() < 1024 && (rng() & 3) == 0) {
                try {
                    Derivation steps = derive_steps(model, f, *x, d, "numerator layout", !expand);
                    StepsPrintOptions so;
                    so.format = static_cast<StepsFormat>(rng() % 3);
                    so.print.style = (rng() & 1) ? Style::Ascii : Style::Unicode;
                    so.print.names = &names;
                    so.print.hadamard_as_otimes = rng() & 1;
                    (void)format_steps(model, steps, so);
                    if (steps.substituted) derivatives.push_back(steps.substituted);
                } catch (const UnsupportedDerivative&) {
                } catch (const std::overflow_error&) {
                }
            }
            for (Style style : {Style::Ascii, Style::Unicode, Style::Latex}) {
                PrintOptions po;
                po.style = style;
                po.names = &names;
                po.max_length = kPrintLimit;
                (void)print(cx, d, po);
            }
            if (roundtrip) {
                PrintOptions po;
                po.style = Style::Ascii;
                po.max_length = kPrintLimit;
                std::string ascii = print(cx, d, po);
                // Without names the text can be exponentially long (cut at kPrintLimit);
                // parsing a long one again costs seconds under ASan, so only short ones.
                if (ascii.size() < kRoundTripLimit && !output_only_notation(cx, d)) {
                    try {
                        (void)model.bind_expression(ascii);
                    } catch (const InputError& e) {
                        bug("print/parse round trip",
                            "the ASCII derivative does not bind back: '" + ascii + "': " + e.what());
                    }
                }
            }
            derivatives.push_back(d);
        }

        Env env = random_env(model, rng);
        values_round_trip(model, env);
        require_values(model, f.expr, env);
        Eigen::MatrixXd fv = evaluate(cx, f.expr, env);
        check_shape(cx, f.expr, fv, env, "the function");
        for (Expr d : derivatives) {
            require_values(model, d, env);
            Eigen::MatrixXd dv = evaluate(cx, d, env);
            check_shape(cx, d, dv, env, "a derivative");
        }
    } catch (const InputError& e) {
        render(source, e);
    } catch (const UnsupportedDerivative&) {
    } catch (const ShapeError& e) {
        bug("ShapeError escaped", e.what());
    } catch (const std::exception& e) {
        bug(typeid(e).name(), e.what());
    }
}

struct Job {
    const std::string* text;
};

void* run_job(void* p) {
    pipeline(*static_cast<Job*>(p)->text);
    return nullptr;
}

std::size_t stack_bytes() {
    static const std::size_t bytes = [] {
        const char* v = std::getenv("MATCALC_FUZZ_STACK_MB");
        std::size_t mb = v ? std::strtoull(v, nullptr, 10) : 1024;
        return (mb ? mb : 1024) << 20;
    }();
    return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    Job job{&text};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_bytes());
    pthread_t thread;
    if (pthread_create(&thread, &attr, run_job, &job) != 0) {
        run_job(&job);
    } else {
        pthread_join(thread, nullptr);
    }
    pthread_attr_destroy(&attr);
    return 0;
}
