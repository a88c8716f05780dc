// Durable output (output_file.hpp): atomic replacement through a temporary file in the
// target's folder, removed on failure and on SIGINT/SIGTERM; line files written with
// checked write(2) calls; whole-file reads that tell a read error from the end of a file.
#include "matcalc/io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <fmt/format.h>

namespace matcalc {

namespace {

std::string why(int error) { return std::strerror(error); }

std::string folder_of(const std::string& path) {
    std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// The file a target path stands for: itself, or what a symbolic link points to (resolved
// fully). Empty when the path is a link to nothing.
std::string resolved_target(const std::string& path) {
    struct stat link {};
    if (::lstat(path.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return path;
    char* real = ::realpath(path.c_str(), nullptr);
    if (!real) return {};
    std::string out = real;
    std::free(real);
    return out;
}

// ---------------------------------------------------------------- the temporary and signals

// The temporary being written, for the signal handler (async-signal-safe: a fixed buffer
// and a flag).
char g_temporary[PATH_MAX + 64];
volatile std::sig_atomic_t g_temporary_set = 0;
struct sigaction g_previous_int {}, g_previous_term {};

extern "C" void remove_temporary_on_signal(int signal) {
    if (g_temporary_set) ::unlink(g_temporary);
    g_temporary_set = 0;
    // Then what the signal did before (by default: end the process).
    ::sigaction(signal, signal == SIGINT ? &g_previous_int : &g_previous_term, nullptr);
    ::raise(signal);
}

// While alive: the temporary is removed on SIGINT and SIGTERM, and on destruction unless
// committed.
class Temporary {
public:
    explicit Temporary(const std::string& path) : path_(path) {
        std::memcpy(g_temporary, path.c_str(), path.size() + 1);
        g_temporary_set = 1;
        struct sigaction action {};
        action.sa_handler = remove_temporary_on_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &g_previous_int);
        ::sigaction(SIGTERM, &action, &g_previous_term);
    }
    ~Temporary() {
        if (created_ && !committed_) ::unlink(path_.c_str());
        g_temporary_set = 0;
        ::sigaction(SIGINT, &g_previous_int, nullptr);
        ::sigaction(SIGTERM, &g_previous_term, nullptr);
    }
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    void created() { created_ = true; }
    void committed() {
        committed_ = true;
        g_temporary_set = 0;
    }

private:
    std::string path_;
    bool created_ = false, committed_ = false;
};

bool write_all(int fd, std::string_view text, int& error) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            error = errno;
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

mode_t new_file_mode() {
    mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

}  // namespace

void check_output_target(const std::string& path) {
    if (path.empty()) throw OutputError("cannot write '': an empty path");
    if (path.size() > PATH_MAX) throw OutputError("cannot write a path longer than PATH_MAX");
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0) {
        struct stat target {};
        if (::stat(path.c_str(), &target) != 0)
            throw OutputError(fmt::format("cannot write '{}': it is a symbolic link to nothing", path));
        if (S_ISDIR(target.st_mode)) throw OutputError(fmt::format("cannot write '{}': it is a directory", path));
        if (!S_ISREG(target.st_mode))
            throw OutputError(fmt::format("cannot write '{}': it is not a regular file (a device, a FIFO or a "
                                          "socket); the file is replaced whole, so give a file's path",
                                          path));
        if (::access(path.c_str(), W_OK) != 0)
            throw OutputError(fmt::format("cannot write '{}': {}", path, why(errno)));
    }
    std::string folder = folder_of(resolved_target(path));
    struct stat dir {};
    if (::stat(folder.c_str(), &dir) != 0)
        throw OutputError(fmt::format("cannot write '{}': its folder '{}': {}", path, folder, why(errno)));
    if (!S_ISDIR(dir.st_mode))
        throw OutputError(fmt::format("cannot write '{}': '{}' is not a folder", path, folder));
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        throw OutputError(fmt::format("cannot write '{}': its folder '{}': {}", path, folder, why(errno)));
}

void write_file_atomically(const std::string& path, std::string_view text) {
    check_output_target(path);
    const std::string target = resolved_target(path);
    struct stat old {};
    const bool exists = ::stat(target.c_str(), &old) == 0;

    // The temporary's name is registered with the signal handler before the file exists,
    // so that no SIGTERM can come between its creation and its registration.
    static std::atomic<unsigned> counter{0};
    std::optional<Temporary> temporary;
    std::string pattern;
    int fd = -1;
    for (int attempt = 0; fd < 0; ++attempt) {
        pattern = fmt::format("{}.tmp{}.{}", target, ::getpid(), counter++);
        temporary.emplace(pattern);
        fd = ::open(pattern.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && (errno != EEXIST || attempt > 100))
            throw OutputError(fmt::format("cannot write '{}': {}", path, why(errno)));
    }
    temporary->created();
    int error = 0;
    auto fail = [&](int e) {
        ::close(fd);
        throw OutputError(fmt::format("cannot write '{}': {}", path, why(e)));
    };
    // The mode (and, where allowed, the owner) of the file it replaces.
    if (::fchmod(fd, exists ? (old.st_mode & 07777) : new_file_mode()) != 0) fail(errno);
    if (exists && (old.st_uid != ::geteuid() || old.st_gid != ::getegid())) {
        [[maybe_unused]] int ignored = ::fchown(fd, old.st_uid, old.st_gid);
    }
    // The tests' hook: a save that takes a while, to be interrupted (tests/test_output_file.cpp).
    const char* slow = std::getenv("MATCALC_TEST_SLOW_SAVE_MS");
    if (slow && !text.empty()) {
        if (!write_all(fd, text.substr(0, text.size() / 2), error)) fail(error);
        std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(slow)));
        text.remove_prefix(text.size() / 2);
    }
    if (!write_all(fd, text, error)) fail(error);
    if (::fsync(fd) != 0) fail(errno);
    if (::close(fd) != 0) throw OutputError(fmt::format("cannot write '{}': {}", path, why(errno)));
    if (::rename(pattern.c_str(), target.c_str()) != 0)
        throw OutputError(fmt::format("cannot write '{}': {}", path, why(errno)));
    temporary->committed();
    // The rename itself made durable.
    int dir = ::open(folder_of(target).c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

// ---------------------------------------------------------------- line files

LineFile::LineFile(const std::string& path, bool append) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd_ < 0) throw OutputError(fmt::format("cannot write '{}': {}", path, why(errno)));
    struct stat st {};
    if (append && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) was_empty_ = st.st_size == 0;
}

LineFile::~LineFile() {
    if (fd_ >= 0) ::close(fd_);
}

void LineFile::write(std::string_view text) {
    int error = 0;
    if (fd_ < 0 || !write_all(fd_, text, error))
        throw OutputError(fmt::format("cannot write '{}': {}", path_, why(fd_ < 0 ? EBADF : error)));
}

void LineFile::close() {
    if (fd_ < 0) return;
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw OutputError(fmt::format("cannot write '{}': {}", path_, why(errno)));
}

// ---------------------------------------------------------------- reading

bool read_file_limited(const std::string& path, std::size_t limit, std::string& text, std::string& error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = why(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        error = "it is a directory";
        return false;
    }
    text.clear();
    std::string buffer(std::size_t{1} << 16, '\0');
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            error = fmt::format("a read error: {}", why(errno));
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        text.append(buffer.data(), static_cast<std::size_t>(n));
        if (text.size() > limit) {
            ::close(fd);
            error = fmt::format("it is larger than the limit of {} bytes", limit);
            return false;
        }
    }
    ::close(fd);
    return true;
}

}  // namespace matcalc
