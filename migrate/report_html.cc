// The migration report as one self-contained HTML file: inline CSS and SVG, no script, no
// network. Readable on a laptop screen, printable (sections do not split their tables).
#include <fmt/format.h>

#include <map>
#include <set>

#include "ir/graph_svg.h"
#include "ir/xml_escape.h"
#include "migrate/report.h"
#include "migrate/report_sections.h"
#include "migrate/scenarios.h"

namespace dagport::migrate {

namespace {

using ir::EscapeXml;

constexpr const char* kStyle = R"(
:root{--ink:#1d232a;--muted:#5f6b76;--line:#e3e6ea;--soft:#f5f7f9;--ok:#067647;--warn:#b54708;
--bad:#b42318;--accent:#2563eb}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0;
background:#fff}
header{padding:24px 32px 16px;border-bottom:1px solid var(--line);background:var(--soft)}
main{padding:8px 32px 48px;max-width:1280px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px;padding-top:8px;
border-top:1px solid var(--line)}h3{font-size:15px;margin:22px 0 6px}
nav a{margin-right:14px;color:var(--accent);text-decoration:none}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 4px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px;background:#fff}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;margin:6px 0 10px;width:100%}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
.badge{display:inline-block;border-radius:10px;padding:0 9px;font-size:12px;font-weight:600;
color:#fff}
.ready{background:var(--ok)}.review{background:var(--warn)}.blocked{background:var(--bad)}
.sev-error{color:var(--bad);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}
.sev-info{color:var(--muted)}
ul.reasons{padding-left:18px;margin:6px 0}ul.reasons li{margin:3px 0}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--soft);padding:1px 4px;border-radius:3px}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;
overflow-x:auto;white-space:pre}
pre .add{color:#05603a;background:#ecfdf3;display:inline-block;min-width:100%}
pre .del{color:#912018;background:#fef3f2;display:inline-block;min-width:100%}
pre .hunk{color:var(--accent)}
.graph{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fff}
.graph .dagport-dag .node.conflict rect{stroke:#b42318;stroke-width:2.5}
.dag{break-inside:avoid-page}
.legend span{margin-right:14px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-1px;
margin-right:4px;border:1px solid #999}
details summary{cursor:pointer;color:var(--accent)}
@media print{header{background:none}nav{display:none}main{max-width:none}
pre{white-space:pre-wrap}.graph{overflow:visible}}
)";

std::string Badge(Readiness r) {
  const std::string_view name = ReadinessName(r);
  return fmt::format("<span class=\"badge {0}\">{0}</span>", name);
}

/// An id usable as a fragment for a DAG's section (a file's, for a file without a DAG).
std::string Anchor(const DagReport& d) {
  std::string out = d.dag_id.empty() ? "file-" : "dag-";
  for (char c : d.dag_id.empty() ? d.file : d.dag_id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += plain || c == '-' || c == '_' ? std::string(1, c) : fmt::format(".{:02x}", c & 0xff);
  }
  return out;
}

std::string Reasons(const std::vector<ir::Diagnostic>& reasons) {
  if (reasons.empty()) return "<p class=\"muted\">Nothing to do by hand.</p>";
  std::string out = "<ul class=\"reasons\">";
  for (const ir::Diagnostic& d : reasons) {
    std::string place = d.file;
    if (d.where.known()) place += fmt::format(":{}:{}", d.where.line, d.where.column);
    out += fmt::format(
        "<li><span class=\"sev-{0}\">{0}</span> <code>{1}</code> <code>{2}</code> {3}{4}</li>",
        ir::SeverityName(d.severity), EscapeXml(d.code), EscapeXml(place), EscapeXml(d.message),
        d.hint.empty() ? "" : "<br><span class=\"muted\">" + EscapeXml(d.hint) + "</span>");
  }
  return out + "</ul>";
}

std::string DiffBlock(const FileDiff& diff) {
  std::string out = "<pre class=\"diff\">";
  size_t pos = 0;
  while (pos < diff.text.size()) {
    size_t eol = diff.text.find('\n', pos);
    if (eol == std::string::npos) eol = diff.text.size();
    const std::string_view line(diff.text.data() + pos, eol - pos);
    const char* cls = line.starts_with("+++") || line.starts_with("---") ? "hunk"
                      : line.starts_with('+')                            ? "add"
                      : line.starts_with('-')                            ? "del"
                      : line.starts_with("@@")                           ? "hunk"
                                                                         : nullptr;
    out += cls ? fmt::format("<span class=\"{}\">{}</span>\n", cls, EscapeXml(line))
               : EscapeXml(line) + "\n";
    pos = eol + 1;
  }
  if (diff.omitted > 0)
    out += fmt::format("<span class=\"muted\">... {} more lines (dagport convert --diff)</span>\n",
                       diff.omitted);
  return out + "</pre>";
}

void Header(const Migration& m, std::string& out) {
  const MigrateOptions& o = m.options;
  const ReadinessTotals t = TotalsOf(m);
  out += "<header><h1>Migration report: " + EscapeXml(o.legacy_dir) + "</h1>";
  out += fmt::format(
      "<div class=\"muted\">dagport {} · Airflow {} · container tasks on {} · MWAA {} · {} day{} "
      "× {} replay{} (seed {})</div>",
      DAGPORT_VERSION, EscapeXml(o.airflow_version.ToString()),
      converters::containers::TargetName(o.target), EscapeXml(o.mwaa_class), o.days,
      o.days == 1 ? "" : "s", o.replays, o.replays == 1 ? "" : "s", o.seed);
  out += "<div class=\"cards\">";
  auto card = [&](const std::string& value, const std::string& label) {
    out += "<div class=\"card\"><b>" + value + "</b>" + label + "</div>";
  };
  card(fmt::format("{}", t.dags), fmt::format("DAGs, {} tasks", t.tasks));
  card(fmt::format("<span style=\"color:var(--ok)\">{}</span>", t.ready), "ready");
  card(fmt::format("<span style=\"color:var(--warn)\">{}</span>", t.review), "to review");
  card(fmt::format("<span style=\"color:var(--bad)\">{}</span>", t.blocked), "blocked");
  card(fmt::format("{}", t.container_tasks),
       fmt::format("container tasks, {} images", m.conversion.container_plan.environments.size()));
  if (m.scenarios.size() == 3) {
    card(fmt::format("{} → {}", m.scenarios[1].report.conflict_groups.size(),
                     m.scenarios[2].report.conflict_groups.size()),
         "conflicts on MWAA → converted");
    const std::string& currency = m.scenarios[2].report.currency;
    card(EscapeXml(Money(m.scenarios[2].cost_per_day, currency)), "per day converted on MWAA");
  }
  out +=
      "</div><nav><a href=\"#scenarios\">Scenarios</a><a href=\"#readiness\">Readiness</a>"
      "<a href=\"#dags\">DAGs</a><a href=\"#containers\">Containers</a>";
  if (!m.shared_files.empty()) out += "<a href=\"#shared\">Files without DAGs</a>";
  if (!m.project_findings.empty()) out += "<a href=\"#findings\">Project findings</a>";
  out += "</nav></header>";
}

void ScenariosSection(const Migration& m, std::string& out) {
  out += "<section id=\"scenarios\"><h2>Scenarios</h2><table><tr><th></th>";
  for (const Scenario& s : m.scenarios)
    out += "<th>" + EscapeXml(s.title) + "<div class=\"muted\" style=\"font-weight:400\">" +
           EscapeXml(s.description) + "</div></th>";
  out += "</tr>";
  for (const MetricRow& row : ScenarioRows(m)) {
    out += "<tr><th>" + EscapeXml(row.name) + "</th>";
    for (const std::string& v : row.values) out += "<td>" + EscapeXml(v) + "</td>";
    out += "</tr>";
  }
  out += "</table><h3>What changed and why</h3><ul>";
  for (const std::string& c : m.changes) out += "<li>" + EscapeXml(c) + "</li>";
  out += "</ul>";
  for (const Scenario& s : m.scenarios) {
    if (s.report.conflict_groups.empty()) continue;
    out += "<h3>Conflicts: " + EscapeXml(s.title) +
           "</h3><table><tr><th>tasks</th><th>path</th><th>replays</th><th>fix</th></tr>";
    for (const simulator::ConflictGroup& g : s.report.conflict_groups) {
      out += fmt::format(
          "<tr><td>{} and {}</td><td><code>{}</code></td><td>{:.0f}%</td><td>{}"
          "</td></tr>",
          EscapeXml(g.first_task), EscapeXml(g.second_task), EscapeXml(g.pattern),
          g.probability * 100, EscapeXml(g.fix));
    }
    out += "</table>";
  }
  out += "</section>";
}

void ReadinessSection(const Migration& m, std::string& out) {
  out +=
      "<section id=\"readiness\"><h2>Readiness</h2><table><tr><th>DAG</th><th>file</th>"
      "<th>readiness</th><th>tasks</th><th>container tasks</th><th>conflicts on MWAA → "
      "converted</th><th>reasons</th></tr>";
  for (const DagReport& d : m.dags) {
    out += fmt::format(
        "<tr><td><a href=\"#{}\">{}</a></td><td><code>{}:{}</code></td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{} → {}</td><td>{}</td></tr>",
        Anchor(d), EscapeXml(DisplayName(d)), EscapeXml(d.file), d.where.line, Badge(d.readiness),
        d.tasks, d.container_tasks.size(), d.conflicts_mwaa, d.conflicts_converted,
        d.reasons.size());
  }
  out += "</table></section>";
}

void DagsSection(const Migration& m, std::string& out) {
  // Tasks in a conflict lifted and shifted onto MWAA, drawn with a red border.
  std::set<std::string> in_conflict;
  if (m.scenarios.size() == 3) {
    for (const simulator::ConflictGroup& g : m.scenarios[1].report.conflict_groups) {
      in_conflict.insert(g.first_task);
      in_conflict.insert(g.second_task);
    }
  }
  out +=
      "<section id=\"dags\"><h2>DAGs</h2><p class=\"legend muted\"><span><i class=\"swatch\" "
      "style=\"background:#ddf4ff;border-color:#0969da\"></i>container task</span><span><i "
      "class=\"swatch\" "
      "style=\"border:2px solid #b42318\"></i>in a conflict on MWAA before conversion</span>"
      "</p>";
  std::set<std::string> diffed;
  size_t left_out = 0;
  for (const DagReport* section : DagSections(m, &left_out)) {
    const DagReport& d = *section;
    out += fmt::format("<article class=\"dag\" id=\"{}\"><h3>{} {}</h3>", Anchor(d),
                       EscapeXml(DisplayName(d)), Badge(d.readiness));
    if (!d.dag_id.empty()) {
      out += fmt::format(
          "<p class=\"muted\"><code>{}:{}</code> ({}) · schedule <code>{}</code> · {} tasks, {} "
          "dependencies · {}</p>",
          EscapeXml(d.file), d.where.line, EscapeXml(d.file_status), EscapeXml(d.schedule), d.tasks,
          d.edges, EscapeXml(fmt::format("{}", fmt::join(d.operators, ", "))));
    }
    out += Reasons(d.reasons);
    if (d.legacy != nullptr) {
      ir::SvgOptions svg;
      for (const std::string& t : d.container_tasks) svg.task_classes[t] = "container";
      for (const ir::Task& t : d.legacy->tasks) {
        if (!in_conflict.count(d.dag_id + "." + t.task_id)) continue;
        std::string& cls = svg.task_classes[t.task_id];
        cls += cls.empty() ? "conflict" : " conflict";
      }
      out += "<div class=\"graph\">" + ir::DagToSvg(*d.legacy, svg) + "</div>";
    }
    if (!d.container_tasks.empty()) {
      out += fmt::format("<p>Container tasks: {} (environment{} {})</p>",
                         EscapeXml(fmt::format("{}", fmt::join(d.container_tasks, ", "))),
                         d.environments.size() == 1 ? "" : "s",
                         EscapeXml(fmt::format("{}", fmt::join(d.environments, ", "))));
    }
    if (diffed.insert(d.file).second) {
      const FileDiff diff = DiffOf(m, d.file);
      if (!diff.text.empty())
        out += "<details><summary>Diff of " + EscapeXml(d.file) + "</summary>" + DiffBlock(diff) +
               "</details>";
    }
    out += "</article>";
  }
  if (left_out > 0) {
    out += fmt::format(
        "<p class=\"muted\">{} more DAGs (ready ones last) have no section here, to keep this "
        "page light: each is in the readiness table above, and in report.json and report.md.</p>",
        left_out);
  }
  out += "</section>";
}

void ContainersSection(const Migration& m, std::string& out) {
  out += "<section id=\"containers\"><h2>Container environments</h2>";
  const auto& environments = m.conversion.container_plan.environments;
  if (environments.empty()) {
    out += "<p class=\"muted\">No task became a container task.</p></section>";
    return;
  }
  out +=
      "<table><tr><th>id</th><th>Python</th><th>requirements</th><th>CPU / memory</th>"
      "<th>tasks</th></tr>";
  for (const auto& [id, e] : environments) {
    out += fmt::format(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{} / {} MiB</td><td>{}</td></tr>",
        EscapeXml(id), EscapeXml(e.python_version),
        EscapeXml(fmt::format("{}", fmt::join(e.requirements, ", "))), e.cpu, e.memory,
        EscapeXml(fmt::format("{}", fmt::join(e.tasks, ", "))));
  }
  out += "</table>";
  for (const auto& [id, e] : environments) {
    for (const auto& [path, text] : ContainerFilesOf(m, id)) {
      out += "<details><summary>OUT/" + EscapeXml(path) + "</summary><pre>" + EscapeXml(text) +
             "</pre></details>";
    }
  }
  out += "</section>";
}

}  // namespace

std::string RenderHtml(const Migration& m) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>dagport migration report</title><style>";
  out += kStyle;
  out += "</style></head><body>";
  Header(m, out);
  out += "<main>";
  ScenariosSection(m, out);
  ReadinessSection(m, out);
  DagsSection(m, out);
  ContainersSection(m, out);
  if (!m.shared_files.empty()) {
    out +=
        "<section id=\"shared\"><h2>Files without DAGs</h2><p class=\"muted\">Helper "
        "modules and plugins, with what their conversion found.</p>";
    for (const auto& [file, reasons] : m.shared_files)
      out += "<h3><code>" + EscapeXml(file) + "</code></h3>" + Reasons(reasons);
    out += "</section>";
  }
  if (!m.project_findings.empty()) {
    out +=
        "<section id=\"findings\"><h2>Project findings</h2><p class=\"muted\">From walking "
        "the folder and simulating it.</p>" +
        Reasons(m.project_findings) + "</section>";
  }
  out += "</main></body></html>\n";
  return out;
}

}  // namespace dagport::migrate
