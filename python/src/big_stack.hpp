// Runs a call of the engine on a stack of 1 GiB (reserved, not committed), as the command
// line runs its commands on a thread with such a stack (src/cli/main.cpp): the passes over
// the DAG recurse once per nesting level, and a deep model must be an answer or an
// InputError, never a stack overflow that takes the interpreter down.
//
// Not a thread per call: creating a thread with a 1 GiB stack took 2-4 ms on the shared
// 2-core machine, more than the derivations themselves (5-100 µs). The calling thread
// switches to a stack of its own instead (makecontext/swapcontext, a few µs) and back
// when the call returns; an exception is caught on that stack and rethrown here, so no
// unwinding crosses the switch. The caller releases the interpreter's lock around it;
// the call must not touch Python objects.
#pragma once

#include <sys/mman.h>
#include <ucontext.h>

#include <cstddef>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <utility>

namespace matcalc::python {

inline constexpr std::size_t kEngineStackBytes = std::size_t{1} << 30;

namespace detail {

// One big stack per thread that calls the engine, mapped on first use.
struct EngineStack {
    void* base = nullptr;
    bool in_use = false;  // a call on it is running (then a nested call runs in place)
    ucontext_t caller{}, callee{};
    std::function<void()>* job = nullptr;
    ~EngineStack() {
        if (base) munmap(base, kEngineStackBytes);
    }
    bool ready() {
        if (base) return true;
        void* p = mmap(nullptr, kEngineStackBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (p == MAP_FAILED) return false;
        base = p;
        return true;
    }
};

inline thread_local EngineStack engine_stack;

// The entry point on the big stack: runs the job (which catches everything itself) and
// returns to the caller through uc_link.
inline void enter() { (*engine_stack.job)(); }

}  // namespace detail

template <class Call>
auto on_big_stack(Call&& call) -> decltype(call()) {
    using Result = decltype(call());
    std::optional<Result> result;
    std::exception_ptr error;
    std::function<void()> job = [&] {
        try {
            result.emplace(call());
        } catch (...) {
            error = std::current_exception();
        }
    };
    detail::EngineStack& s = detail::engine_stack;
    if (s.in_use || !s.ready() || getcontext(&s.callee) != 0) {
        job();  // already on the big stack, or none to be had: run in place
    } else {
        s.callee.uc_stack.ss_sp = s.base;
        s.callee.uc_stack.ss_size = kEngineStackBytes;
        s.callee.uc_link = &s.caller;
        s.job = &job;
        s.in_use = true;
        makecontext(&s.callee, &detail::enter, 0);
        swapcontext(&s.caller, &s.callee);
        s.in_use = false;
    }
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

}  // namespace matcalc::python
