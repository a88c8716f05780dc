// The round trip of the golden steps files (tests/golden/steps/*.txt, Unicode and ASCII):
// every formula a derivation prints step by step parses back with the value it claims.
//
// A steps file is a small program. Its "Intermediate variables" are definitions; each line
// `∂A/∂B = formula` (or `dA/dB = ...` in ASCII, or a continuation `= formula`) claims that
// the formula is a derivative, and a formula may name earlier derivatives (`∂z2/∂u ∂u/∂W2`),
// which are read as the formula their own line gave, in parentheses. Each claim is checked,
// as `matcalc check` checks a derivative, against central finite differences of A:
// - a local partial ∂A/∂B holds A's other arguments fixed: every intermediate but A is
//   declared as a variable of its shape, A keeps its definition;
// - every other line (chain rule, backpropagation, substituting back, the result) is a
//   total derivative: the intermediates keep their definitions, and B, when it is an
//   intermediate (backpropagation's ∂L/∂z2), is declared, so that A depends on it through
//   the definitions after it.
// The intermediates themselves must give the function's values (they are the model,
// rewritten as one operation per line). Files without intermediates (brief steps) read the
// full steps' intermediates of the same derivation.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "matcalc/apps/check.hpp"
#include "matcalc/calculus/derive.hpp"
#include "matcalc/frontend/model.hpp"
#include "matcalc/numeric/evaluator.hpp"
#include "read_back_support.hpp"
#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

const std::string kReadBack = "read_back";

struct Claim {
    std::string of, wrt;  // ∂of/∂wrt
    std::string formula;  // with earlier derivatives substituted
    std::string printed;  // the line as printed, for messages
    bool local = false;
};

struct StepsFile {
    std::vector<std::pair<std::string, std::string>> intermediates;  // name, formula
    std::vector<Claim> claims;
    std::string function, variable;  // from the title: ∂function/∂variable
};

std::string trim(const std::string& s) {
    std::size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// A value printed after the formula (`= [0.2000; 0.2000]`, `= -1.292`) is not a formula.
bool is_number_text(const std::string& s) {
    static const std::regex number(R"(\s*-?[\[0-9][-0-9.e+;, \]]*)");
    return std::regex_match(s, number);
}

// Name characters of an intermediate: ASCII letters, digits and `_`, two-byte UTF-8
// letters (Greek, ŷ; not the operators ·, ×, ÷), subscript digits (U+2080..U+2089).
std::size_t name_length(const std::string& s, std::size_t at) {
    std::size_t i = at;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isalnum(c) || c == '_') {
            ++i;
        } else if (c >= 0xC3 && c <= 0xDF && i + 1 < s.size() && s.compare(i, 2, "\xC3\x97") != 0 &&
                   s.compare(i, 2, "\xC3\xB7") != 0) {  // not ·, × or ÷
            i += 2;
        } else if (s.compare(i, 2, "\xE2\x82") == 0 && i + 2 < s.size() &&
                   static_cast<unsigned char>(s[i + 2]) >= 0x80 && static_cast<unsigned char>(s[i + 2]) <= 0x89) {
            i += 3;
        } else {
            break;
        }
    }
    return i - at;
}

// A derivative's name at `at` (`∂L/∂z2`, `dC/dw`): its length, the numerator and the
// denominator; 0 when there is none.
std::size_t derivative_name(const std::string& s, std::size_t at, std::string* of, std::string* wrt) {
    const std::string partial = "\xE2\x88\x82";  // ∂
    bool unicode = s.compare(at, partial.size(), partial) == 0;
    if (!unicode && (s[at] != 'd' || (at > 0 && name_length(s, at - 1) > 1))) return 0;
    std::size_t mark = unicode ? partial.size() : 1;
    std::size_t i = at + mark, n = name_length(s, i);
    if (n == 0 || s.compare(i + n, 1, "/") != 0) return 0;
    std::size_t j = i + n + 1;
    if (s.compare(j, mark, unicode ? partial : "d") != 0) return 0;
    std::size_t m = name_length(s, j + mark);
    if (m == 0) return 0;
    if (of) *of = s.substr(i, n);
    if (wrt) *wrt = s.substr(j + mark, m);
    return j + mark + m - at;
}

std::string key(const std::string& of, const std::string& wrt) { return of + "/" + wrt; }

// The formula with each derivative's name replaced by that derivative's formula:
// local partials first (∂y/∂x in a total derivative's first line is the local one), then
// the derivatives of earlier lines.
std::string substitute(const std::string& formula, const std::map<std::string, std::string>& local,
                       const std::map<std::string, std::string>& total) {
    std::string out;
    for (std::size_t i = 0; i < formula.size();) {
        std::string of, wrt;
        std::size_t n = derivative_name(formula, i, &of, &wrt);
        if (n == 0) {
            out += formula[i++];
            continue;
        }
        auto it = local.find(key(of, wrt));
        if (it == local.end()) it = total.find(key(of, wrt));
        if (it == total.end()) throw std::runtime_error("no formula for " + formula.substr(i, n));
        out += "(" + it->second + ")";
        i += n;
    }
    return out;
}

StepsFile parse_steps(const std::string& text) {
    StepsFile file;
    std::map<std::string, std::string> local, total;
    std::istringstream in(text);
    std::string section, line, of, wrt;
    bool titled = false;
    for (; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line[0] != ' ') {
            if (!titled) {  // the title: "∂L/∂W2, step by step", "dC/dw by backpropagation"
                titled = derivative_name(line, 0, &file.function, &file.variable) > 0;
                REQUIRE(titled);
            }
            section = line;
            continue;
        }
        if (!titled) continue;  // the function's value printed before the title (--at)
        // `lhs = formula [= value]    note`: the note after four blanks.
        std::string body = line.substr(0, line.find("    ", line.find_first_not_of(' ')));
        std::size_t eq = body.find(" = ");
        if (eq == std::string::npos) continue;  // "at --at: [...]"
        std::string lhs = trim(body.substr(0, eq)), formula = body.substr(eq + 3);
        if (std::size_t last = formula.rfind(" = "); last != std::string::npos && is_number_text(formula.substr(last + 3)))
            formula = formula.substr(0, last);
        formula = trim(formula);
        if (section == "Intermediate variables") {
            file.intermediates.emplace_back(lhs, formula);
            continue;
        }
        if (!lhs.empty()) {
            REQUIRE(derivative_name(lhs, 0, &of, &wrt) == lhs.size());
        }
        bool is_local = section == "Local partial derivatives";
        std::string read = substitute(formula, is_local ? std::map<std::string, std::string>{} : local, total);
        file.claims.push_back({of, wrt, read, trim(line), is_local});
        std::map<std::string, std::string>& names = is_local ? local : total;
        names.emplace(key(of, wrt), read);  // the first formula of a derivative names it
    }
    return file;
}

std::string declaration(const SizeTable& sizes, Shape s) {
    auto name = [&](Dim d) {
        std::string n = sizes.name(d);
        for (std::size_t at; (at = n.find("\xC2\xB7")) != std::string::npos;) n.replace(at, 2, "*");  // m·n
        return n;
    };
    if (sizes.is_scalar(s)) return "scalar";
    if (sizes.is_vector(s)) return "vector(" + name(s.rows) + ")";
    return "matrix(" + name(s.rows) + ", " + name(s.cols) + ")";
}

// The model's own definitions (and functions) that are not intermediates of the steps,
// as the model writes them: a1 in ∂L/∂W2 (before the variable's first use), yhat where a
// result names it.
std::string other_definitions(const std::string& model_text, const std::set<std::string>& intermediate) {
    static const std::regex definition(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\([^)]*\))?\s*=[^=])");
    std::string out, line;
    std::istringstream in(model_text);
    while (std::getline(in, line)) {
        line = line.substr(0, line.find('#'));
        std::smatch m;
        if (std::regex_search(line, m, definition) && !intermediate.count(m[1].str()) && line.find(':') == std::string::npos)
            out += trim(line) + "\n";
    }
    return out;
}

// The model of the intermediates: the variables the original model declares, its other
// definitions, then the intermediates as definitions, except those in `declared`, which
// become variables of their shapes.
std::string intermediates_model(Model& original, const StepsFile& f, const std::set<std::string>& declared) {
    std::set<std::string> intermediate;
    for (const auto& [name, formula] : f.intermediates) intermediate.insert(name);
    std::string text;
    for (const Symbol& s : original.symbols())
        if (s.kind == Symbol::Kind::Declared)
            text += s.name + " : " + declaration(original.cx().sizes(), original.cx().shape(s.expr)) + "\n";
    text += other_definitions(original.source().text, intermediate);
    std::string definitions;
    for (const auto& [name, formula] : f.intermediates) definitions += name + " = " + formula + "\n";
    Model all = load_model(Source{"intermediates.mc", text + definitions});
    for (const auto& [name, formula] : f.intermediates)
        text += declared.count(name) ? name + " : " + declaration(all.cx().sizes(), all.cx().shape(all.find(name)->expr)) + "\n"
                                     : name + " = " + formula + "\n";
    return text;
}

// The claim against finite differences; empty when it agrees.
std::string claim_problem(Model& original, const StepsFile& f, const Claim& c) {
    std::set<std::string> declared;
    bool wrt_is_intermediate = false;
    for (const auto& [name, formula] : f.intermediates) {
        if (c.local && name != c.of) declared.insert(name);
        if (name == c.wrt) wrt_is_intermediate = true;
    }
    if (!c.local && wrt_is_intermediate) declared.insert(c.wrt);
    std::string text = intermediates_model(original, f, declared) + kReadBack + " = " + c.formula + "\n";
    try {
        Model model = load_model(Source{"read-back.mc", text});
        Context& cx = model.cx();
        Expr of = model.find(c.of)->expr, x = model.find(c.wrt)->expr, read = model.find(kReadBack)->expr;
        // An I (or 𝟏) in the formula is sized by the derivative's shape, as the printed
        // line's context sizes it for a reader: the Jacobian's, or for a scalar function
        // the gradient's (backpropagation's lines are shaped like the variable).
        Shape read_shape = cx.shape(read);
        Expr expected = derivative(cx, of, x, Layout::Numerator, false);
        Shape want = cx.shape(expected);
        if (cx.is_scalar(of) && cx.sizes().same(read_shape.cols, 1) && !cx.sizes().same(want.cols, 1)) want = cx.shape(x);
        if (cx.sizes().unify(read_shape.rows, want.rows) && cx.sizes().unify(read_shape.cols, want.cols))
            read = cx.refresh(read);
        if (!cx.is_scalar(of) && !cx.sizes().same(cx.shape(read), cx.shape(expected)) && !cx.is_scalar(read))
            return "reads back as " + cx.sizes().describe(cx.shape(read)) + ", not " + cx.sizes().describe(cx.shape(expected));
        if (cx.is_scalar(read) && !cx.is_scalar(expected)) read = cx.mul(read, cx.ones(cx.shape(expected)));
        return finite_difference_problem(model, of, x, read);
    } catch (const std::exception& e) {
        return std::string("does not read back: ") + e.what() + "\n" + text;
    }
}

struct GoldenSteps {
    const char* file;
    const char* model;  // under examples/
};

const GoldenSteps kFiles[] = {
    {"bce_sigmoid.txt", "lecture/bce_sigmoid.mc"},
    {"chain_sin.txt", "lecture/chain_sin.mc"},
    {"mlp_W1_backward.txt", "lecture/mlp_1231.mc"},
    {"mlp_W1_brief_digits3.txt", "lecture/mlp_1231.mc"},
    {"mlp_W1_numbers.txt", "lecture/mlp_1231.mc"},
    {"mlp_W2.txt", "lecture/mlp_1231.mc"},
    {"mlp_W2_backward.txt", "lecture/mlp_1231.mc"},
    {"mlp_W2_brief.txt", "lecture/mlp_1231.mc"},
    {"mse_b.txt", "lecture/relu_mse_steps.mc"},
    {"mse_inline_w.txt", "lecture/relu_mse.mc"},
    {"mse_w.txt", "lecture/relu_mse_steps.mc"},
    {"mse_w_backward_ascii.txt", "lecture/relu_mse_steps.mc"},
    {"mse_w_brief.txt", "lecture/relu_mse_steps.mc"},
    {"neuron_b.txt", "lecture/relu_neuron.mc"},
    {"neuron_inline.txt", "lecture/relu_neuron_inline.mc"},
    {"neuron_sum.txt", "lecture/neuron_sum.mc"},
    {"neuron_w.txt", "lecture/relu_neuron.mc"},
    {"sigmoid.txt", "lecture/sigmoid.mc"},
    {"sigmoid_formula.txt", "lecture/sigmoid.mc"},
    {"total_derivative.txt", "lecture/total_derivative.mc"},
    {"vector_chain.txt", "lecture/vector_chain.mc"},
    {"vector_chain_brief.txt", "lecture/vector_chain.mc"},
};

}  // namespace

TEST_CASE("every formula of the golden steps files reads back with the value it claims", "[round-trip][steps]") {
    const std::string folder = std::string(MATCALC_SOURCE_DIR) + "/tests/golden/steps/";
    std::set<std::string> listed;
    for (const GoldenSteps& g : kFiles) listed.insert(g.file);
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().extension() == ".txt") {
            INFO("a golden steps file this test does not read: " << entry.path().filename());
            CHECK(listed.count(entry.path().filename().string()) == 1);
        }

    int claims = 0;
    for (const GoldenSteps& g : kFiles) {
        INFO(g.file);
        StepsFile f = parse_steps(read_file(folder + g.file));
        std::string model_path = example(g.model);
        Model original = load_model(Source{model_path, read_file(model_path)});
        if (f.intermediates.empty()) {  // brief steps: the full steps' intermediates
            Run full = run({"derive", model_path, "--wrt", f.variable, "--of", f.function, "--steps",
                            g.file == std::string("mse_w_backward_ascii.txt") ? "--format=text" : "--format=unicode"});
            REQUIRE(full.code == 0);
            f.intermediates = parse_steps(full.out).intermediates;
        }
        REQUIRE(!f.intermediates.empty());
        REQUIRE(!f.claims.empty());

        // The intermediates give the function's values.
        Model rewritten = load_model(Source{"intermediates.mc", intermediates_model(original, f, {})});
        std::mt19937_64 rng(11);
        for (int point = 0; point < 3; ++point) {
            std::map<std::string, Eigen::MatrixXd> values;
            Env a = random_point(original, rng, &values), b = random_point(rewritten, rng, &values);
            Eigen::MatrixXd want = evaluate(original.cx(), original.find(f.function)->expr, a);
            Eigen::MatrixXd got = evaluate(rewritten.cx(), rewritten.find(f.function)->expr, b);
            REQUIRE(got.size() == want.size());
            CHECK((got.reshaped() - want.reshaped()).cwiseAbs().maxCoeff() < 1e-12 * (1 + want.cwiseAbs().maxCoeff()));
        }

        for (const Claim& c : f.claims) {
            INFO(c.printed << "\n  read as ∂" << c.of << "/∂" << c.wrt << " = " << c.formula);
            CHECK(claim_problem(original, f, c) == "");
            ++claims;
        }
    }
    CHECK(claims > 150);
}
