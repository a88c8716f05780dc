// derive --steps backward, --steps brief and --steps --at: golden files, the lecture's
// worked example (Steps 1-8 of its backpropagation) number by number, and every adjoint
// against the gradient derive takes with respect to that intermediate on its own.
//
// To rewrite the golden files after a deliberate change: MATCALC_UPDATE_GOLDEN=1
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "support.hpp"

using namespace matcalc;
using namespace matcalc::testing;

namespace {

void compare_golden(const std::string& file, const std::string& actual) {
    std::string path = std::string(MATCALC_SOURCE_DIR) + "/tests/golden/steps/" + file;
    if (std::getenv("MATCALC_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << actual;
    INFO(path);
    REQUIRE(std::filesystem::exists(path));
    CHECK(read_file(path) == actual);
}

const std::string kMlp = example("lecture/mlp_1231.mc"), kMlpValues = example("lecture/mlp_1231.json");

// The numbers at the end of the line `lhs = ... = [a; b]` of a section (the first such line).
std::vector<double> numbers_of(const std::string& text, const std::string& section, const std::string& lhs) {
    std::size_t start = text.find("\n" + section + "\n");
    REQUIRE(start != std::string::npos);
    std::istringstream in(text.substr(start + section.size() + 2));
    for (std::string line; std::getline(in, line) && !line.empty();) {
        std::size_t first = line.find_first_not_of(' ');
        if (line.compare(first, lhs.size() + 3, lhs + " = ") != 0) continue;
        std::string rest = line.substr(0, line.find("    ", first));  // the note after four spaces
        std::string value = rest.substr(rest.rfind(" = ") + 3);
        std::vector<double> out;
        std::regex number(R"(-?[0-9.]+(e-?[0-9]+)?)");
        for (auto it = std::sregex_iterator(value.begin(), value.end(), number); it != std::sregex_iterator(); ++it)
            out.push_back(std::stod(it->str()));
        return out;
    }
    FAIL("no line " << lhs << " in section " << section);
    return {};
}

}  // namespace

TEST_CASE("backward and brief steps and the worked example's numbers match their golden files", "[steps]") {
    struct G {
        const char* file;
        std::vector<std::string> args;
    };
    const std::vector<G> golden = {
        {"mlp_W1_numbers.txt", {"derive", kMlp, "--wrt", "W1", "--steps", "--at", kMlpValues}},
        {"mlp_W1_backward.txt", {"derive", kMlp, "--wrt", "W1", "--steps", "backward", "--at", kMlpValues}},
        {"mlp_W2_backward.txt", {"derive", kMlp, "--wrt", "W2", "--steps", "backward"}},
        {"mlp_W2_brief.txt", {"derive", kMlp, "--wrt", "W2", "--steps", "brief"}},
        {"mlp_W1_brief_digits3.txt", {"derive", kMlp, "--wrt", "W1", "--steps=brief", "--at", kMlpValues, "--digits", "3"}},
        {"mse_w_brief.txt", {"derive", example("lecture/relu_mse_steps.mc"), "--wrt", "w", "--steps", "brief"}},
        {"mse_w_backward_ascii.txt",
         {"derive", example("lecture/relu_mse_steps.mc"), "--wrt", "w", "--steps", "backward", "--format", "text"}},
        {"vector_chain_brief.txt", {"derive", example("lecture/vector_chain.mc"), "--wrt", "x", "--steps", "brief"}},
        {"mlp_W1_backward.tex",
         {"derive", kMlp, "--wrt", "W1", "--steps", "backward", "--at", kMlpValues, "--format", "latex"}},
        {"mlp_W1_brief.md", {"derive", kMlp, "--wrt", "W1", "--steps", "brief", "--format", "markdown"}},
    };
    for (const G& g : golden) {
        Run r = run(g.args);
        INFO(g.file << "\n" << r.err);
        REQUIRE(r.code == 0);
        compare_golden(g.file, r.out);
    }
}

TEST_CASE("brief steps fit a slide: a line per intermediate, each with its shape", "[steps]") {
    Run r = run({"derive", kMlp, "--wrt", "W1", "--steps", "brief"});
    REQUIRE(r.code == 0);
    std::istringstream in(r.out);
    int lines = 0;
    for (std::string line; std::getline(in, line);) {
        ++lines;
        if (line.rfind("  ∂L/∂", 0) == 0)  // every step names its shape
            CHECK(std::regex_search(line, std::regex("(scalar|[0-9a-zA-Z]+ × [0-9a-zA-Z]+), ")));
    }
    // 7 backward lines (of 10 intermediates: those that only pass δ on are left out), the
    // result, two section titles, the title and blank lines.
    CHECK(lines <= 14);
}

TEST_CASE("the lecture's Steps 1-8 in numbers: every number of the slides against the exact ones", "[steps]") {
    // All digits, so that each slide number can be checked to the precision it is written in.
    Run r = run({"derive", kMlp, "--wrt", "W1", "--steps", "backward", "--at", kMlpValues, "--digits", "17"});
    REQUIRE(r.code == 0);
    const std::string s = "Backpropagation";
    struct Slide {
        const char* lhs;
        std::size_t entry;
        double number;     // as the slide writes it
        double half_unit;  // half a unit in its last place
        bool differs;      // the slide's rounding differs from the exact value (worked_example.md)
    };
    const Slide slides[] = {
        {"∂L/∂yhat", 0, -1.2921, 5e-5, false},  // Step 1
        {"∂L/∂z3", 0, -0.2261, 5e-5, false},
        {"∂L/∂a2", 0, -0.0904, 5e-5, false},    // Step 3
        {"∂L/∂a2", 1, -0.0452, 5e-5, false},
        {"∂L/∂a2", 2, -0.1357, 5e-5, false},
        {"∂L/∂z2", 0, -0.0214, 5e-5, false},    // Step 4
        {"∂L/∂z2", 1, -0.0109, 5e-5, false},
        {"∂L/∂z2", 2, -0.0323, 5e-5, false},
        {"∂L/∂a1", 0, -0.01078, 5e-6, false},   // Step 6
        {"∂L/∂a1", 1, -0.01401, 5e-6, true},    // exact -0.014018: -0.01402
        {"∂L/∂z1", 0, -0.00264, 5e-6, true},    // Step 7; exact -0.0026341: -0.00263
        {"∂L/∂z1", 1, -0.00337, 5e-6, false},
        {"∂L/∂W1", 0, -0.00528, 5e-6, true},    // Step 8; exact -0.0052682: -0.00527
        {"∂L/∂W1", 1, -0.00674, 5e-6, false},
    };
    for (const Slide& sl : slides) {
        std::vector<double> v = numbers_of(r.out, s, sl.lhs);
        INFO(sl.lhs << "[" << sl.entry << "] slide " << sl.number);
        REQUIRE(v.size() > sl.entry);
        const double exact = v[sl.entry];
        if (sl.differs) {
            CHECK(std::abs(exact - sl.number) > sl.half_unit);         // a rounding slip on the slide
            CHECK(std::abs(exact - sl.number) < 3 * 2 * sl.half_unit);  // by one or two units
        } else {
            CHECK(std::abs(exact - sl.number) <= sl.half_unit);
        }
    }
    // Step 2 (∂L/∂W3) and Step 5 (∂L/∂W2): the other parameters' steps.
    Run w3 = run({"derive", kMlp, "--wrt", "W3", "--steps", "backward", "--at", kMlpValues, "--digits", "17"});
    std::vector<double> g3 = numbers_of(w3.out, s, "∂L/∂W3");
    const double step2[] = {-0.1394, -0.1349, -0.1374};
    REQUIRE(g3.size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(std::abs(g3[i] - step2[i]) <= 5e-5);
    Run w2 = run({"derive", kMlp, "--wrt", "W2", "--steps", "backward", "--at", kMlpValues, "--digits", "17"});
    std::vector<double> g2 = numbers_of(w2.out, s, "∂L/∂W2");
    const double step5[] = {-0.0123, -0.0128, -0.0063, -0.0065, -0.0186, -0.0194};  // row by row
    REQUIRE(g2.size() == 6);
    for (int i = 0; i < 6; ++i) CHECK(std::abs(g2[i] - step5[i]) <= 5e-5);
    // And at four digits, the golden form, the numbers read as on the slides.
    Run four = run({"derive", kMlp, "--wrt", "W1", "--steps", "backward", "--at", kMlpValues});
    for (const char* text : {"= -0.2261", "[-0.09044; -0.04522; -0.1357]", "[-0.02138; -0.01088; -0.03234]",
                             "[-0.01078; -0.01402]", "[-0.002634; -0.003368]", "[-0.005268; -0.006736]"})
        CHECK(four.out.find(text) != std::string::npos);
}

TEST_CASE("every adjoint of the backward steps is the gradient derive takes with respect to that intermediate", "[steps]") {
    Run r = run({"derive", kMlp, "--wrt", "W1", "--steps", "backward", "--at", kMlpValues, "--digits", "17"});
    REQUIRE(r.code == 0);
    for (const char* name : {"yhat", "z3", "a2", "z2", "a1", "z1"}) {
        Derivative d = derive({kMlp, "--wrt", name, "--at", kMlpValues});
        const json::Value* g = d.object.find("gradient");
        REQUIRE(g);
        std::vector<double> expected;
        if (g->is_number()) expected.push_back(g->as_number());
        else
            for (const json::Value& v : g->items()) expected.push_back(v.as_number());
        std::vector<double> got = numbers_of(r.out, "Backpropagation", std::string("∂L/∂") + name);
        INFO(name);
        REQUIRE(got.size() == expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).epsilon(1e-14));
    }
}

TEST_CASE("steps forms and digits: bad uses are input errors", "[steps]") {
    // Backpropagation needs a scalar function.
    Run v = run({"derive", example("lecture/vector_chain.mc"), "--wrt", "x", "--steps", "backward"});
    CHECK(v.code == 2);
    CHECK(v.err.find("--steps backward needs a scalar function") != std::string::npos);
    CHECK(run({"derive", kMlp, "--wrt", "W1", "--steps=sideways"}).code == 2);
    CHECK(run({"derive", kMlp, "--wrt", "W1", "--steps", "--digits", "0"}).code == 2);
    CHECK(run({"derive", kMlp, "--wrt", "W1", "--steps", "--digits", "18"}).code == 2);
    // --steps followed by a file name is still the flag and the model.
    Run m = run({"derive", "--wrt", "W3", "--steps", kMlp});
    CHECK(m.code == 0);
}
