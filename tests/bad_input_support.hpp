// Shared by the hostile-input suites (test_bad_input.cpp: models; test_bad_input_cli.cpp:
// command lines, values files, memory, regressions): running the command line in-process
// on a thread with a large stack, time-boxed, and checking the compiler form of its errors.
#pragma once

#include <pthread.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include <catch2/catch.hpp>
#include "matcalc/cli/cli.hpp"

namespace matcalc::testing::bad_input {

namespace fs = std::filesystem;
using namespace std::chrono_literals;


namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Run {
    int code = -1;
    std::string out, err;
    double seconds = 0;
};

// Shared between the test and the thread running the command, so a run that overruns its
// budget can be abandoned safely.
struct Job {
    std::vector<std::string> args;
    Run result;
    bool done = false;
    std::mutex m;
    std::condition_variable cv;
};

inline void* run_job(void* p) {
    auto* holder = static_cast<std::shared_ptr<Job>*>(p);
    std::shared_ptr<Job> job = *holder;
    delete holder;
    std::ostringstream out, err;
    auto t0 = std::chrono::steady_clock::now();
    int code = matcalc::run_cli(job->args, out, err);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::lock_guard<std::mutex> lock(job->m);
    job->result = Run{code, out.str(), err.str(), s};
    job->done = true;
    job->cv.notify_all();
    return nullptr;
}

// Sanitizer builds (ASan + UBSan at -O1, with assertions) run several times slower: budgets scale.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kSlowdown = 8;
#else
constexpr int kSlowdown = 1;
#endif

// Runs `matcalc ARGS...` in-process on a big stack, within `budget`.
inline Run cli(std::vector<std::string> args, std::chrono::milliseconds budget = 5000ms) {
    budget *= kSlowdown;
    auto job = std::make_shared<Job>();
    job->args = std::move(args);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::size_t{1} << 30);
    pthread_t thread;
    auto* holder = new std::shared_ptr<Job>(job);
    int rc = pthread_create(&thread, &attr, run_job, holder);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        run_job(holder);
    } else {
        std::unique_lock<std::mutex> lock(job->m);
        if (!job->cv.wait_for(lock, budget, [&] { return job->done; })) {
            lock.unlock();
            pthread_detach(thread);
            FAIL("matcalc did not finish within " << budget.count() << " ms (a hang on hostile input)");
        }
        lock.unlock();
        pthread_join(thread, nullptr);
    }
    return job->result;
}

// A temporary directory for values files and models, removed at exit.
struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("matcalc_bad_input_" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        fs::path p = path / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

inline const TempDir& temp() {
    static TempDir dir;
    return dir;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
inline bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// The line after the first one that has a caret, or "" if there is none.
inline bool has_caret_line(const std::string& err) {
    std::istringstream in(err);
    std::string line;
    std::getline(in, line);  // the "file:line:col: error:" line
    while (std::getline(in, line)) {
        std::size_t first = line.find_first_not_of(' ');
        if (first != std::string::npos && line[first] == '^') return true;
    }
    return false;
}

// "NAME:LINE:COL: error: " at the start of err, for a given NAME.
inline bool positioned(const std::string& err, const std::string& name, int* line = nullptr, int* col = nullptr) {
    if (!starts_with(err, name + ":")) return false;
    int l = 0, c = 0;
    char tail[16] = {};
    if (std::sscanf(err.c_str() + name.size() + 1, "%d:%d: %8[a-z]:", &l, &c, tail) != 3) return false;
    if (std::string(tail) != "error") return false;
    if (line) *line = l;
    if (col) *col = c;
    return l >= 1 && c >= 1;
}

inline void expect_bad_input(const Run& r) {
    INFO("stderr:\n" << r.err);
    INFO("stdout:\n" << r.out.substr(0, 2000));
    REQUIRE(r.code != 3);  // nothing may escape run_cli as an internal error
    REQUIRE(r.code == matcalc::kExitBadInput);
    CHECK_FALSE(contains(r.err, "internal error"));
}

inline void expect_words(const Run& r, const std::vector<std::string>& words) {
    INFO("stderr:\n" << r.err);
    for (const std::string& w : words) CHECK(contains(r.err, w));
}

// A model error at a position: "-e:LINE:COL: error: ..." + source line + caret.
inline Run model_error(const std::string& text, const std::vector<std::string>& words, std::vector<std::string> extra = {},
                std::chrono::milliseconds budget = 5000ms) {
    std::vector<std::string> args = {"derive", "-e", text, "--wrt", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = cli(args, budget);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(positioned(r.err, "-e"));
    CHECK(has_caret_line(r.err));
    expect_words(r, words);
    return r;
}

// A model error without a position (the whole model): "-e: error: ...".
inline Run model_error_unpositioned(const std::string& text, const std::vector<std::string>& words,
                             std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"derive", "-e", text, "--wrt", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = cli(args);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(starts_with(r.err, "-e: error: "));
    expect_words(r, words);
    return r;
}

// A command-line problem: "matcalc: error: ...".
inline Run usage_error(std::vector<std::string> args, const std::vector<std::string>& words) {
    Run r = cli(std::move(args));
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(starts_with(r.err, "matcalc: error: "));
    expect_words(r, words);
    return r;
}

// A values-file problem: "VALUES.json:LINE:COL: error: ..." + the JSON line + caret.
inline Run values_error(const std::string& model, const std::string& values, const std::vector<std::string>& words,
                 const std::string& command = "eval") {
    static int counter = 0;
    std::string name = "values" + std::to_string(++counter) + ".json";
    std::string path = temp().write(name, values);
    std::vector<std::string> args = {command, "-e", model, "--at", path};
    if (command != "eval") args.insert(args.end(), {"--wrt", "x"});
    Run r = cli(args);
    expect_bad_input(r);
    INFO("stderr:\n" << r.err);
    CHECK(positioned(r.err, path));
    CHECK(has_caret_line(r.err));
    expect_words(r, words);
    return r;
}

inline std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}


}  // namespace matcalc::testing::bad_input
