// Durable output (README, "Output files"; io/output_file.hpp): the matcalc binary run in a
// child process and killed while it saves, a full disk (RLIMIT_FSIZE), targets that are
// not regular files refused before any work, --log line by line, write and read errors.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "bad_input_support.hpp"
#include "matcalc/io/output_file.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using matcalc::testing::bad_input::contains;

const std::string kModel = std::string(MATCALC_SOURCE_DIR) + "/examples/train/perceptron_xor.mc";
const std::string kMlp = std::string(MATCALC_SOURCE_DIR) + "/examples/train/mlp_xor.mc";  // a longer file

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Dir {
    fs::path path;
    Dir() {
        path = fs::temp_directory_path() / ("matcalc_output_" + std::to_string(::getpid()) + "_" +
                                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(path);
    }
    ~Dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    // Files of the folder whose names contain `part`.
    std::vector<std::string> named(const std::string& part) const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(path))
            if (contains(e.path().filename().string(), part)) out.push_back(e.path().filename().string());
        return out;
    }
};

struct Child {
    pid_t pid = -1;
    fs::path out, err;
};

// Starts the matcalc binary with `args`, stdout and stderr into files of `dir`, with
// `env` added and, when fsize > 0, RLIMIT_FSIZE set to it.
Child start(const Dir& dir, const std::vector<std::string>& args, const std::vector<std::string>& env = {},
            rlim_t fsize = 0, const char* stdout_path = nullptr) {
    Child c;
    c.out = dir.path / "stdout.txt";
    c.err = dir.path / "stderr.txt";
    c.pid = ::fork();
    REQUIRE(c.pid >= 0);
    if (c.pid == 0) {
        int o = ::open(stdout_path ? stdout_path : c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = ::open(c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0) ::_exit(101);
        ::dup2(o, 1);
        ::dup2(e, 2);
        if (fsize > 0) {
            rlimit r{fsize, fsize};
            ::setrlimit(RLIMIT_FSIZE, &r);
        }
        for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
        std::vector<char*> argv;
        std::string binary = MATCALC_BINARY;
        argv.push_back(binary.data());
        std::vector<std::string> copy = args;
        for (std::string& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(binary.c_str(), argv.data());
        ::_exit(102);
    }
    return c;
}

int wait_status(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return status;
}

int exit_code(pid_t pid) {
    int status = wait_status(pid);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

std::vector<std::string> train_args(const std::string& save, int epochs = 2, const std::string& model = kModel) {
    return {"train", model, "--data", "xor", "--samples", "4", "--epochs", std::to_string(epochs), "--batch", "4",
            "--save", save};
}

}  // namespace

TEST_CASE("output: a training run killed while it saves leaves the old file and no temporary", "[output][fault]") {
    Dir dir;
    fs::path saved = dir.path / "saved.json";
    std::ofstream(saved) << "OLD\n";
    fs::permissions(saved, fs::perms::owner_read | fs::perms::owner_write);
    Child c = start(dir, train_args(saved.string()), {"MATCALC_TEST_SLOW_SAVE_MS=20000"});
    // Wait until the save has begun: its temporary exists, half written.
    bool saving = false;
    for (int i = 0; i < 2000 && !saving; ++i) {
        saving = !dir.named("saved.json.tmp").empty();
        if (!saving) std::this_thread::sleep_for(5ms);
    }
    REQUIRE(saving);
    REQUIRE(::kill(c.pid, SIGTERM) == 0);
    int status = wait_status(c.pid);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(slurp(saved) == "OLD\n");
    CHECK(dir.named(".tmp").empty());
}

TEST_CASE("output: a full disk (RLIMIT_FSIZE) fails the save cleanly", "[output][fault]") {
    Dir dir;
    fs::path saved = dir.path / "saved.json";
    std::ofstream(saved) << "OLD\n";
    // 600 bytes: room for the epoch lines and the message, not for the 33 parameters.
    Child c = start(dir, train_args(saved.string(), 2, kMlp), {}, 600);
    CHECK(exit_code(c.pid) == 2);
    std::string err = slurp(c.err);
    INFO(err);
    CHECK(contains(err, "matcalc: error: cannot write '" + saved.string() + "': File too large"));
    CHECK_FALSE(contains(err, ".tmp"));
    CHECK(slurp(saved) == "OLD\n");
    CHECK(dir.named(".tmp").empty());
}

TEST_CASE("output: --save keeps the mode of the file and a symbolic link", "[output]") {
    Dir dir;
    fs::path real = dir.path / "real.json", link = dir.path / "link.json";
    std::ofstream(real) << "OLD\n";
    ::chmod(real.c_str(), 0600);
    fs::create_symlink(real, link);
    Child c = start(dir, train_args(link.string()));
    CHECK(exit_code(c.pid) == 0);
    CHECK(fs::is_symlink(link));
    struct stat st {};
    REQUIRE(::stat(real.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::string text = slurp(real);
    CHECK(contains(text, "\"w\": ["));
    CHECK(dir.named(".tmp").empty());
    // A new file: 0666 less the umask.
    fs::path fresh = dir.path / "fresh.json";
    matcalc::write_file_atomically(fresh.string(), "{}\n");
    mode_t mask = ::umask(0);
    ::umask(mask);
    REQUIRE(::stat(fresh.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0666 & ~mask));
    CHECK(slurp(fresh) == "{}\n");
}

TEST_CASE("output: unusable --save, --log and --test paths are refused before training", "[output][bad_input]") {
    using namespace matcalc::testing::bad_input;
    Dir dir;
    fs::create_symlink("/dev/null", dir.path / "to_null");
    fs::create_symlink(dir.path / "nothing_here", dir.path / "dangling");
    const std::vector<std::string> base = {"train", kModel, "--data", "xor", "--samples", "4", "--epochs", "1000000",
                                           "--batch", "4"};
    struct Case {
        std::vector<std::string> extra;
        std::vector<std::string> words;
    };
    const std::vector<Case> cases = {
        {{"--save", "/dev/null"}, {"cannot write '/dev/null'", "not a regular file"}},
        {{"--save", (dir.path / "to_null").string()}, {"not a regular file"}},
        {{"--save", dir.path.string()}, {"is a directory"}},
        {{"--save", (dir.path / "dangling").string()}, {"symbolic link to nothing"}},
        {{"--save", (dir.path / "no/such/folder.json").string()}, {"its folder", "No such file or directory"}},
        {{"--log", (dir.path / "no/such/log.csv").string()}, {"cannot write", "No such file or directory"}},
        {{"--test", (dir.path / "missing.csv").string()}, {"cannot read", "missing.csv"}},
    };
    for (const Case& k : cases) {
        std::vector<std::string> args = base;
        args.insert(args.end(), k.extra.begin(), k.extra.end());
        Run r = cli(args, 3000ms);  // a million epochs would take minutes: refused first
        expect_bad_input(r);
        CHECK(starts_with(r.err, "matcalc: error: "));
        expect_words(r, k.words);
        CHECK(r.out.empty());  // no epoch ran
    }
}

TEST_CASE("output: --log has every finished epoch after a kill, --log-append adds", "[output][fault]") {
    Dir dir;
    fs::path log = dir.path / "log.csv";
    Child c = start(dir, {"train", kModel, "--data", "xor", "--samples", "4", "--epochs", "1000000", "--batch", "4",
                          "--log", log.string()});
    for (int i = 0; i < 2000; ++i) {
        std::string text = slurp(log);
        if (std::count(text.begin(), text.end(), '\n') >= 20) break;
        std::this_thread::sleep_for(5ms);
    }
    REQUIRE(::kill(c.pid, SIGKILL) == 0);
    wait_status(c.pid);
    std::istringstream in(slurp(log));
    std::string line;
    std::getline(in, line);
    CHECK(line == "epoch,loss,accuracy");
    int epoch = 0;
    while (std::getline(in, line)) {
        ++epoch;
        CHECK(line.rfind(std::to_string(epoch) + ",", 0) == 0);
        CHECK(std::count(line.begin(), line.end(), ',') == 2);
    }
    CHECK(epoch >= 20);
    std::string whole = slurp(log);
    REQUIRE_FALSE(whole.empty());
    CHECK(whole.back() == '\n');  // whole lines only
    // Appending: no second header, the new epochs after the old ones.
    std::size_t before = slurp(log).size();
    Child d = start(dir, {"train", kModel, "--data", "xor", "--samples", "4", "--epochs", "3", "--batch", "4", "--log",
                          log.string(), "--log-append"});
    CHECK(exit_code(d.pid) == 0);
    std::string after = slurp(log);
    CHECK(after.size() > before);
    CHECK_FALSE(contains(after.substr(before), "epoch,"));
    CHECK(after.substr(before).rfind("1,", 0) == 0);
}

TEST_CASE("output: write errors are exit code 2 naming the path", "[output][bad_input]") {
    Dir dir;
    Child c = start(dir, {"train", kModel, "--data", "xor", "--samples", "4", "--epochs", "2", "--batch", "4", "--log",
                          "/dev/full"});
    CHECK(exit_code(c.pid) == 2);
    CHECK(contains(slurp(c.err), "matcalc: error: cannot write '/dev/full': No space left on device"));
    Child d = start(dir, {"derive", "-e", "x : vector(n); f = x*x'", "--wrt", "x"}, {}, 0, "/dev/full");
    CHECK(exit_code(d.pid) == 2);
    CHECK(contains(slurp(d.err), "cannot write the output to standard output"));
    Child e = start(dir, {"codegen", "-e", "x : vector(n); f = sum(x ⊙ x)", "--wrt", "x", "--save", "/dev/full"});
    CHECK(exit_code(e.pid) == 2);
    CHECK(contains(slurp(e.err), "not a regular file"));
    // codegen --save writes the file, nothing on stdout.
    fs::path code = dir.path / "f.hpp";
    Child f = start(dir, {"codegen", "-e", "x : vector(n); f = sum(x ⊙ x)", "--wrt", "x", "--save", code.string()});
    CHECK(exit_code(f.pid) == 0);
    CHECK(slurp(f.out).empty());
    CHECK(contains(slurp(code), "f_and_gradients"));
}

TEST_CASE("output: read errors are reported, not taken for the end of the file", "[output][bad_input]") {
    using namespace matcalc::testing::bad_input;
    // Reading /proc/self/mem from offset 0 fails with EIO.
    usage_error({"derive", "/proc/self/mem", "--wrt", "x"}, {"cannot read '/proc/self/mem'", "a read error"});
}

TEST_CASE("output: messages cut echoed input to a few hundred bytes", "[output][bad_input]") {
    using namespace matcalc::testing::bad_input;
    std::string key(10 << 20, 'k');
    std::string values = temp().write("long_key.json", "{\"" + key + "\": 1}");
    Run r = cli({"eval", "-e", "x : scalar; f = x", "--at", values});
    expect_bad_input(r);
    CHECK(r.err.size() < 4000);
    Run o = cli({"derive", "-e", "x : scalar; f = x", "--wrt", "x", "--" + std::string(1 << 20, 'w')});
    expect_bad_input(o);
    CHECK(o.err.size() < 4000);
    CHECK(contains(o.err, "bytes) …"));
}
