// Parsing the command line's options (cli_options.hpp).
#include "cli_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace matcalc::cli {

namespace {

long long parse_integer(const std::string& option, const std::string& text, long long lo, long long hi) {
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (...) {
        used = 0;
    }
    if (used != text.size() || text.empty() || v < lo || v > hi)
        throw UsageError(fmt::format("{} expects an integer from {} to {}, not '{}'", option, lo, hi, text));
    return v;
}

double parse_number(const std::string& option, const std::string& text, bool positive) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !std::isfinite(v) || (positive ? !(v > 0) : v < 0))
        throw UsageError(fmt::format("{} expects a {} number, not '{}'", option, positive ? "positive" : "non-negative", text));
    return v;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    if (args.empty()) throw UsageError("no command given");
    o.command = args[0];
    if (o.command != "derive" && o.command != "eval" && o.command != "check" && o.command != "train" &&
        o.command != "codegen")
        throw UsageError(fmt::format("unknown command '{}' (expected derive, eval, check, codegen or train)", o.command));
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string a = args[i], value;
        bool has_inline = false;
        if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
            value = a.substr(a.find('=') + 1);
            a = a.substr(0, a.find('='));
            has_inline = true;
        }
        auto next = [&]() -> std::string {
            if (has_inline) return value;
            if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value", a));
            return args[++i];
        };
        if (a == "-e") {
            if (o.model_text || o.model_file) throw UsageError("give one model: a file or -e TEXT");
            o.model_text = next();
        } else if (a == "--wrt") {
            o.wrt.push_back(next());
        } else if (a == "--of") {
            o.of = next();
        } else if (a == "--at") {
            o.at = next();
        } else if (a == "--format") {
            o.format = next();
            static const char* const formats[] = {"text", "unicode", "latex", "markdown", "json"};
            if (std::find(std::begin(formats), std::end(formats), *o.format) == std::end(formats))
                throw UsageError(fmt::format("unknown format '{}' (expected text, unicode, latex, markdown or json)", *o.format));
        } else if (a == "--layout") {
            std::string l = next();
            if (l == "numerator") o.layout = Layout::Numerator;
            else if (l == "denominator") o.layout = Layout::Denominator;
            else throw UsageError(fmt::format("unknown layout '{}' (expected numerator or denominator)", l));
        } else if (a == "--expand") {
            o.expand = true;
        } else if (a == "--piecewise") {
            std::string p = next();
            if (p != "step" && p != "cases") throw UsageError(fmt::format("unknown --piecewise '{}' (expected step or cases)", p));
            o.cases = p == "cases";
        } else if (a == "--points") {
            o.check.points = static_cast<int>(parse_integer(a, next(), 1, 1000));
        } else if (a == "--seed") {
            o.check.seed = static_cast<std::uint64_t>(parse_integer(a, next(), 0, (1LL << 62)));
        } else if (a == "--tol") {
            o.check.tolerance = parse_number(a, next(), true);
        } else if (o.command == "train" && (a == "--data" || a == "--target" || a == "--init" || a == "--save" ||
                                            a == "--log" || a == "--test" || a == "--output")) {
            o.train_files[a] = next();
        } else if (a == "--epochs") {
            o.train.epochs = static_cast<int>(parse_integer(a, next(), 1, 1000000));
        } else if (a == "--batch") {
            o.train.batch = parse_integer(a, next(), 1, 1 << 24);
        } else if (a == "--samples") {
            o.train.samples = parse_integer(a, next(), 4, 1000000);
        } else if (a == "--lr") {
            o.train.optimizer.lr = parse_number(a, next(), true);
        } else if (a == "--noise") {
            o.train.noise = parse_number(a, next(), false);
        } else if (a == "--optimizer") {
            std::string k = next();
            if (k == "sgd") o.train.optimizer.kind = OptimizerKind::SGD;
            else if (k == "momentum") o.train.optimizer.kind = OptimizerKind::Momentum;
            else if (k == "adam") o.train.optimizer.kind = OptimizerKind::Adam;
            else throw UsageError(fmt::format("unknown optimizer '{}' (expected sgd, momentum or adam)", k));
        } else if (a == "--lang" && o.command == "codegen") {
            o.lang = next();
            if (o.lang != "cpp" && o.lang != "numpy")
                throw UsageError(fmt::format("unknown language '{}' (expected cpp or numpy)", o.lang));
        } else if (a == "--precision" && (o.command == "eval" || o.command == "train")) {
            std::string p = next();
            if (p == "float64" || p == "double") o.precision = Precision::Float64;
            else if (p == "float32" || p == "float") o.precision = Precision::Float32;
            else throw UsageError(fmt::format("unknown precision '{}' (expected float64 or float32)", p));
        } else if (a == "--hessian") {
            o.hessian = true;
        } else if (a == "--steps") {
            o.steps = true;
        } else if (a == "--standalone") {
            o.standalone = true;
        } else if (a == "--hadamard") {
            std::string h = next();
            if (h != "odot" && h != "otimes" && h != "⊙" && h != "⊗")
                throw UsageError(fmt::format("unknown --hadamard '{}' (expected odot or otimes)", h));
            o.otimes = h == "otimes" || h == "⊗";
        } else if (!a.empty() && a[0] == '-' && a != "-") {
            throw UsageError(fmt::format("unknown option '{}'", a));
        } else {
            if (o.model_text || o.model_file) throw UsageError(fmt::format("unexpected argument '{}'", a));
            o.model_file = a;
        }
    }
    if (!o.model_file && !o.model_text) throw UsageError("no model given (a file, or -e 'TEXT')");
    if ((o.command == "derive" || o.command == "check" || o.command == "codegen") && o.wrt.empty())
        throw UsageError(fmt::format("{} needs --wrt VAR", o.command));
    if (o.command == "eval" && !o.at) throw UsageError("eval needs --at VALUES.json");
    if (o.command == "train" && !o.train_files.count("--data"))
        throw UsageError("train needs --data CSV (or a generator: xor, moons, circles, spirals)");
    if (o.command == "train" && (!o.wrt.empty() || o.at || o.format))
        throw UsageError("train takes no --wrt, --at or --format (see --init, --save, --log)");
    if (o.command == "codegen" && (o.at || o.format || o.hessian))
        throw UsageError("codegen takes no --at, --format or --hessian (it writes code: --lang cpp|numpy)");
    if (o.command != "derive" && (o.steps || o.standalone || o.otimes))
        throw UsageError("--steps, --standalone and --hadamard are options of derive");
    if (o.standalone && o.format.value_or("") != "latex") throw UsageError("--standalone needs --format latex");
    if (o.format.value_or("") == "markdown" && o.command != "derive") throw UsageError("only derive writes markdown");
    if (o.command == "eval" && o.format && *o.format != "text" && *o.format != "json")
        throw UsageError("eval prints text or json");
    return o;
}

// Reads at most `limit` bytes: a larger file (or /dev/zero) is an error, not a read
// that never ends or exhausts memory.
Source read_source(const std::string& path, std::size_t limit) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw UsageError(fmt::format("cannot read '{}': it is a directory", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("cannot read '{}'", path));
    std::string text;
    std::vector<char> buffer(std::size_t{1} << 16);
    while (text.size() <= limit) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        std::streamsize got = in.gcount();
        if (got <= 0) break;
        text.append(buffer.data(), static_cast<std::size_t>(got));
    }
    if (text.size() > limit)
        throw UsageError(fmt::format("cannot read '{}': it is larger than the limit of {} bytes", path, limit));
    return Source{path, std::move(text)};
}

}  // namespace matcalc::cli
