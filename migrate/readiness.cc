// Readiness of each DAG, with its reasons.
#include "migrate/readiness.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

namespace dagport::migrate {

namespace fs = std::filesystem;
namespace airflow2 = converters::airflow2;

namespace {

std::string Key(const std::string& path) {
  return fs::path(path).lexically_normal().generic_string();
}

auto Identity(const ir::Diagnostic& d) {
  return std::tie(d.code, d.file, d.where.line, d.where.column, d.message);
}

/// Errors first, then warnings, then notes; by place within each.
bool ReasonOrder(const ir::Diagnostic& a, const ir::Diagnostic& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  return std::tie(a.file, a.where.line, a.where.column, a.code) <
         std::tie(b.file, b.where.line, b.where.column, b.code);
}

bool Within(uint32_t line, const ir::SourceRange& r) {
  return r.known() && line >= r.line && line <= std::max(r.line, r.end_line);
}

/// Whether `d` (of the DAG's file) is about `dag`: its line is in one of the DAG's tasks or in
/// the DAG's own call. A finding about none of the file's DAGs is about all of them.
bool About(const ir::Diagnostic& d, const ir::Dag& dag) {
  if (Within(d.where.line, dag.where)) return true;
  for (const ir::Task& t : dag.tasks)
    if (Within(d.where.line, t.where)) return true;
  return false;
}

/// Whether "dag_id.task_id" names a task of `dag`.
bool OfDag(const std::string& task_key, const ir::Dag& dag) {
  if (!task_key.starts_with(dag.dag_id + ".")) return false;
  return dag.FindTask(std::string_view(task_key).substr(dag.dag_id.size() + 1)) != nullptr;
}

std::string ScheduleText(const ir::Dag& dag) {
  if (dag.schedule_is_default()) return "@daily (the 1.x default)";
  return dag.Setting("schedule").ToPython();
}

}  // namespace

void JudgeDags(Migration& m) {
  const std::string& root = m.options.legacy_dir;
  std::map<std::string, const airflow2::FileResult*> results;
  for (const airflow2::FileResult& f : m.conversion.files) results[Key(f.input)] = &f;

  std::set<std::tuple<std::string, std::string, uint32_t, uint32_t, std::string>> seen;
  auto add = [&](const ir::Diagnostic& d) {
    if (seen.emplace(Identity(d)).second) m.diagnostics.push_back(d);
  };
  // The simulation's findings come first in m.diagnostics; the same finding (a pool without a
  // size) from the legacy and the converted DAGs is kept once.
  std::set<std::pair<std::string, std::string>> said;
  std::vector<ir::Diagnostic> simulation = std::move(m.diagnostics);
  m.diagnostics.clear();
  for (const ir::Diagnostic& d : simulation)
    if (said.emplace(d.code, d.message).second) add(d);
  for (const ir::Diagnostic& d : m.conversion.diagnostics) add(d);

  const std::vector<simulator::ConflictGroup>* before = nullptr;
  const std::vector<simulator::ConflictGroup>* after = nullptr;
  if (m.scenarios.size() == 3) {
    before = &m.scenarios[1].report.conflict_groups;
    after = &m.scenarios[2].report.conflict_groups;
  }

  for (const ir::DagFile& file : m.legacy.files) {
    auto it = results.find(Key(file.path));
    const airflow2::FileResult* result = it == results.end() ? nullptr : it->second;
    std::vector<ir::Diagnostic> found = file.diagnostics;
    if (result != nullptr)
      found.insert(found.end(), result->diagnostics.begin(), result->diagnostics.end());
    for (const ir::Diagnostic& d : found) add(d);

    auto judge = [&](const ir::Dag& dag, bool recovered) {
      DagReport r;
      r.dag_id = dag.dag_id;
      r.file = RelativeTo(root, file.path);
      r.where = dag.where;
      r.parent_dag = dag.parent_dag;
      r.legacy = &dag;
      r.file_status = result ? std::string(airflow2::StatusName(result->status)) : "not converted";
      r.schedule = ScheduleText(dag);
      r.tasks = dag.tasks.size();
      r.edges = dag.edges.size();
      std::set<std::string> operators;
      for (const ir::Task& t : dag.tasks)
        operators.insert(t.operator_class.substr(t.operator_class.rfind('.') + 1));
      r.operators.assign(operators.begin(), operators.end());
      const size_t dags_in_file = file.dags.size() + file.recovered_dags.size();
      for (const ir::Diagnostic& d : found) {
        const bool about_another =
            dags_in_file > 1 && d.where.known() && !About(d, dag) &&
            std::any_of(file.dags.begin(), file.dags.end(),
                        [&](const ir::Dag& other) { return &other != &dag && About(d, other); });
        if (about_another) continue;
        ir::Diagnostic reason = d;
        reason.file = RelativeTo(root, reason.file);
        r.reasons.push_back(std::move(reason));
      }
      std::set<std::string> environments;
      for (const auto& t : m.conversion.container_plan.tasks) {
        if (t.dag_id != dag.dag_id) continue;
        r.container_tasks.push_back(t.task_id);
        if (!t.environment.empty()) environments.insert(t.environment);
      }
      r.environments.assign(environments.begin(), environments.end());
      auto involves = [&](const simulator::ConflictGroup& g) {
        return OfDag(g.first_task, dag) || OfDag(g.second_task, dag);
      };
      if (before) r.conflicts_mwaa = std::count_if(before->begin(), before->end(), involves);
      if (after) {
        for (const simulator::ConflictGroup& g : *after) {
          if (!involves(g)) continue;
          ++r.conflicts_converted;
          const ir::Task* task = dag.FindTask(
              std::string_view(OfDag(g.first_task, dag) ? g.first_task : g.second_task)
                  .substr(dag.dag_id.size() + 1));
          ir::Diagnostic reason = ir::MakeDiagnostic(
              "DP310", r.file, task ? task->where : dag.where,
              fmt::format("converted, {} and {} still share {} ({:.0f}% of replays)",
                          g.first_task, g.second_task, g.pattern, g.probability * 100),
              g.fix);
          reason.severity = ir::Severity::kWarning;
          r.reasons.push_back(std::move(reason));
        }
      }
      std::sort(r.reasons.begin(), r.reasons.end(), ReasonOrder);
      const bool unwritten = result == nullptr ||
                             result->status == airflow2::FileStatus::kSkipped ||
                             result->status == airflow2::FileStatus::kFailed;
      auto has = [&](ir::Severity s) {
        return std::any_of(r.reasons.begin(), r.reasons.end(),
                           [&](const ir::Diagnostic& d) { return d.severity == s; });
      };
      r.readiness = recovered || unwritten || has(ir::Severity::kError) ? Readiness::kBlocked
                    : has(ir::Severity::kWarning)                       ? Readiness::kReview
                                                                        : Readiness::kReady;
      m.dags.push_back(std::move(r));
    };
    for (const ir::Dag& dag : file.dags) judge(dag, false);
    for (const ir::Dag& dag : file.recovered_dags) judge(dag, true);
  }

  // Files without DAGs (helper modules, plugins) whose conversion found something.
  std::set<std::string> dag_files;
  for (const ir::DagFile& file : m.legacy.files)
    if (!file.dags.empty() || !file.recovered_dags.empty()) dag_files.insert(Key(file.path));
  for (const airflow2::FileResult& f : m.conversion.files) {
    if (!f.python || dag_files.count(Key(f.input))) continue;
    for (const ir::Diagnostic& d : f.diagnostics) add(d);
    if (f.diagnostics.empty()) continue;
    std::vector<ir::Diagnostic> reasons = f.diagnostics;
    for (ir::Diagnostic& d : reasons) d.file = RelativeTo(root, d.file);
    std::sort(reasons.begin(), reasons.end(), ReasonOrder);
    m.shared_files.emplace_back(RelativeTo(root, f.input), std::move(reasons));
  }
}

}  // namespace dagport::migrate
