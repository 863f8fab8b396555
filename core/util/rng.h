#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace nbaops {

// A small deterministic generator (splitmix64): the same seed gives the same numbers on every
// platform and standard library, which std::*_distribution does not promise.
class Rng
{
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; } // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int below(int n) { return n <= 0 ? 0 : int(next() % uint64_t(n)); }
    bool chance(double p) { return uniform() < p; }
    double normal(double mean, double sd)
    {
        // Box-Muller; u1 kept away from zero.
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    int poisson(double lambda)
    {
        if (lambda <= 0)
            return 0;
        if (lambda > 30)
            return std::max(0, int(std::lround(normal(lambda, std::sqrt(lambda)))));
        const double l = std::exp(-lambda);
        int k = 0;
        double p = 1.0;
        do {
            ++k;
            p *= uniform();
        } while (p > l);
        return k - 1;
    }

private:
    uint64_t m_state;
};

// FNV-1a, for deriving sub-seeds from names (stable across runs).
constexpr uint64_t stableHash(std::string_view s, uint64_t h = 0xcbf29ce484222325ull)
{
    for (char c : s) {
        h ^= uint8_t(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

} // namespace nbaops
