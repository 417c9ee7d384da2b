#pragma once
/// Shared-state conflicts: two task attempts on the same host, overlapping in time, touching the
/// same resource where at least one creates, writes or deletes it. A path clashes with itself,
/// with paths below it (deleting /tmp/venvs removes /tmp/venvs/pricing) and with a glob that
/// matches it.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sched/clock.h"

namespace dagport::simulator {

/// One footprint access rendered for a task instance.
struct RenderedAccess {
  std::string path;
  std::string pattern;  ///< the path as the task wrote it, templates unrendered
  std::string mode;     ///< create, read, write, delete
  std::string resource;
  bool possible = false;
  bool Writes() const { return mode != "read"; }
};

struct ConflictRecord {
  uint32_t first = 0;   ///< attempt that started first
  uint32_t second = 0;  ///< attempt whose start made the overlap
  uint32_t host = 0;
  std::string resource;  ///< the more specific of the two paths
  std::string pattern;   ///< that path as written, templates unrendered
  std::string first_mode, second_mode;
  sched::Millis from = 0, to = 0;  ///< the overlap
  bool possible = false;           ///< a path was not fully known
};

/// True when the two paths name the same thing or one contains or matches the other.
bool PathsOverlap(const std::string& a, const std::string& b);

class ConflictDetector {
 public:
  /// Attempt `attempt` runs on `host` over [start, end) with `accesses`; conflicts with attempts
  /// already active there are appended to `out`.
  void Start(uint32_t host, uint32_t attempt, sched::Millis start, sched::Millis end,
             const std::vector<RenderedAccess>& accesses, std::vector<ConflictRecord>& out);
  /// The attempt ended: it no longer holds its resources.
  void End(uint32_t host, uint32_t attempt);

 private:
  struct Active {
    uint32_t attempt;
    sched::Millis start, end;
    std::vector<RenderedAccess> accesses;
  };
  std::unordered_map<uint32_t, std::vector<Active>> hosts_;
};

}  // namespace dagport::simulator
