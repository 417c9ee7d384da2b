// The JSON report of `dagport simulate` (schema dagport.simulation/1, docs/simulate.md).
#include "simulator/report_render.h"

namespace dagport::simulator {

nlohmann::ordered_json RenderJson(const SimulationReport& r) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["schema"] = kSimulationSchema;
  j["executor"] = r.executor;
  j["mwaa_class"] = r.mwaa_class.empty() ? Json(nullptr) : Json(r.mwaa_class);
  j["seed"] = r.seed;
  j["replays"] = r.replays;
  j["start"] = sched::FormatIso(r.start);
  j["end"] = sched::FormatIso(r.end);
  j["dags"] = r.dags;
  j["scheduled_runs"] = r.scheduled_runs;
  j["task_instances"] = r.task_instances;
  Json conflicts = Json::array();
  for (const ConflictSummary& c : r.conflicts) {
    conflicts.push_back({{"resource", c.resource},
                         {"path", c.pattern},
                         {"host", c.host},
                         {"first", c.first},
                         {"first_mode", c.first_mode},
                         {"second", c.second},
                         {"second_mode", c.second_mode},
                         {"overlap_start", sched::FormatIso(c.from)},
                         {"overlap_end", sched::FormatIso(c.to)},
                         {"overlap_seconds", static_cast<double>(c.to - c.from) / 1000.0},
                         {"replays_seen", c.replays_seen},
                         {"probability", c.probability},
                         {"possible", c.possible},
                         {"fix", c.fix}});
  }
  Json groups = Json::array();
  for (const ConflictGroup& g : r.conflict_groups) {
    groups.push_back({{"path", g.pattern},
                      {"first_task", g.first_task},
                      {"second_task", g.second_task},
                      {"instances", g.instances},
                      {"replays_seen", g.replays_seen},
                      {"probability", g.probability},
                      {"per_replay", g.per_replay},
                      {"example",
                       {{"first", g.example.first},
                        {"second", g.example.second},
                        {"resource", g.example.resource},
                        {"host", g.example.host}}},
                      {"fix", g.fix}});
  }
  j["conflict_groups"] = groups;
  j["conflicts"] = conflicts;
  Json days = Json::array();
  for (const DaySummary& d : r.days) {
    days.push_back({{"day", sched::FormatDs(d.day)},
                    {"runs", d.runs},
                    {"task_instances", d.task_instances},
                    {"attempts", d.attempts},
                    {"failed_attempts", d.failed},
                    {"makespan_p50_seconds", d.makespan_p50_s},
                    {"makespan_max_seconds", d.makespan_max_s},
                    {"wait_p50_seconds", d.wait_p50_s},
                    {"wait_p95_seconds", d.wait_p95_s},
                    {"wait_p99_seconds", d.wait_p99_s},
                    {"utilisation", d.utilisation},
                    {"peak_running", d.peak_running},
                    {"sla_misses", d.sla_misses},
                    {"fargate_cost", d.fargate_cost}});
  }
  j["days"] = days;
  Json runs = Json::array();
  for (const RunSummary& run : r.runs) {
    runs.push_back({{"dag_id", run.dag_id},
                    {"run_id", run.run_id},
                    {"logical_date", sched::FormatIso(run.logical_date)},
                    {"due", sched::FormatIso(run.run_after)},
                    {"start", run.start < 0 ? Json(nullptr) : Json(sched::FormatIso(run.start))},
                    {"end", run.end < 0 ? Json(nullptr) : Json(sched::FormatIso(run.end))},
                    {"state", run.state},
                    {"makespan_seconds", run.makespan_s}});
  }
  j["runs"] = runs;
  j["queue_wait"] = {
      {"p50_seconds", r.wait_p50_s}, {"p95_seconds", r.wait_p95_s}, {"p99_seconds", r.wait_p99_s}};
  j["horizon_makespan"] = {{"p50_seconds", r.horizon_makespan_p50_s},
                           {"p95_seconds", r.horizon_makespan_p95_s}};
  Json util = Json::array();
  for (const UtilisationBucket& u : r.utilisation) {
    util.push_back({{"from", sched::FormatIso(u.from)},
                    {"busy_slot_seconds", u.busy_slot_seconds},
                    {"capacity_slot_seconds", u.capacity_slot_seconds},
                    {"peak_running", u.peak_running}});
  }
  j["utilisation"] = {{"bucket_seconds", r.bucket / 1000}, {"buckets", util}};
  j["workers"] = {{"peak", r.peak_workers}, {"hours", r.worker_hours}};
  j["sla_misses"] = r.sla_misses;
  Json cost = {{"currency", r.currency},
               {"prices_as_of", r.prices_as_of},
               {"prices_source", r.prices_source},
               {"fargate", r.fargate_cost}};
  cost["mwaa_environment"] =
      r.mwaa_environment_cost ? Json(*r.mwaa_environment_cost) : Json(nullptr);
  cost["mwaa_additional_workers"] = r.mwaa_worker_cost ? Json(*r.mwaa_worker_cost) : Json(nullptr);
  j["cost"] = cost;
  j["never_queued"] = r.never_queued;
  j["unfinished_runs"] = r.unfinished_runs;
  j["cut_off"] = r.cut_off;
  return j;
}

}  // namespace dagport::simulator
