#pragma once
/// The simulator's one source of randomness: xoshiro256** seeded through splitmix64, and the
/// distributions built on it by hand, so that a seed gives the same numbers with every compiler
/// and standard library (std:: distributions are implementation-defined).

#include <cmath>
#include <cstdint>

namespace dagport::simulator {

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }
  /// Standard normal (Box-Muller; the pair's second value is kept for the next call).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(6.283185307179586 * u2);
    has_spare_ = true;
    return r * std::cos(6.283185307179586 * u2);
  }
  /// Lognormal with the given median and sigma of the underlying normal.
  double LogNormal(double median, double sigma) {
    return sigma == 0 ? median : median * std::exp(sigma * Normal());
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

/// The sigma of a lognormal whose median and 95th percentile are given.
inline double SigmaFromP95(double median, double p95) {
  if (median <= 0 || p95 <= median) return 0.0;
  return std::log(p95 / median) / 1.6448536269514722;
}

}  // namespace dagport::simulator
