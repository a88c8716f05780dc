// The workbench's entry points into the engine, compiled to WebAssembly by
// scripts/build-web.sh and called from web/app.js through embind.
//
//   run(["derive", "-e", model, "--wrt", "w", "--format", "json"])
//       -> {status, out, err}: exactly what `matcalc derive ...` prints and its exit code
//   variables(model, of)  -> {status, out: JSON list of names, err}
//   example_values(model, of, seed) -> {status, out: a values file (JSON), err}
//
// Nothing may throw across the boundary: an exception that leaves through embind reaches
// JavaScript as a bare number, so every entry point catches everything and reports it
// as text with exit code 2, as the command line does.
#include <emscripten/bind.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "matcalc/calculus/derive.hpp"
#include "matcalc/cli/cli.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/io/diagnostics.hpp"
#include "matcalc/io/json.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "matcalc/numeric/values.hpp"

namespace {

using matcalc::kExitBadInput;
using matcalc::kExitOk;

struct Reply {
    int status = kExitOk;
    std::string out;
    std::string err;
};

// The model as the command line's `-e` reads it, so that positions and the file name in
// diagnostics ("-e:2:7: error: ...") are the same in the page and in a terminal.
matcalc::Source model_source(std::string text) {
    return matcalc::Source{"-e", std::move(text)};
}

template <class Body>
Reply guarded(const matcalc::Source* source, Body body) {
    Reply reply;
    try {
        body(reply);
    } catch (const matcalc::InputError& e) {
        reply.status = kExitBadInput;
        reply.err = source ? matcalc::render_error(*source, e) : std::string("error: ") + e.what() + "\n";
    } catch (const std::bad_alloc&) {
        reply.status = kExitBadInput;
        reply.err = "error: out of memory\n";
    } catch (const std::exception& e) {
        reply.status = kExitBadInput;
        reply.err = std::string("error: ") + e.what() + "\n";
    } catch (...) {
        reply.status = kExitBadInput;
        reply.err = "error: unexpected failure\n";
    }
    return reply;
}

Reply run(const std::vector<std::string>& args) {
    return guarded(nullptr, [&](Reply& reply) {
        std::ostringstream out, err;
        reply.status = matcalc::run_cli(args, out, err);
        reply.out = out.str();
        reply.err = err.str();
    });
}

std::optional<std::string> function_name(const std::string& of) {
    if (of.empty()) return std::nullopt;
    return of;
}

// The declared symbols the function depends on, in the order of their declarations: what
// the page derives with respect to when #wrt is empty.
Reply variables(const std::string& text, const std::string& of) {
    matcalc::Source source = model_source(text);
    return guarded(&source, [&](Reply& reply) {
        matcalc::Model model = matcalc::load_model(source);
        const matcalc::Symbol& f = model.function(function_name(of));
        matcalc::json::Writer out;
        out.begin_array();
        for (const matcalc::Symbol& s : model.symbols())
            if (s.kind == matcalc::Symbol::Kind::Declared && matcalc::depends_on(f.expr, s.expr)) out.string(s.name);
        out.end_array();
        reply.out = out.str();
    });
}

// A small generator of our own: the same numbers in every browser and in node.
struct SplitMix64 {
    std::uint64_t state;
    double uniform(double lo, double hi) {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return lo + (hi - lo) * static_cast<double>(z >> 11) * 0x1.0p-53;
    }
};

// Values to start from when the user asks for numbers: every symbolic size 3, every
// variable the function needs (without an initial value in the model) drawn from
// [-1, 1] with two decimals, so that they read well and can be edited; where the function
// is not finite there (log, sqrt of a negative), drawn again from [0.1, 0.9].
Reply example_values(const std::string& text, const std::string& of, unsigned seed) {
    matcalc::Source source = model_source(text);
    return guarded(&source, [&](Reply& reply) {
        matcalc::Model model = matcalc::load_model(source);
        const matcalc::Symbol& f = model.function(function_name(of));
        matcalc::Context& cx = model.cx();
        matcalc::SizeTable& sizes = cx.sizes();
        matcalc::Env base;
        for (std::size_t i = 0; i < sizes.symbol_count(); ++i) {
            matcalc::Dim d = sizes.resolve(-static_cast<matcalc::Dim>(i) - 1);
            if (matcalc::is_symbol(d) && sizes.factors(d).empty() && sizes.terms(d).empty()) base.sizes[d] = 3;
        }
        std::vector<const matcalc::Symbol*> needed;
        for (const matcalc::Symbol& s : model.symbols())
            if (s.kind == matcalc::Symbol::Kind::Declared && !s.initial_value && matcalc::depends_on(f.expr, s.expr))
                needed.push_back(&s);
        SplitMix64 rng{seed};
        matcalc::Env env;
        for (int attempt = 0; attempt < 20; ++attempt) {
            env = base;
            double lo = attempt < 10 ? -1.0 : 0.1, hi = attempt < 10 ? 1.0 : 0.9;
            for (const matcalc::Symbol* s : needed) {
                auto [r, c] = matcalc::concrete_shape(cx, s->expr, env);
                if (r * c > 10000) throw matcalc::InputError("'" + s->name + "' is too large for example values");
                Eigen::MatrixXd m(r, c);
                for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = std::round(rng.uniform(lo, hi) * 100.0) / 100.0;
                env.values[s->name] = m;
            }
            matcalc::fill_initial_values(model, env);
            matcalc::require_values(model, f.expr, env);
            if (matcalc::evaluate(cx, f.expr, env).allFinite()) break;
        }
        matcalc::json::Writer out;
        out.begin_object();
        for (const matcalc::Symbol* s : needed) {
            out.key(s->name);
            matcalc::write_value(out, env.values.at(s->name), sizes, s->declared_shape);
        }
        out.end_object();
        reply.out = out.str();
    });
}

Reply run_js(const emscripten::val& args) {
    return run(emscripten::vecFromJSArray<std::string>(args));
}

}  // namespace

EMSCRIPTEN_BINDINGS(matcalc) {
    emscripten::value_object<Reply>("Reply")
        .field("status", &Reply::status)
        .field("out", &Reply::out)
        .field("err", &Reply::err);
    emscripten::function("run", &run_js);
    emscripten::function("variables", &variables);
    emscripten::function("example_values", &example_values);
}
