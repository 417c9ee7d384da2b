#include "converters/containers/fargate_sizes.h"

#include <array>

namespace dagport::converters::containers {

namespace {

/// Per CPU size: the memory range and step (ECS developer guide, "Task CPU and memory").
struct CpuRow {
  int cpu, min_memory, max_memory, step;
};
constexpr std::array<CpuRow, 7> kRows = {{
    {256, 512, 2048, 512},  // 0.5, 1 and 2 GB (not 1.5: see Legal)
    {512, 1024, 4096, 1024},
    {1024, 2048, 8192, 1024},
    {2048, 4096, 16384, 1024},
    {4096, 8192, 30720, 1024},
    {8192, 16384, 61440, 4096},
    {16384, 32768, 122880, 8192},
}};

bool Legal(const CpuRow& row, int memory) {
  if (row.cpu == 256 && memory == 1536) return false;
  return memory >= row.min_memory && memory <= row.max_memory &&
         (memory - row.min_memory) % row.step == 0;
}

}  // namespace

bool IsLegalFargateSize(const FargateSize& size) {
  for (const CpuRow& row : kRows) {
    if (row.cpu != size.cpu) continue;
    return Legal(row, size.memory);
  }
  return false;
}

std::optional<FargateSize> RoundUpToFargate(int cpu, int memory) {
  for (const CpuRow& row : kRows) {
    if (row.cpu < cpu || row.max_memory < memory) continue;
    int m = row.min_memory;
    while (m < memory || !Legal(row, m)) m += row.step;
    return FargateSize{row.cpu, m};
  }
  return std::nullopt;
}

}  // namespace dagport::converters::containers
