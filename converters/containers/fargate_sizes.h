#pragma once
/// The task sizes AWS Fargate accepts (CPU units and memory in MiB), and rounding a request up
/// to the smallest legal size, as Fargate bills it.

#include <optional>

namespace dagport::converters::containers {

struct FargateSize {
  int cpu = 256;     ///< CPU units (1024 = 1 vCPU)
  int memory = 512;  ///< MiB
  friend bool operator==(const FargateSize&, const FargateSize&) = default;
};

/// True when Fargate accepts exactly this combination.
bool IsLegalFargateSize(const FargateSize& size);
/// The smallest legal size with at least `cpu` units and `memory` MiB; nullopt when the request
/// exceeds the largest (16 vCPU, 120 GiB).
std::optional<FargateSize> RoundUpToFargate(int cpu, int memory);

}  // namespace dagport::converters::containers
