// Sections shared by the Markdown and HTML reports.
#include "migrate/report_sections.h"

#include <fmt/format.h>

#include "converters/unified_diff.h"
#include "migrate/scenarios.h"
#include "simulator/report_render.h"

namespace dagport::migrate {

std::vector<MetricRow> ScenarioRows(const Migration& m) {
  std::vector<MetricRow> rows;
  auto row = [&](std::string name, auto value) {
    MetricRow r{std::move(name), {}};
    for (const Scenario& s : m.scenarios) r.values.push_back(value(s, s.report));
    rows.push_back(std::move(r));
  };
  using Report = simulator::SimulationReport;
  using simulator::HumanDuration;
  row("Executor", [](const Scenario&, const Report& r) {
    return r.mwaa_class.empty() ? r.executor
                                : fmt::format("{} (MWAA {})", r.executor, r.mwaa_class);
  });
  row("Task instances", [](const Scenario&, const Report& r) {
    return fmt::format("{} in {} runs", r.task_instances, r.scheduled_runs);
  });
  row("Conflicts (pairs of tasks)", [](const Scenario&, const Report& r) {
    if (r.conflict_groups.empty()) return std::string("none");
    return fmt::format("{} (most likely in {:.0f}% of replays)", r.conflict_groups.size(),
                       r.conflict_groups.front().probability * 100);
  });
  row("Span of the horizon's work, p50 / p95", [](const Scenario&, const Report& r) {
    return HumanDuration(r.horizon_makespan_p50_s) + " / " +
           HumanDuration(r.horizon_makespan_p95_s);
  });
  row("Queue wait p50 / p95 / p99 (first replay)", [](const Scenario&, const Report& r) {
    return HumanDuration(r.wait_p50_s) + " / " + HumanDuration(r.wait_p95_s) + " / " +
           HumanDuration(r.wait_p99_s);
  });
  row("Peak Celery workers (first replay)", [](const Scenario&, const Report& r) {
    return r.executor == "celery"
               ? fmt::format("{} ({:.1f} worker-hours)", r.peak_workers, r.worker_hours)
               : std::string("-");
  });
  const int days = std::max(1, m.options.days);
  row("Cost per day (first replay)",
      [](const Scenario& s, const Report& r) { return Money(s.cost_per_day, r.currency); });
  row("Cost per month (30 days)", [](const Scenario& s, const Report& r) {
    return Money(s.cost_per_day ? std::optional<double>(*s.cost_per_day * 30) : std::nullopt,
                 r.currency);
  });
  row("Of which Fargate, per day",
      [&](const Scenario&, const Report& r) { return Money(r.fargate_cost / days, r.currency); });
  row("Cost counts", [](const Scenario& s, const Report&) { return s.cost_note; });
  return rows;
}

std::string DisplayName(const DagReport& d) {
  return d.dag_id.empty() ? d.file + " (no DAG could be read)" : d.dag_id;
}

FileDiff DiffOf(const Migration& m, const std::string& file) {
  FileDiff out;
  if (auto it = m.file_index.find(file); it != m.file_index.end()) {
    const auto& f = m.conversion.files[it->second];
    if (f.status != converters::airflow2::FileStatus::kConverted) return out;
    const std::string diff = converters::UnifiedDiff(f.original, f.converted, file);
    size_t lines = 0, pos = 0;
    while (pos < diff.size() && lines < kMaxDiffLines) {
      const size_t eol = diff.find('\n', pos);
      pos = eol == std::string::npos ? diff.size() : eol + 1;
      ++lines;
    }
    out.text = diff.substr(0, pos);
    for (size_t i = pos; i < diff.size(); ++i) out.omitted += diff[i] == '\n';
    return out;
  }
  return out;
}

std::vector<const DagReport*> DagSections(const Migration& m, size_t* left_out) {
  std::vector<const DagReport*> out;
  for (Readiness r : {Readiness::kBlocked, Readiness::kReview, Readiness::kReady})
    for (const DagReport& d : m.dags)
      if (d.readiness == r) out.push_back(&d);
  *left_out = out.size() > kMaxDagSections ? out.size() - kMaxDagSections : 0;
  if (out.size() > kMaxDagSections) out.resize(kMaxDagSections);
  return out;
}

std::vector<std::pair<std::string, std::string>> ContainerFilesOf(const Migration& m,
                                                                  const std::string& id) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string folder = "containers/env-" + id + "/";
  for (const auto& [path, text] : m.conversion.container_files) {
    if (!path.starts_with(folder) || path.ends_with("dagport-entrypoint")) continue;
    out.emplace_back(path, text);
  }
  return out;
}

}  // namespace dagport::migrate
