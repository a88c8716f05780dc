// Every LaTeX string matcalc writes renders in KaTeX (issue 4, item 4): the derivatives of
// every example model with respect to each of its variables (`--format latex` lines,
// JSON `latex`, `--piecewise cases`, Hessians), and formulas that reach every operation
// of the table and the notation of matrix Jacobians (⊗, K, vec, vec⁻¹, blocks). Rendered by
// Debian's katex package in node (tests/katex_check.js), strict mode, errors fatal.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "matcalc/io/json.hpp"
#include "matcalc/frontend/model.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

// The LaTeX of `derive ARGS --format latex` (one formula per line, `%` comments left out)
// and of `--format json` (with --piecewise cases). Derivations matcalc refuses are skipped.
void collect(std::vector<std::string> args, std::set<std::string>& out) {
    std::vector<std::string> latex = args;
    latex.insert(latex.begin(), "derive");
    latex.insert(latex.end(), {"--format", "latex"});
    Run r = run(latex);
    if (r.code != 0) return;
    std::size_t start = 0;
    while (start < r.out.size()) {
        std::size_t end = r.out.find('\n', start);
        std::string line = r.out.substr(start, end - start);
        if (!line.empty() && line[0] != '%') out.insert(line);
        start = end == std::string::npos ? r.out.size() : end + 1;
    }
    std::vector<std::string> json = args;
    json.insert(json.begin(), "derive");
    json.insert(json.end(), {"--format", "json", "--piecewise", "cases"});
    Run j = run(json);
    if (j.code != 0) return;
    json::Value doc = parse_json(j.out);
    for (const json::Value& d : doc.find("derivatives")->items()) {
        out.insert(d.find("latex")->as_string());
        if (const json::Value* h = d.find("hessian_latex")) out.insert(h->as_string());
    }
}

// The LaTeX of `derive ARGS --steps` in every form: the align* environment, each $$ block
// of the Markdown, the JSON's steps_latex, and the mathematics of a --standalone document
// (its align* and its inline $…$). Returns whether the derivation was written.
bool collect_steps(std::vector<std::string> args, std::set<std::string>& out) {
    args.insert(args.begin(), "derive");
    args.push_back("--steps");
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = args;
        a.insert(a.end(), extra.begin(), extra.end());
        return run(a);
    };
    Run latex = with({"--format", "latex", "--piecewise", "cases"});
    if (latex.code != 0) return false;
    auto environments = [&](const std::string& text, const std::string& open, const std::string& close) {
        for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
            std::size_t end = text.find(close, at + open.size());
            if (end == std::string::npos) break;
            out.insert(text.substr(at, end + close.size() - at));
        }
    };
    environments(latex.out, "\\begin{align*}", "\\end{align*}");
    Run markdown = with({"--format", "markdown", "--hadamard", "otimes"});
    std::string md = markdown.out;
    for (std::size_t at = md.find("$$\n"); at != std::string::npos;) {
        std::size_t end = md.find("\n$$", at + 3);
        if (end == std::string::npos) break;
        out.insert(md.substr(at + 3, end - at - 3));
        at = md.find("$$\n", end + 3);
    }
    Run json_run = with({"--format", "json"});
    json::Value parsed = parse_json(json_run.out);
    for (const json::Value& d : parsed.find("derivatives")->items())
        out.insert(d.find("steps_latex")->as_string());
    Run document = with({"--format", "latex", "--standalone"});
    environments(document.out, "\\begin{align*}", "\\end{align*}");
    std::string& doc = document.out;
    for (std::size_t at = doc.find('$'); at != std::string::npos;) {
        std::size_t end = doc.find('$', at + 1);
        if (end == std::string::npos) break;
        out.insert(doc.substr(at + 1, end - at - 1));
        at = doc.find('$', end + 1);
    }
    return true;
}

// Every declared symbol of a model file as --wrt, with the Hessian when it is defined.
void collect_model(const std::string& path, std::set<std::string>& out) {
    Model m = load_model(Source{path, read_file(path)});
    for (const Symbol& s : m.symbols()) {
        if (s.kind != Symbol::Kind::Declared) continue;
        collect({path, "--wrt", s.name}, out);
        collect({path, "--wrt", s.name, "--hessian"}, out);
    }
}

const char* const kDecl = "x, y : vector(n); u : vector(m); s, t : scalar; A, X : matrix(n, n); W : matrix(m, n); ";

// Formulas that reach every operation and spelling of the table, and the notation of
// matrix Jacobians and Hessians.
const char* const kFormulas[][2] = {
    {"f = exp(x) + log(x) - sin(x) .* cos(x) ./ tan(x)", "x"},
    {"f = asin(x) + acos(x) + atan(x) + tanh(x) + sigmoid(x) + sign(x) + relu(x)", "x"},
    {"f = max(x, y) + min(x, s) + leaky_relu(x) + leaky_relu(x, 0.2) + softplus(x) + abs(x) + sqrt(x) + step(x)", "x"},
    {"f = bce(sigmoid(x), y)", "x"},
    {"f = x^3 + x.^s + 2x + x / 3 + s^t", "s"},
    {"f = sum(x) + mean(x) + norm(x) + norm1(x) + dot(x, y) + x·y + ‖x‖", "x"},
    {"f = tr(A) + det(A) + logdet(A' * A) + logsumexp(x) + sum(inv(A))", "A"},
    {"f = softmax(A * x)", "x"},
    {"f = diag(x) * y + diag(A)", "x"},
    {"f = [s; s^2; 3s]", "s"},
    {"f = [s, t; t, s]", "s"},
    {"f = W * x", "W"},
    {"f = A * X * A'", "X"},
    {"f = X'", "X"},
    {"f = inv(X)", "X"},
    {"f = sin(X)", "X"},
    {"f = kron(x, u)", "x"},
    {"f = kron(A, X)", "X"},
    {"f = sum(kron(A, X))", "X"},
    {"f = tanh(W * x + u)", "W"},
    {"f = sum(sin([x; u]))", "x"},
    {"f = diag(X)", "X"},
    {"f = x' * A * x", "x"},
    {"f = logdet(X)", "X"},
    {"f = max(0, s * t)", "s"},
    {"f = mean(bce(sigmoid(W' * u), y))", "u"},
};

}  // namespace

TEST_CASE("every LaTeX string matcalc writes renders in KaTeX", "[katex][latex]") {
    std::set<std::string> latex;
    for (const char* dir : {"lecture", "cookbook"})
        for (const auto& entry : std::filesystem::directory_iterator(example(dir)))
            if (entry.path().extension() == ".mc") collect_model(entry.path().string(), latex);
    for (const auto& [formula, wrt] : kFormulas) {
        std::string model = std::string(kDecl) + formula;
        INFO(model);
        std::size_t before = latex.size();
        collect({"-e", model, "--wrt", wrt}, latex);
        collect({"-e", model, "--wrt", wrt, "--hessian"}, latex);
        CHECK(latex.size() > before);  // the formula derived
    }
    REQUIRE(latex.size() > 150);
    // The steps of every lecture derivation (each variable, and each definition that is
    // not the function), and of the formulas above.
    std::size_t derivations = 0;
    for (const auto& entry : std::filesystem::directory_iterator(example("lecture"))) {
        if (entry.path().extension() != ".mc") continue;
        std::string path = entry.path().string();
        Model m = load_model(Source{path, read_file(path)});
        for (const Symbol& s : m.symbols())
            if (s.kind == Symbol::Kind::Declared) derivations += collect_steps({path, "--wrt", s.name}, latex);
    }
    for (const auto& [formula, wrt] : kFormulas)
        derivations += collect_steps({"-e", std::string(kDecl) + formula, "--wrt", wrt}, latex);
    CHECK(derivations > 80);
    // Backpropagation and the brief form, with and without numbers, as LaTeX and Markdown.
    const std::string mlp = example("lecture/mlp_1231.mc"), mse = example("lecture/relu_mse_steps.mc");
    for (const char* form : {"backward", "brief"})
        for (const std::vector<std::string>& a : {std::vector<std::string>{mlp, "--wrt", "W1", "--at", example("lecture/mlp_1231.json")},
                                                  {mlp, "--wrt", "W2"}, {mse, "--wrt", "w"}})
            for (const char* format : {"latex", "markdown"}) {
                std::vector<std::string> args{"derive", "--steps", form, "--format", format};
                args.insert(args.end(), a.begin(), a.end());
                Run r = run(args);
                REQUIRE(r.code == 0);
                const std::string open = format == std::string("latex") ? "\\begin{align*}" : "$$\n";
                const std::string close = format == std::string("latex") ? "\\end{align*}" : "\n$$";
                std::size_t before = latex.size();
                for (std::size_t at = r.out.find(open); at != std::string::npos; at = r.out.find(open, at + 1)) {
                    std::size_t end = r.out.find(close, at + open.size());
                    if (end == std::string::npos) break;
                    latex.insert(format == std::string("latex") ? r.out.substr(at, end + close.size() - at)
                                                                : r.out.substr(at + open.size(), end - at - open.size()));
                    at = end + close.size() - 1;
                }
                CHECK(latex.size() > before);
            }

    std::string dir = std::filesystem::temp_directory_path() / "matcalc_katex";
    std::filesystem::create_directories(dir);
    std::string input = dir + "/latex.jsonl", output = dir + "/katex.out";
    {
        std::ofstream in(input);
        for (const std::string& s : latex) in << json::quote(s) << "\n";
    }
    std::string command = "node " + std::string(MATCALC_SOURCE_DIR) + "/tests/katex_check.js < " + input + " > " +
                          output + " 2>&1";
    int status = std::system(command.c_str());
    std::string report = read_file(output);
    INFO(report);
    CHECK(status == 0);
    CHECK(report.find(" 0 failed") != std::string::npos);
}
