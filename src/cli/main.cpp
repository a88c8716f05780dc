// The matcalc executable. The command runs on a thread with a large stack: the passes
// over the DAG recurse once per nesting level, and a model may nest deeply.
#include <pthread.h>

#include <csignal>

#include <iostream>
#include <string>
#include <vector>

#include "matcalc/cli/cli.hpp"

namespace {

struct Job {
    std::vector<std::string> args;
    int status = matcalc::kExitBadInput;
};

void* run_job(void* p) {
    auto* job = static_cast<Job*>(p);
    job->status = matcalc::run_cli(job->args, std::cout, std::cerr);
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    // A file over RLIMIT_FSIZE is a write error matcalc reports (EFBIG), not a kill.
    std::signal(SIGXFSZ, SIG_IGN);
    Job job;
    job.args.assign(argv + 1, argv + argc);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::size_t{1} << 30);  // 1 GiB, reserved not committed
    pthread_t thread;
    if (pthread_create(&thread, &attr, run_job, &job) != 0) {
        run_job(&job);  // no thread: run here with the default stack
    } else {
        pthread_join(thread, nullptr);
    }
    pthread_attr_destroy(&attr);
    std::cout.flush();
    if (!std::cout && job.status == matcalc::kExitOk) {
        std::cerr << "matcalc: error: cannot write the output to standard output\n";
        return matcalc::kExitBadInput;
    }
    return job.status;
}
