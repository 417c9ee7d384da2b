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

/// Text in Markdown: '<', '>' and '&' as entities (CommonMark passes HTML through), and '|'
/// escaped and line breaks as spaces (for table cells).
std::string Text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '\n': out += ' '; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default: out += c;
    }
  }
  return out;
}

/// The longest run of backticks in `s`: code spans and fences must be longer.
size_t LongestBacktickRun(std::string_view s) {
  size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

/// Inline code: backticks longer than any run inside it.
std::string Code(std::string_view s) {
  const size_t longest = LongestBacktickRun(s);
  std::string text;
  for (char c : s) text += c == '\n' ? ' ' : c;
  const std::string ticks(longest + 1, '`');
  const char* pad = longest > 0 ? " " : "";
  return ticks + pad + text + pad + ticks;
}

/// Inline code in a table cell: '|' escaped (GitHub reads `\|` inside code in tables).
std::string CellCode(std::string_view s) {
  std::string out;
  for (char c : Code(s)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

/// A fenced block longer than any run of backticks in `text`.
std::string Fence(std::string_view text) {
  return std::string(std::max<size_t>(3, LongestBacktickRun(text) + 1), '`');
}

std::string Reason(const ir::Diagnostic& d) {
  std::string place = d.file;
  if (d.where.known()) place += fmt::format(":{}:{}", d.where.line, d.where.column);
  return fmt::format("- **{} {}** {} {}{}\n", ir::SeverityName(d.severity), d.code,
                     place.empty() ? "" : Code(place), Text(d.message),
                     d.hint.empty() ? "" : " — " + Text(d.hint));
}

}  // namespace

std::string RenderMarkdown(const Migration& m) {
  const ReadinessTotals t = TotalsOf(m);
  const MigrateOptions& o = m.options;
  std::string out = "# Migration report: " + Code(o.legacy_dir) + "\n\n";
  out += fmt::format(
      "dagport {} · Airflow {} · container tasks on {} · MWAA {} · {} day{} × {} replay{}\n\n",
      DAGPORT_VERSION, o.airflow_version.ToString(), converters::containers::TargetName(o.target),
      Text(o.mwaa_class), o.days, o.days == 1 ? "" : "s", o.replays, o.replays == 1 ? "" : "s");
  out += fmt::format(
      "**{} DAGs** ({} tasks): **{} ready**, **{} to review**, **{} blocked**. {} tasks became "
      "container tasks in {} environments.\n\n",
      t.dags, t.tasks, t.ready, t.review, t.blocked, t.container_tasks,
      m.conversion.container_plan.environments.size());

  out += "## Scenarios\n\n";
  const std::vector<MetricRow> rows = ScenarioRows(m);
  out += "| |";
  for (const Scenario& s : m.scenarios) out += " " + Text(s.title) + " |";
  out += "\n|---|";
  for (size_t i = 0; i < m.scenarios.size(); ++i) out += "---|";
  out += "\n";
  for (const MetricRow& row : rows) {
    out += "| " + Text(row.name) + " |";
    for (const std::string& v : row.values) out += " " + Text(v) + " |";
    out += "\n";
  }
  out += "\n### What changed and why\n\n";
  for (const std::string& c : m.changes) out += "- " + Text(c) + "\n";
  for (const Scenario& s : m.scenarios) {
    if (s.report.conflict_groups.empty()) continue;
    out += "\n### Conflicts: " + Text(s.title) +
           "\n\n| tasks | path | replays | fix |\n|---|---|---|---|\n";
    for (const simulator::ConflictGroup& g : s.report.conflict_groups) {
      out +=
          fmt::format("| {} and {} | {} | {:.0f}% | {} |\n", Text(g.first_task),
                      Text(g.second_task), CellCode(g.pattern), g.probability * 100, Text(g.fix));
    }
  }

  out += "\n## Readiness\n\n| DAG | file | readiness | tasks | container tasks | reasons |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const DagReport& d : m.dags) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", CellCode(DisplayName(d)),
                       CellCode(fmt::format("{}:{}", d.file, d.where.line)),
                       ReadinessName(d.readiness), d.tasks, d.container_tasks.size(),
                       d.reasons.size());
  }

  out += "\n## DAGs\n";
  std::set<std::string> diffed;
  size_t left_out = 0;
  for (const DagReport* section : DagSections(m, &left_out)) {
    const DagReport& d = *section;
    out +=
        "\n### " + Code(DisplayName(d)) + " — " + std::string(ReadinessName(d.readiness)) + "\n\n";
    if (!d.dag_id.empty()) {
      out += fmt::format("{} ({}), schedule {}, {} tasks, {} dependencies; operators: {}\n\n",
                         Code(fmt::format("{}:{}", d.file, d.where.line)), d.file_status,
                         Code(d.schedule), d.tasks, d.edges,
                         Text(fmt::format("{}", fmt::join(d.operators, ", "))));
    }
    for (const ir::Diagnostic& r : d.reasons) out += Reason(r);
    if (!d.container_tasks.empty()) {
      out += "\nContainer tasks: " + Text(fmt::format("{}", fmt::join(d.container_tasks, ", "))) +
             " (environments " + Text(fmt::format("{}", fmt::join(d.environments, ", "))) + ")\n";
    }
    if (diffed.insert(d.file).second) {
      const FileDiff diff = DiffOf(m, d.file);
      if (!diff.text.empty()) {
        const std::string fence = Fence(diff.text);
        out += "\n<details><summary>Diff of " + Text(d.file) + "</summary>\n\n" + fence + "diff\n" +
               diff.text;
        if (diff.omitted > 0) out += fmt::format("... {} more lines\n", diff.omitted);
        out += fence + "\n\n</details>\n";
      }
    }
  }
  if (left_out > 0) {
    out += fmt::format(
        "\n{} more DAGs (ready ones last) have no section here: see the readiness table and "
        "report.json.\n",
        left_out);
  }
  if (!m.shared_files.empty()) {
    out += "\n## Files without DAGs\n";
    for (const auto& [file, reasons] : m.shared_files) {
      out += "\n### " + Code(file) + "\n\n";
      for (const ir::Diagnostic& r : reasons) out += Reason(r);
    }
  }
  if (!m.project_findings.empty()) {
    out += "\n## Project findings\n\n";
    for (const ir::Diagnostic& r : m.project_findings) out += Reason(r);
  }
  if (!m.conversion.container_plan.environments.empty()) {
    out += "\n## Container environments\n\n| id | Python | requirements | CPU | memory | tasks |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& [id, e] : m.conversion.container_plan.environments) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", CellCode(id), Text(e.python_version),
                         Text(fmt::format("{}", fmt::join(e.requirements, ", "))), e.cpu, e.memory,
                         Text(fmt::format("{}", fmt::join(e.tasks, ", "))));
    }
  }
  return out;
}

}  // namespace dagport::migrate
