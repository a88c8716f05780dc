// The command line's options, help and version (README, Commands): an option a command does
// not take is exit 2 naming the command (and the commands that do take it), a mistyped
// one gets a did-you-mean hint, a usage error is one short line and a pointer to the
// command's help; `help COMMAND` and `COMMAND --help` list exactly the options the parser
// accepts; `--at` takes JSON text itself.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "matcalc/core/ops.hpp"
#include "support.hpp"

using namespace matcalc::testing;

namespace {

const std::string kModel = "x : scalar; f = x^2";

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// A usage error: exit 2, nothing on stdout, "matcalc: error: ..." with every word, then
// one line pointing at the help: two lines in all, never the whole usage.
void usage_error(const std::vector<std::string>& args, const std::vector<std::string>& words, const std::string& see) {
    Run r = run(args);
    INFO("stderr:\n" << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    std::vector<std::string> lines = lines_of(r.err);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("matcalc: error: ", 0) == 0);
    for (const std::string& w : words) CHECK(lines[0].find(w) != std::string::npos);
    CHECK(lines[1] == "see 'matcalc " + see + "'");
}

// The options `matcalc help COMMAND` lists: "--wrt", "-e", ...
std::set<std::string> listed_options(const std::string& command) {
    Run r = run({"help", command});
    REQUIRE(r.code == 0);
    std::set<std::string> out;
    std::regex option(R"(^  (-h, )?(-e|--[a-z]+(-[a-z]+)*))");
    for (const std::string& line : lines_of(r.out)) {
        std::smatch m;
        if (std::regex_search(line, m, option)) out.insert(m[2]);
    }
    return out;
}

const std::vector<std::string> kCommands = {"derive", "eval", "check", "codegen", "train", "compare"};

}  // namespace

TEST_CASE("bad input: an option of another command names the command", "[bad_input][cli]") {
    usage_error({"derive", "-e", kModel, "--wrt", "x", "--epochs", "5", "--optimizer", "adam"},
                {"derive takes no option --epochs", "an option of train"}, "help derive");
    usage_error({"eval", "-e", kModel, "--at", "{}", "--wrt", "x"}, {"eval takes no option --wrt", "derive, check, codegen and compare"},
                "help eval");
    usage_error({"train", "-e", kModel, "--data", "xor", "--format", "json"}, {"train takes no option --format"},
                "help train");
    usage_error({"check", "-e", kModel, "--wrt", "x", "--steps"}, {"check takes no option --steps", "derive"}, "help check");
    usage_error({"codegen", "-e", kModel, "--wrt", "x", "--at", "{}"}, {"codegen takes no option --at"},
                "help codegen");
}

TEST_CASE("bad input: a mistyped option or command gets a did-you-mean hint", "[bad_input][cli]") {
    usage_error({"derive", "-e", kModel, "--wtr", "x"}, {"unknown option '--wtr' for derive", "did you mean '--wrt'"},
                "help derive");
    usage_error({"train", "-e", kModel, "--data", "xor", "--epoch", "3"}, {"did you mean '--epochs'"}, "help train");
    usage_error({"check", "-e", kModel, "--wrt", "x", "--tolerance", "1e-3"}, {"unknown option '--tolerance'"},
                "help check");
    usage_error({"derivee", "-e", kModel}, {"unknown command 'derivee'", "did you mean 'derive'"}, "help");
    usage_error({"derive", "-e", kModel, "--wrt", "x", "--format", "latx"}, {"unknown format 'latx'", "did you mean 'latex'"},
                "help derive");
    usage_error({"help", "derivee"}, {"no help on 'derivee'", "did you mean 'derive'"}, "help");
}

TEST_CASE("bad input: usage errors are one line and a pointer, never the whole usage", "[bad_input][cli]") {
    usage_error({}, {"no command given"}, "help");
    usage_error({"derive", "--wrt", "x"}, {"no model given"}, "help derive");
    usage_error({"derive", "-e", kModel}, {"derive needs --wrt VAR"}, "help derive");
    usage_error({"derive", "-e", kModel, "--wrt"}, {"--wrt needs a value"}, "help derive");
    usage_error({"derive", "-e", kModel, "--wrt", "x", "--steps=yes"},
                {"unknown --steps form 'yes' (expected forward, backward or brief)"}, "help derive");
    usage_error({"derive", "-e", kModel, "--wrt", "x", "--expand=yes"}, {"--expand takes no value"}, "help derive");
    usage_error({"eval", "-e", kModel}, {"eval needs --at"}, "help eval");
    usage_error({"check", "-e", kModel, "--wrt", "x", "--points", "0"}, {"--points expects an integer"}, "help check");
}

TEST_CASE("version: --version prints matcalc X.Y.Z", "[cli]") {
    Run r = run({"--version"});
    CHECK(r.code == 0);
    CHECK(std::regex_match(r.out, std::regex(R"(matcalc [0-9]+\.[0-9]+\.[0-9]+\n)")));
    CHECK(r.err.empty());
}

TEST_CASE("help: the overview names every command", "[cli]") {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"help"}, {"--help"}, {"-h"}}) {
        Run r = run(args);
        CHECK(r.code == 0);
        for (const std::string& c : kCommands) CHECK(r.out.find("  " + c + " ") != std::string::npos);
        CHECK(r.out.find("help functions") != std::string::npos);
    }
}

TEST_CASE("help COMMAND and COMMAND --help list exactly the options the parser accepts", "[cli]") {
    std::set<std::string> every;
    for (const std::string& c : kCommands) {
        INFO(c);
        Run a = run({"help", c}), b = run({c, "--help"}), h = run({c, "-h", "--wrt", "x"});
        CHECK(a.code == 0);
        CHECK(b.code == 0);
        CHECK(h.code == 0);
        CHECK(a.out == b.out);
        CHECK(a.out == h.out);
        CHECK(a.out.rfind("usage: matcalc " + c + " ", 0) == 0);
        std::set<std::string> mine = listed_options(c);
        CHECK(mine.count("-e"));
        CHECK(mine.count("--help"));
        every.insert(mine.begin(), mine.end());
        // Each listed option is taken (whatever else goes wrong, it is not "takes no option").
        for (const std::string& opt : mine) {
            Run r = run({c, "-e", kModel, opt, "1"});
            INFO(opt << ": " << r.err);
            CHECK(r.err.find("takes no option") == std::string::npos);
            CHECK(r.err.find("unknown option") == std::string::npos);
        }
    }
    // And an option no command lists is unknown to every command.
    for (const std::string& c : kCommands)
        for (const std::string& opt : every)
            if (!listed_options(c).count(opt)) {
                Run r = run({c, "-e", kModel, opt, "1"});
                INFO(c << " " << opt);
                CHECK(r.code == 2);
                CHECK(r.err.find(c + " takes no option " + opt) != std::string::npos);
            }
    CHECK(listed_options("derive").count("--steps"));
    CHECK(!listed_options("derive").count("--epochs"));
    CHECK(listed_options("train").count("--init"));
    CHECK(listed_options("eval").count("--precision"));
}

TEST_CASE("values: --at takes JSON text itself when it starts with {", "[cli][values]") {
    Run r = run({"eval", "-e", kModel, "--at", R"({"x": 3})"});
    CHECK(r.code == 0);
    CHECK(r.out == "f = 9\n");
    Run d = run({"derive", "-e", kModel, "--wrt", "x", "--at", R"(  {"x": 2})"});
    CHECK(d.code == 0);
    CHECK(d.out.find("at --at: 4") != std::string::npos);
    // An error in it is located in it, named --at.
    Run bad = run({"eval", "-e", kModel, "--at", R"({"x": tru})"});
    CHECK(bad.code == 2);
    INFO(bad.err);
    CHECK(bad.err.rfind("--at:1:7: error:", 0) == 0);
}

TEST_CASE("help functions: every operation people can write is documented, from the table", "[cli][docs]") {
    Run text = run({"help", "functions"});
    REQUIRE(text.code == 0);
    for (const matcalc::OpInfo& op : matcalc::op_table()) {
        if (op.spellings.empty() && op.call_names.empty()) continue;
        INFO("operation " << op.name);
        CHECK(!op.doc.summary.empty());
        CHECK(!op.doc.examples.empty());
        for (std::string_view w : op.call_names) CHECK(text.out.find(std::string(w)) != std::string::npos);
        for (std::string_view w : op.spellings) CHECK(text.out.find(std::string(w)) != std::string::npos);
    }
    // The examples' derivatives are the engine's own: the lecture's rules appear.
    CHECK(text.out.find("f = max(0, z) (z : scalar)  ⇒  ∂f/∂z = step(z)") != std::string::npos);
    CHECK(text.out.find("∂f/∂x = σ(x) (1 − σ(x))") != std::string::npos);
    CHECK(text.out.find("∂f/∂z = σ(z) − y") != std::string::npos);
}

TEST_CASE("docs/language.md holds the operator and function tables as matcalc generates them", "[cli][docs]") {
    const std::string doc = read_file(std::string(MATCALC_SOURCE_DIR) + "/docs/language.md");
    const std::string begin = "<!-- generated: matcalc help functions --markdown -->\n", end = "<!-- end of generated -->";
    std::size_t b = doc.find(begin), e = doc.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    Run r = run({"help", "functions", "--markdown"});
    REQUIRE(r.code == 0);
    INFO("regenerate the section of docs/language.md with: build/matcalc help functions --markdown");
    CHECK(doc.substr(b + begin.size(), e - b - begin.size()) == r.out);
}
