#include "simulator/conflict_detector.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstddef>

namespace dagport::simulator {

namespace {

bool IsBelow(const std::string& dir, const std::string& path) {
  return !dir.empty() && path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (path[dir.size()] == '/' || dir.back() == '/');
}

bool HasGlob(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

int Strength(const std::string& mode) {
  if (mode == "delete") return 3;
  if (mode == "create") return 2;
  if (mode == "write") return 1;
  return 0;
}

}  // namespace

bool PathsOverlap(const std::string& a, const std::string& b) {
  if (a == b || IsBelow(a, b) || IsBelow(b, a)) return true;
  if (HasGlob(a) && fnmatch(a.c_str(), b.c_str(), 0) == 0) return true;
  if (HasGlob(b) && fnmatch(b.c_str(), a.c_str(), 0) == 0) return true;
  return false;
}

void ConflictDetector::Start(uint32_t host, uint32_t attempt, sched::Millis start,
                             sched::Millis end, const std::vector<RenderedAccess>& accesses,
                             std::vector<ConflictRecord>& out) {
  std::vector<Active>& active = hosts_[host];
  for (const Active& other : active) {
    const sched::Millis from = std::max(start, other.start);
    const sched::Millis to = std::min(end, other.end);
    if (to <= from) continue;
    // One record per resource for the pair, with the strongest mode each side uses on it.
    const size_t first_record = out.size();
    for (const RenderedAccess& a : other.accesses) {
      for (const RenderedAccess& b : accesses) {
        if (!a.Writes() && !b.Writes()) continue;
        if (!PathsOverlap(a.path, b.path)) continue;
        const RenderedAccess& named = HasGlob(a.path)   ? b
                                      : HasGlob(b.path) ? a
                                                        : (a.path.size() >= b.path.size() ? a : b);
        const std::string& resource = named.path;
        auto same = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(first_record), out.end(),
                                 [&](const ConflictRecord& r) { return r.resource == resource; });
        if (same == out.end()) {
          out.push_back({other.attempt, attempt, host, resource, named.pattern, a.mode, b.mode,
                         from, to, a.possible || b.possible});
          continue;
        }
        if (Strength(a.mode) > Strength(same->first_mode)) same->first_mode = a.mode;
        if (Strength(b.mode) > Strength(same->second_mode)) same->second_mode = b.mode;
        same->possible = same->possible && (a.possible || b.possible);
      }
    }
  }
  active.push_back({attempt, start, end, accesses});
}

void ConflictDetector::End(uint32_t host, uint32_t attempt) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return;
  std::vector<Active>& active = it->second;
  for (size_t i = 0; i < active.size(); ++i) {
    if (active[i].attempt == attempt) {
      active[i] = std::move(active.back());
      active.pop_back();
      return;
    }
  }
}

}  // namespace dagport::simulator
