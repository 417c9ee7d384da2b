// The migration report as JSON (schema dagport.migration/1, docs/migrate.md).
#include <cmath>

#include "converters/airflow2/convert_report.h"
#include "migrate/report.h"
#include "sched/clock.h"

namespace dagport::migrate {

using Json = nlohmann::ordered_json;

namespace {

/// Three decimals: enough for seconds and money, and stable across builds.
double Round(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

Json OptionalMoney(const std::optional<double>& v) {
  return v ? Json(Round(*v)) : Json(nullptr);
}

Json DiagnosticJson(const ir::Diagnostic& d) {
  return Json{{"code", d.code},
              {"severity", ir::SeverityName(d.severity)},
              {"file", d.file},
              {"line", d.where.line},
              {"column", d.where.column},
              {"message", d.message},
              {"hint", d.hint}};
}

Json ScenarioJson(const Scenario& s, int days) {
  const simulator::SimulationReport& r = s.report;
  Json conflicts = Json::array();
  for (const simulator::ConflictGroup& g : r.conflict_groups) {
    conflicts.push_back({{"first_task", g.first_task},
                         {"second_task", g.second_task},
                         {"path", g.pattern},
                         {"probability", Round(g.probability)},
                         {"per_replay", Round(g.per_replay)},
                         {"fix", g.fix}});
  }
  size_t failed = 0;
  for (const simulator::RunSummary& run : r.runs) failed += run.state == "failed";
  return Json{
      {"key", s.key},
      {"title", s.title},
      {"description", s.description},
      {"executor", r.executor},
      {"mwaa_class", r.mwaa_class.empty() ? Json(nullptr) : Json(r.mwaa_class)},
      {"dags", r.dags},
      {"runs", r.scheduled_runs},
      {"failed_runs", failed},
      {"task_instances", r.task_instances},
      {"conflicts", conflicts},
      {"span_p50_seconds", Round(r.horizon_makespan_p50_s)},
      {"span_p95_seconds", Round(r.horizon_makespan_p95_s)},
      {"wait_seconds",
       {{"p50", Round(r.wait_p50_s)}, {"p95", Round(r.wait_p95_s)}, {"p99", Round(r.wait_p99_s)}}},
      {"peak_workers", r.executor == "celery" ? Json(r.peak_workers) : Json(nullptr)},
      {"worker_hours", r.executor == "celery" ? Json(Round(r.worker_hours)) : Json(nullptr)},
      {"cost",
       {{"currency", r.currency},
        {"per_day", OptionalMoney(s.cost_per_day)},
        {"per_month", OptionalMoney(s.cost_per_day ? std::optional<double>(*s.cost_per_day * 30)
                                                   : std::nullopt)},
        {"fargate_per_day", Round(r.fargate_cost / days)},
        {"note", s.cost_note}}}};
}

}  // namespace

Json RenderJson(const Migration& m) {
  const ReadinessTotals t = TotalsOf(m);
  const auto files = converters::airflow2::Totals(m.conversion);
  const MigrateOptions& o = m.options;
  Json out;
  out["schema"] = kMigrationSchema;
  out["dagport_version"] = DAGPORT_VERSION;
  out["legacy_dir"] = o.legacy_dir;
  out["settings"] = {
      {"airflow_version", o.airflow_version.ToString()},
      {"containers", converters::containers::TargetName(o.target)},
      {"mwaa_class", o.mwaa_class},
      {"days", o.days},
      {"replays", o.replays},
      {"seed", o.seed},
      {"start",
       m.scenarios.empty() ? std::string() : sched::FormatIso(m.scenarios[0].report.start)}};
  out["totals"] = {{"dags", t.dags},
                   {"ready", t.ready},
                   {"review", t.review},
                   {"blocked", t.blocked},
                   {"tasks", t.tasks},
                   {"container_tasks", t.container_tasks},
                   {"environments", m.conversion.container_plan.environments.size()},
                   {"files",
                    {{"listed", files.files},
                     {"converted", files.converted},
                     {"unchanged", files.unchanged},
                     {"copied", files.copied},
                     {"skipped", files.skipped},
                     {"not_written", files.failed},
                     {"airflow_files", files.airflow_files},
                     {"load_without_edit", files.loads_without_edit}}}};
  Json scenarios = Json::array();
  for (const Scenario& s : m.scenarios) scenarios.push_back(ScenarioJson(s, o.days));
  out["scenarios"] = scenarios;
  out["changes"] = m.changes;
  Json dags = Json::array();
  for (const DagReport& d : m.dags) {
    Json reasons = Json::array();
    for (const ir::Diagnostic& r : d.reasons) reasons.push_back(DiagnosticJson(r));
    dags.push_back(
        {{"dag_id", d.dag_id.empty() ? Json(nullptr) : Json(d.dag_id)},
         {"file", d.file},
         {"line", d.where.line},
         {"readiness", ReadinessName(d.readiness)},
         {"file_status", d.file_status},
         {"parent_dag", d.parent_dag.empty() ? Json(nullptr) : Json(d.parent_dag)},
         {"schedule", d.schedule},
         {"tasks", d.tasks},
         {"edges", d.edges},
         {"operators", d.operators},
         {"container_tasks", d.container_tasks},
         {"environments", d.environments},
         {"conflicts", {{"mwaa", d.conflicts_mwaa}, {"converted", d.conflicts_converted}}},
         {"reasons", reasons}});
  }
  out["dags"] = dags;
  Json shared = Json::array();
  for (const auto& [file, found] : m.shared_files) {
    Json reasons = Json::array();
    for (const ir::Diagnostic& r : found) reasons.push_back(DiagnosticJson(r));
    shared.push_back({{"file", file}, {"reasons", reasons}});
  }
  out["shared_files"] = shared;
  Json project = Json::array();
  for (const ir::Diagnostic& d : m.project_findings) project.push_back(DiagnosticJson(d));
  out["project_findings"] = project;
  Json environments = Json::array();
  for (const auto& [id, e] : m.conversion.container_plan.environments) {
    environments.push_back({{"id", id},
                            {"python_version", e.python_version},
                            {"requirements", e.requirements},
                            {"cpu", e.cpu},
                            {"memory", e.memory},
                            {"tasks", e.tasks}});
  }
  out["environments"] = environments;
  size_t errors = 0, warnings = 0, infos = 0;
  for (const ir::Diagnostic& d : m.diagnostics) {
    errors += d.severity == ir::Severity::kError;
    warnings += d.severity == ir::Severity::kWarning;
    infos += d.severity == ir::Severity::kInfo;
  }
  out["findings"] = {{"errors", errors}, {"warnings", warnings}, {"infos", infos}};
  return out;
}

}  // namespace dagport::migrate
