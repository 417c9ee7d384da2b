// The event trace of the first replay, one line per event in time order, in the style of
// SimGrid's tesh files: what golden tests compare line by line, and what a user reads to see
// why a run took as long as it did.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "simulator/report_render.h"

namespace dagport::simulator {

namespace {

struct TraceLine {
  sched::Millis t;
  int order;  ///< events at the same time: ends before starts, runs around their tasks
  std::string text;
};

std::string Stamp(sched::Millis t) {
  const std::string iso = sched::FormatIso(t);
  return t % 1000 == 0 ? iso + ".000" : iso;
}

}  // namespace

std::string RenderTrace(const Workload& w, const SimulationResult& r) {
  std::vector<TraceLine> lines;
  for (const RunRecord& run : r.runs) {
    const std::string name = w.dags[run.dag].plan.dag_id + "@" + RunId(run);
    lines.push_back({run.run_after, 0, fmt::format("run {} due", name)});
    if (run.start >= 0 && run.start != run.run_after)
      lines.push_back({run.start, 1, fmt::format("run {} started (max_active_runs)", name)});
    if (run.end >= 0)
      lines.push_back(
          {run.end, 9, fmt::format("run {} {}", name, run.failed ? "failed" : "success")});
  }
  for (uint32_t i = 0; i < r.attempts.size(); ++i) {
    const AttemptRecord& a = r.attempts[i];
    const std::string name = InstanceName(w, r, a.ti);
    const std::string attempt = a.try_number > 1 ? fmt::format(" try {}", a.try_number) : "";
    if (a.no_executor) {
      lines.push_back({a.ready, 5, fmt::format("{}{} success (no executor)", name, attempt)});
      continue;
    }
    lines.push_back({a.ready, 2, fmt::format("{}{} scheduled", name, attempt)});
    if (a.queued > 0) lines.push_back({a.queued, 3, fmt::format("{}{} queued", name, attempt)});
    if (a.start >= 0) {
      lines.push_back(
          {a.start, 4, fmt::format("{}{} running on {}", name, attempt, r.HostName(a.host, i))});
      lines.push_back({a.end, 1,
                       fmt::format("{}{} {}{}", name, attempt, sched::TiStateName(a.outcome),
                                   a.timed_out ? " (execution_timeout)" : "")});
    }
  }
  for (uint32_t i = 0; i < r.tis.size(); ++i) {
    const TaskInstanceRecord& ti = r.tis[i];
    if (ti.tries == 0 && sched::IsSettled(ti.state)) {
      lines.push_back({ti.settled, 6,
                       fmt::format("{} {}", InstanceName(w, r, i), sched::TiStateName(ti.state))});
    }
  }
  for (const ConflictRecord& c : r.conflicts) {
    lines.push_back(
        {c.from, 7,
         fmt::format("conflict {} on {}: {} ({}) and {} ({})", c.resource,
                     r.HostName(c.host, c.first), InstanceName(w, r, r.attempts[c.first].ti),
                     c.first_mode, InstanceName(w, r, r.attempts[c.second].ti), c.second_mode)});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const TraceLine& a, const TraceLine& b) {
    return std::tie(a.t, a.order, a.text) < std::tie(b.t, b.order, b.text);
  });
  std::string out;
  for (const TraceLine& l : lines) out += "[" + Stamp(l.t) + "] " + l.text + "\n";
  return out;
}

}  // namespace dagport::simulator
