// The per-attempt CSV of the first replay, in the style of Batsim's jobs.csv.
#include <fmt/format.h>

#include "simulator/report_render.h"

namespace dagport::simulator {

namespace {

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Time(sched::Millis t) {
  return t < 0 ? "" : sched::FormatIso(t);
}

}  // namespace

std::string RenderCsv(const Workload& w, const SimulationResult& r) {
  std::string out =
      "dag_id,run_id,task_id,try,state,ready,queued,start,end,wait_seconds,duration_seconds,host,"
      "cost\n";
  for (uint32_t i = 0; i < r.attempts.size(); ++i) {
    const AttemptRecord& a = r.attempts[i];
    const TaskInstanceRecord& ti = r.tis[a.ti];
    const RunRecord& run = r.runs[ti.run];
    const WorkloadDag& dag = w.dags[run.dag];
    const bool started = a.start >= 0;
    const bool ended = started && a.end >= 0 && a.outcome != sched::TiState::kNone;
    std::string state = ended ? std::string(sched::TiStateName(a.outcome)) : "unfinished";
    if (a.timed_out) state = "timed_out";
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", Csv(dag.plan.dag_id),
                       Csv(RunId(run)), Csv(dag.plan.tasks[ti.task].task_id), a.try_number, state,
                       Time(a.ready), a.queued > 0 ? Time(a.queued) : "", Time(a.start),
                       ended ? Time(a.end) : "",
                       started ? Seconds(static_cast<double>(a.start - a.ready) / 1000.0) : "",
                       ended ? Seconds(static_cast<double>(a.end - a.start) / 1000.0) : "",
                       started && !a.no_executor ? Csv(r.HostName(a.host, i)) : "",
                       a.cost > 0 ? fmt::format("{:.6f}", a.cost) : "");
  }
  return out;
}

}  // namespace dagport::simulator
