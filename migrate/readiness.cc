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
  const bool a_known = a.where.known(), b_known = b.where.known();  // a file-wide one last
  return std::tie(a.file, b_known, a.where.line, a.where.column, a.code) <
         std::tie(b.file, a_known, b.where.line, b.where.column, b.code);
}

bool Within(uint32_t line, const ir::SourceRange& r) {
  return r.known() && line >= r.line && line <= std::max(r.line, r.end_line);
}

/// Whether `d`'s line is in the DAG's own call, one of its tasks' calls or its dependencies.
bool OnLinesOf(const ir::Diagnostic& d, const ir::Dag& dag) {
  if (Within(d.where.line, dag.where)) return true;
  for (const ir::Task& t : dag.tasks)
    if (Within(d.where.line, t.where)) return true;
  for (const ir::Edge& e : dag.edges)
    if (Within(d.where.line, e.where)) return true;
  return false;
}

/// Whether the message names the DAG ("cycle in DAG 'etl': ...").
bool Names(const ir::Diagnostic& d, const ir::Dag& dag) {
  return d.message.find("'" + dag.dag_id + "'") != std::string::npos;
}

/// Whether finding `d` of `file` concerns `dag`. In a file with one DAG, all of its findings
/// do. With several, a finding concerns the DAGs whose lines it is on, else the DAGs its
/// message names, else (an import, a module-level statement) every DAG of the file.
bool Concerns(const ir::Diagnostic& d, const ir::Dag& dag, const ir::DagFile& file) {
  if (file.dags.size() + file.recovered_dags.size() <= 1) return true;
  std::vector<const ir::Dag*> all;
  for (const ir::Dag& other : file.dags) all.push_back(&other);
  for (const ir::Dag& other : file.recovered_dags) all.push_back(&other);
  auto any = [&](auto test) {
    return std::any_of(all.begin(), all.end(), [&](const ir::Dag* o) { return test(d, *o); });
  };
  if (d.where.known() && any(OnLinesOf)) return OnLinesOf(d, dag);
  if (any(Names)) return Names(d, dag);
  return true;
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
  for (size_t i = 0; i < m.conversion.files.size(); ++i) {
    const airflow2::FileResult& f = m.conversion.files[i];
    results[Key(f.input)] = &f;
    m.file_index[RelativeTo(root, f.input)] = i;
  }

  std::set<std::tuple<std::string, std::string, uint32_t, uint32_t, std::string>> seen;
  auto add = [&](const ir::Diagnostic& d) {
    if (seen.emplace(Identity(d)).second) m.diagnostics.push_back(d);
  };
  for (const ir::Diagnostic& d : m.project_findings) add(d);
  for (const ir::Diagnostic& d : m.conversion.diagnostics) add(d);

  // What the converted files still get wrong when analysed as Airflow 2 code (an import that
  // fails because a helper module could not be converted), by file relative to the output.
  std::map<std::string, std::vector<ir::Diagnostic>> converted_errors;
  for (const ir::DagFile& file : m.converted.files) {
    for (const ir::Diagnostic& d : file.diagnostics) {
      if (d.severity == ir::Severity::kError)
        converted_errors[RelativeTo(m.options.output, file.path)].push_back(d);
    }
  }
  // dag_ids defined in more than one file: Airflow 2 loads one of them.
  std::map<std::string, std::set<std::string>> files_of;
  for (const ir::DagFile& file : m.legacy.files)
    for (const ir::Dag& dag : file.dags) files_of[dag.dag_id].insert(Key(file.path));

  // The conflict groups of each scenario by the dag_ids their tasks may belong to (every prefix
  // of "dag_id.task_id" before a dot: dag_ids may hold dots), so that each DAG looks up only
  // its own.
  using GroupIndex = std::map<std::string, std::vector<const simulator::ConflictGroup*>>;
  auto index_groups = [](const std::vector<simulator::ConflictGroup>& groups) {
    GroupIndex index;
    for (const simulator::ConflictGroup& g : groups) {
      std::set<std::string> prefixes;
      for (const std::string* key : {&g.first_task, &g.second_task})
        for (size_t dot = key->find('.'); dot != std::string::npos; dot = key->find('.', dot + 1))
          prefixes.insert(key->substr(0, dot));
      for (const std::string& prefix : prefixes) index[prefix].push_back(&g);
    }
    return index;
  };
  GroupIndex before, after;
  if (m.scenarios.size() == 3) {
    before = index_groups(m.scenarios[1].report.conflict_groups);
    after = index_groups(m.scenarios[2].report.conflict_groups);
  }
  std::map<std::string, std::vector<const converters::containers::ContainerTask*>> containers_of;
  for (const auto& t : m.conversion.container_plan.tasks) containers_of[t.dag_id].push_back(&t);

  std::set<std::string> unreadable;  // DAG files from which no DAG could be read
  for (const ir::DagFile& file : m.legacy.files) {
    auto it = results.find(Key(file.path));
    const airflow2::FileResult* result = it == results.end() ? nullptr : it->second;
    std::vector<ir::Diagnostic> found;
    {
      std::set<std::tuple<std::string, std::string, uint32_t, uint32_t, std::string>> in_file;
      auto take = [&](const ir::Diagnostic& d) {
        if (in_file.emplace(Identity(d)).second) found.push_back(d);
      };
      for (const ir::Diagnostic& d : file.diagnostics) take(d);
      if (result != nullptr)
        for (const ir::Diagnostic& d : result->diagnostics) take(d);
      // The converted file's own errors, when its original had none of that kind.
      auto it2 = converted_errors.find(RelativeTo(root, file.path));
      if (it2 != converted_errors.end()) {
        for (ir::Diagnostic d : it2->second) {
          const bool known = std::any_of(found.begin(), found.end(), [&](const ir::Diagnostic& f) {
            return f.code == d.code && f.where.line == d.where.line;
          });
          if (known) continue;
          d.message = "converted: " + d.message;
          d.file = file.path;
          take(d);
        }
      }
    }
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
      for (const ir::Diagnostic& d : found) {
        if (!Concerns(d, dag, file)) continue;
        ir::Diagnostic reason = d;
        reason.file = RelativeTo(root, reason.file);
        r.reasons.push_back(std::move(reason));
      }
      if (auto dup = files_of.find(dag.dag_id);
          !recovered && dup != files_of.end() && dup->second.size() > 1) {
        std::vector<std::string> others;
        for (const std::string& f : dup->second)
          if (f != Key(file.path)) others.push_back(RelativeTo(root, f));
        r.reasons.push_back(ir::MakeDiagnostic(
            "DP128", r.file, dag.where,
            fmt::format("dag_id '{}' is also defined in {}: Airflow 2 loads only one of them",
                        dag.dag_id, fmt::join(others, ", ")),
            "Give each DAG its own id."));
        add(r.reasons.back());
      }
      std::set<std::string> environments;
      if (auto c = containers_of.find(dag.dag_id); c != containers_of.end()) {
        for (const auto* t : c->second) {
          r.container_tasks.push_back(t->task_id);
          if (!t->environment.empty()) environments.insert(t->environment);
        }
      }
      r.environments.assign(environments.begin(), environments.end());
      auto involves = [&](const simulator::ConflictGroup& g) {
        return OfDag(g.first_task, dag) || OfDag(g.second_task, dag);
      };
      static const std::vector<const simulator::ConflictGroup*> kNone;
      auto groups_of = [&](const GroupIndex& index) -> const auto& {
        auto found_groups = index.find(dag.dag_id);
        return found_groups == index.end() ? kNone : found_groups->second;
      };
      for (const simulator::ConflictGroup* g : groups_of(before)) r.conflicts_mwaa += involves(*g);
      {
        for (const simulator::ConflictGroup* group : groups_of(after)) {
          const simulator::ConflictGroup& g = *group;
          if (!involves(g)) continue;
          ++r.conflicts_converted;
          const ir::Task* task =
              dag.FindTask(std::string_view(OfDag(g.first_task, dag) ? g.first_task : g.second_task)
                               .substr(dag.dag_id.size() + 1));
          ir::Diagnostic reason = ir::MakeDiagnostic(
              "DP310", r.file, task ? task->where : dag.where,
              fmt::format("converted, {} and {} still share {} ({:.0f}% of replays)", g.first_task,
                          g.second_task, g.pattern, g.probability * 100),
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
    // A file that looks like a DAG file (DagBag's test) from which no DAG could be read, with an
    // error: Airflow loads nothing from it either. It is listed with the DAGs, blocked.
    const bool failed = result != nullptr && (result->status == airflow2::FileStatus::kSkipped ||
                                              result->status == airflow2::FileStatus::kFailed);
    const bool has_error = std::any_of(found.begin(), found.end(), [](const ir::Diagnostic& d) {
      return d.severity == ir::Severity::kError;
    });
    if (file.dags.empty() && file.recovered_dags.empty() && (failed || has_error)) {
      DagReport r;
      r.file = RelativeTo(root, file.path);
      r.readiness = Readiness::kBlocked;
      r.file_status = result ? std::string(airflow2::StatusName(result->status)) : "not converted";
      for (ir::Diagnostic d : found) {
        d.file = RelativeTo(root, d.file);
        r.reasons.push_back(std::move(d));
      }
      std::sort(r.reasons.begin(), r.reasons.end(), ReasonOrder);
      unreadable.insert(Key(file.path));
      m.dags.push_back(std::move(r));
    }
  }

  // A sub-DAG runs inside its parent's SubDagOperator: it is no readier than its parent.
  std::map<std::string, Readiness> state_of;
  for (const DagReport& r : m.dags)
    if (!r.dag_id.empty()) state_of.emplace(r.dag_id, r.readiness);
  for (DagReport& r : m.dags) {
    auto parent = state_of.find(r.parent_dag);
    if (r.parent_dag.empty() || parent == state_of.end() || parent->second <= r.readiness) continue;
    ir::Diagnostic note = ir::MakeDiagnostic(
        "DP204", r.file, r.where,
        fmt::format("runs inside {}'s SubDagOperator, which {}: they migrate together",
                    r.parent_dag,
                    parent->second == Readiness::kBlocked ? "is blocked" : "needs review"),
        "Fix the parent DAG's findings; rewriting the sub-DAG as a TaskGroup of the parent "
        "removes it.");
    note.severity =
        parent->second == Readiness::kBlocked ? ir::Severity::kError : ir::Severity::kWarning;
    r.reasons.insert(r.reasons.begin(), std::move(note));
    r.readiness = parent->second;
  }

  // Files without DAGs (helper modules, plugins) whose conversion found something.
  std::set<std::string> dag_files = unreadable;
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
