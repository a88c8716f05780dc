// Shared by csv.cpp and datasets.cpp (private to src/apps/): random numbers that are the
// same under every standard library, for the generated data sets and the minibatch
// order, and a list of names for messages.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace matcalc::data {

// std::mt19937_64's sequence is fixed by the standard; the distributions on top of it
// are not, so the transforms below are ours.
class Random {
public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}

    // Uniform in [0, 1) from the top 53 bits: every value is a multiple of 2^-53.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

    // Standard normal by Box–Muller; the second number of a pair is kept for the next call.
    double normal() {
        if (std::exchange(has_spare_, false)) return spare_;
        const double r = std::sqrt(-2.0 * std::log(1.0 - uniform()));  // 1 - u in (0, 1]: finite
        const double angle = 2.0 * std::numbers::pi * uniform();
        spare_ = r * std::sin(angle);
        has_spare_ = true;
        return r * std::cos(angle);
    }

    // Uniform in [0, bound) without modulo bias: reject the draws below 2^64 mod bound.
    std::uint64_t below(std::uint64_t bound) {
        const std::uint64_t threshold = (0 - bound) % bound;
        for (std::uint64_t r = engine_();; r = engine_())
            if (r >= threshold) return r % bound;
    }

    // Fisher–Yates: each permutation equally likely.
    template <class Swap>
    void shuffle(std::size_t n, Swap swap) {
        for (std::size_t i = n; i > 1; --i) swap(i - 1, static_cast<std::size_t>(below(i)));
    }

private:
    std::mt19937_64 engine_;
    double spare_ = 0;
    bool has_spare_ = false;
};

// SplitMix64's finaliser: nearby (seed, epoch) pairs give unrelated engine seeds.
// 'a', 'b', 'c' (at most 20 names, then how many): for messages.
inline std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 20; ++i) out += (i ? ", '" : "'") + names[i] + "'";
    if (names.size() > 20) out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

inline std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace matcalc::data
