// The migration report as Markdown (for a pull request or a wiki page).
#include <fmt/format.h>

#include <map>
#include <set>

#include "converters/unified_diff.h"
#include "migrate/report.h"
#include "migrate/report_sections.h"
#include "migrate/scenarios.h"
#include "simulator/report_render.h"

namespace dagport::migrate {

namespace {

/// Table cells cannot hold '|' or line breaks.
std::string Cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Reason(const ir::Diagnostic& d) {
  std::string place = d.file;
  if (d.where.known()) place += fmt::format(":{}:{}", d.where.line, d.where.column);
  return fmt::format("- **{} {}** `{}` {}{}\n", ir::SeverityName(d.severity), d.code, place,
                     d.message, d.hint.empty() ? "" : " — " + d.hint);
}

}  // namespace

std::string RenderMarkdown(const Migration& m) {
  const ReadinessTotals t = TotalsOf(m);
  const MigrateOptions& o = m.options;
  std::string out = fmt::format("# Migration report: `{}`\n\n", o.legacy_dir);
  out += fmt::format(
      "dagport {} · Airflow {} · container tasks on {} · MWAA {} · {} day{} × {} replay{}\n\n",
      DAGPORT_VERSION, o.airflow_version.ToString(),
      converters::containers::TargetName(o.target), o.mwaa_class, o.days, o.days == 1 ? "" : "s",
      o.replays, o.replays == 1 ? "" : "s");
  out += fmt::format(
      "**{} DAGs** ({} tasks): **{} ready**, **{} to review**, **{} blocked**. {} tasks became "
      "container tasks in {} environments.\n\n",
      t.dags, t.tasks, t.ready, t.review, t.blocked, t.container_tasks,
      m.conversion.container_plan.environments.size());

  out += "## Scenarios\n\n";
  const std::vector<MetricRow> rows = ScenarioRows(m);
  out += "| |";
  for (const Scenario& s : m.scenarios) out += " " + Cell(s.title) + " |";
  out += "\n|---|";
  for (size_t i = 0; i < m.scenarios.size(); ++i) out += "---|";
  out += "\n";
  for (const MetricRow& row : rows) {
    out += "| " + Cell(row.name) + " |";
    for (const std::string& v : row.values) out += " " + Cell(v) + " |";
    out += "\n";
  }
  out += "\n### What changed and why\n\n";
  for (const std::string& c : m.changes) out += "- " + c + "\n";
  for (const Scenario& s : m.scenarios) {
    if (s.report.conflict_groups.empty()) continue;
    out += fmt::format("\n### Conflicts: {}\n\n| tasks | path | replays | fix |\n|---|---|---|---|\n",
                       s.title);
    for (const simulator::ConflictGroup& g : s.report.conflict_groups) {
      out += fmt::format("| {} and {} | `{}` | {:.0f}% | {} |\n", Cell(g.first_task),
                         Cell(g.second_task), Cell(g.pattern), g.probability * 100, Cell(g.fix));
    }
  }

  out += "\n## Readiness\n\n| DAG | file | readiness | tasks | container tasks | reasons |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const DagReport& d : m.dags) {
    out += fmt::format("| `{}` | `{}:{}` | {} | {} | {} | {} |\n", Cell(d.dag_id), Cell(d.file),
                       d.where.line, ReadinessName(d.readiness), d.tasks,
                       d.container_tasks.size(), d.reasons.size());
  }

  out += "\n## DAGs\n";
  std::set<std::string> diffed;
  for (const DagReport& d : m.dags) {
    out += fmt::format("\n### `{}` — {}\n\n", d.dag_id, ReadinessName(d.readiness));
    out += fmt::format("`{}:{}` ({}), schedule `{}`, {} tasks, {} dependencies; operators: {}\n\n",
                       d.file, d.where.line, d.file_status, d.schedule, d.tasks, d.edges,
                       fmt::join(d.operators, ", "));
    for (const ir::Diagnostic& r : d.reasons) out += Reason(r);
    if (!d.container_tasks.empty()) {
      out += fmt::format("\nContainer tasks: {} (environments {})\n",
                         fmt::join(d.container_tasks, ", "), fmt::join(d.environments, ", "));
    }
    if (diffed.insert(d.file).second) {
      const FileDiff diff = DiffOf(m, d.file);
      if (!diff.text.empty()) {
        out += "\n<details><summary>Diff of " + d.file + "</summary>\n\n```diff\n" + diff.text;
        if (diff.omitted > 0) out += fmt::format("... {} more lines\n", diff.omitted);
        out += "```\n\n</details>\n";
      }
    }
  }
  if (!m.shared_files.empty()) {
    out += "\n## Shared files\n";
    for (const auto& [file, reasons] : m.shared_files) {
      out += fmt::format("\n### `{}`\n\n", file);
      for (const ir::Diagnostic& r : reasons) out += Reason(r);
    }
  }
  if (!m.conversion.container_plan.environments.empty()) {
    out += "\n## Container environments\n\n| id | Python | requirements | CPU | memory | tasks |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& [id, e] : m.conversion.container_plan.environments) {
      out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", id, e.python_version,
                         Cell(fmt::format("{}", fmt::join(e.requirements, ", "))), e.cpu, e.memory,
                         Cell(fmt::format("{}", fmt::join(e.tasks, ", "))));
    }
  }
  return out;
}

}  // namespace dagport::migrate
