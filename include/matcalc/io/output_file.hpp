// Durable output (README, "Output files"): files written whole or not at all, and files
// written line by line with every write checked.
//
//   check_output_target("model.json");            // before any work: OutputError if unusable
//   write_file_atomically("model.json", text);    // temp in its folder, fsync, rename
//   LineFile log("train.csv", /*append=*/false);  // each write(2) checked, no user buffer
//   log.write("epoch,loss,accuracy\n");
//
// Every failure is an OutputError whose message names the user's path (never the
// temporary one) and says why (strerror).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace matcalc {

// A file that cannot be written, or a failed write or close: the command line's exit code 2,
// "matcalc: error: MESSAGE".
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Refuses (OutputError) a target that exists and is not a regular file (a device, a FIFO,
// a directory, a symbolic link to one of those or to nothing), or whose folder does not
// exist or cannot be written. A symbolic link to a regular file is a usable target: the
// file it points to is replaced, the link stays.
void check_output_target(const std::string& path);

// Writes `text` to `path` whole or not at all: into a temporary file (PATH.tmpPID.N) in the folder of
// the target (of the file a symbolic link points to), with the mode of the file it
// replaces (a new file: 0666 less the umask), fsync'd, then renamed over the target and
// the folder fsync'd. The temporary is removed on every failure, and on SIGINT or SIGTERM
// while it exists (the signal then does what it did before). check_output_target first.
void write_file_atomically(const std::string& path, std::string_view text);

// A file written by appending lines (`train --log`): opened at construction (truncated,
// or appended to), each write() one write(2) call checked, so what was written is in the
// file even if the process is killed next. OutputError naming the path on any failure.
class LineFile {
public:
    LineFile(const std::string& path, bool append);
    ~LineFile();
    LineFile(const LineFile&) = delete;
    LineFile& operator=(const LineFile&) = delete;

    void write(std::string_view text);
    // Closes and checks the close (a deferred write error of a network file system).
    void close();
    // Whether the file held nothing when it was opened (a header is then needed).
    bool was_empty() const { return was_empty_; }

private:
    std::string path_;
    int fd_ = -1;
    bool was_empty_ = true;
};

// Reads a whole file of at most `limit` bytes with read(2): OutputError-free; a read error
// is reported as such (never taken for the end of the file). Returns false and sets
// `error` (a sentence: "it is a directory", "larger than the limit of N bytes", strerror)
// when it cannot.
bool read_file_limited(const std::string& path, std::size_t limit, std::string& text, std::string& error);

}  // namespace matcalc
