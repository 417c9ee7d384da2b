// A WfCommons WfFormat 1.5 instance of the first replay (github.com/wfcommons/WfFormat): every
// task instance that ran is a task, its DAG-run edges are parents/children, and the execution
// section says when and on which machine it ran, so WRENCH and other simulators can replay it.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "simulator/report_render.h"

namespace dagport::simulator {

namespace {

/// WfFormat ids allow [0-9a-zA-Z_.#:/-]; anything else becomes '_'.
std::string Id(std::string s) {
  for (char& c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || c == '.' || c == '#' || c == ':' || c == '/' || c == '-';
    if (!ok) c = '_';
  }
  return s;
}

}  // namespace

nlohmann::ordered_json RenderWfFormat(const Workload& w, const SimulationResult& r) {
  using Json = nlohmann::ordered_json;
  std::vector<int> ran(r.tis.size(), 0);
  sched::Millis first_start = -1, last_end = 0;
  for (uint32_t i = 0; i < r.tis.size(); ++i) {
    const TaskInstanceRecord& ti = r.tis[i];
    if (ti.last_attempt == kNoAttempt) continue;
    const AttemptRecord& a = r.attempts[ti.last_attempt];
    if (a.start < 0 || !sched::IsSettled(ti.state)) continue;
    ran[i] = 1;
    if (first_start < 0 || a.start < first_start) first_start = a.start;
    last_end = std::max(last_end, a.end);
  }
  auto id_of = [&](uint32_t ti) {
    const TaskInstanceRecord& t = r.tis[ti];
    const RunRecord& run = r.runs[t.run];
    const WorkloadDag& dag = w.dags[run.dag];
    return Id(fmt::format("{}/{}/{}", dag.plan.dag_id, dag.plan.tasks[t.task].task_id,
                          sched::FormatIso(run.logical_date)));
  };
  Json spec_tasks = Json::array(), exec_tasks = Json::array();
  std::map<std::string, bool> machines;
  for (uint32_t i = 0; i < r.tis.size(); ++i) {
    if (!ran[i]) continue;
    const TaskInstanceRecord& t = r.tis[i];
    const RunRecord& run = r.runs[t.run];
    const sched::TaskPlan& task = w.dags[run.dag].plan.tasks[t.task];
    Json parents = Json::array(), children = Json::array();
    for (uint32_t u : task.upstream)
      if (ran[run.first_ti + u]) parents.push_back(id_of(run.first_ti + u));
    for (uint32_t d : task.downstream)
      if (ran[run.first_ti + d]) children.push_back(id_of(run.first_ti + d));
    spec_tasks.push_back({{"name", task.operator_name},
                          {"id", id_of(i)},
                          {"parents", parents},
                          {"children", children},
                          {"inputFiles", Json::array()},
                          {"outputFiles", Json::array()}});
    const AttemptRecord& a = r.attempts[t.last_attempt];
    Json exec = {{"id", id_of(i)},
                 {"runtimeInSeconds", static_cast<double>(a.end - a.start) / 1000.0},
                 {"executedAt", sched::FormatIso(a.start) + "+00:00"},
                 {"coreCount", 1},
                 {"priority", task.priority}};
    if (!a.no_executor) {
      const std::string machine = Id(r.HostName(a.host, t.last_attempt));
      machines[machine] = true;
      exec["machines"] = Json::array({machine});
    }
    exec_tasks.push_back(std::move(exec));
  }
  Json machine_list = Json::array();
  for (const auto& [name, _] : machines) machine_list.push_back({{"nodeName", name}});
  Json j;
  j["name"] =
      fmt::format("dagport-simulation-{}-seed{}", ExecutorName(w.settings.executor), r.seed);
  j["description"] = fmt::format(
      "Airflow 2 DAG runs from {} to {} simulated by dagport under the {} executor model",
      sched::FormatIso(w.start), sched::FormatIso(w.end), ExecutorName(w.settings.executor));
  j["createdAt"] = sched::FormatIso(w.start) + "+00:00";
  j["schemaVersion"] = "1.5";
  j["runtimeSystem"] = {
      {"name", "Apache Airflow"}, {"version", "2.10"}, {"url", "https://airflow.apache.org"}};
  Json execution = {
      {"makespanInSeconds",
       first_start < 0 ? 0.0 : static_cast<double>(last_end - first_start) / 1000.0},
      {"executedAt", sched::FormatIso(first_start < 0 ? w.start : first_start) + "+00:00"},
      {"tasks", exec_tasks}};
  if (!machine_list.empty()) execution["machines"] = machine_list;
  j["workflow"] = {{"specification", {{"tasks", spec_tasks}, {"files", Json::array()}}},
                   {"execution", execution}};
  return j;
}

}  // namespace dagport::simulator
