#include "converters/airflow2/convert_report.h"

#include <fmt/format.h>

#include "ir/ir_json.h"
#include "ir/json_writer.h"

namespace dagport::converters::airflow2 {

ReportTotals Totals(const ProjectResult& result) {
  ReportTotals t;
  for (const FileResult& f : result.files) {
    ++t.files;
    t.python += f.python;
    // Files that could not be converted count as Airflow files that need a person.
    t.airflow_files += f.python && (f.uses_airflow || f.status == FileStatus::kSkipped);
    // A file whose write failed counts as not written, whatever its conversion was.
    t.converted += f.status == FileStatus::kConverted && !f.write_failed;
    t.unchanged += f.status == FileStatus::kUnchanged && !f.write_failed;
    t.copied += f.status == FileStatus::kCopied && !f.write_failed;
    t.skipped += f.status == FileStatus::kSkipped;
    t.failed += f.status == FileStatus::kFailed || f.write_failed;
    t.dag_files += f.has_dags;
    t.dags += f.dags;
    t.tasks += f.tasks;
    t.changes += f.changes.size();
    const bool airflow = f.python && (f.uses_airflow || f.status == FileStatus::kSkipped);
    if (airflow && !f.NeedsAttention()) ++t.no_manual_work;
    if (airflow && (f.status == FileStatus::kConverted || f.status == FileStatus::kUnchanged) &&
        std::none_of(f.diagnostics.begin(), f.diagnostics.end(),
                     [](const ir::Diagnostic& d) { return d.severity == ir::Severity::kError; })) {
      ++t.loads_without_edit;
    }
    for (const ir::Diagnostic& d : f.diagnostics) {
      t.errors += d.severity == ir::Severity::kError;
      t.warnings += d.severity == ir::Severity::kWarning;
    }
  }
  for (const ir::Diagnostic& d : result.diagnostics) {
    t.errors += d.severity == ir::Severity::kError;
    t.warnings += d.severity == ir::Severity::kWarning;
  }
  return t;
}

namespace {

std::string Percent(size_t part, size_t whole) {
  return whole == 0 ? "-" : fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / whole);
}

std::string Where(const ir::Diagnostic& d) {
  return d.where.line == 0 ? d.file : fmt::format("{}:{}:{}", d.file, d.where.line, d.where.column);
}

}  // namespace

std::string ReportText(const ProjectResult& result, const AirflowVersion& target) {
  const ReportTotals t = Totals(result);
  std::string out =
      fmt::format("dagport convert: Airflow 1.x -> Airflow {}\n\n", target.ToString());
  for (const FileResult& f : result.files) {
    if (f.changes.empty() && f.diagnostics.empty() && f.status != FileStatus::kSkipped &&
        f.status != FileStatus::kFailed)
      continue;
    out += fmt::format("{} [{}]{}\n", f.input, StatusName(f.status),
                       f.output.empty() ? "" : " -> " + f.output);
    for (const AppliedChange& c : f.changes)
      out += fmt::format("  line {:>4}  {:<16} {}\n", c.line, c.rule, c.message);
    for (const ir::Diagnostic& d : f.diagnostics) {
      out += fmt::format("  {} {} {}: {}\n", d.code, ir::SeverityName(d.severity), Where(d),
                         d.message);
      if (!d.hint.empty()) out += fmt::format("        hint: {}\n", d.hint);
    }
  }
  for (const ir::Diagnostic& d : result.diagnostics)
    out += fmt::format("{} {} {}: {}\n", d.code, ir::SeverityName(d.severity), Where(d), d.message);
  out += fmt::format(
      "\n{} files: {} converted, {} unchanged, {} copied, {} skipped, {} not written (graph "
      "check)\n",
      t.files, t.converted, t.unchanged, t.copied, t.skipped, t.failed);
  out += fmt::format("{} DAG files, {} DAGs, {} tasks; {} changes; {} errors, {} warnings\n",
                     t.dag_files, t.dags, t.tasks, t.changes, t.errors, t.warnings);
  out += fmt::format(
      "{} of {} Airflow files ({}) load on Airflow {} without a manual edit; {} ({}) need "
      "nothing more at all\n",
      t.loads_without_edit, t.airflow_files, Percent(t.loads_without_edit, t.airflow_files),
      target.ToString(), t.no_manual_work, Percent(t.no_manual_work, t.airflow_files));
  if (!result.requirements_path.empty())
    out += fmt::format("provider packages: {}\n", result.requirements_path);
  const containers::ContainerPlan& plan = result.container_plan;
  if (!plan.tasks.empty()) {
    out += fmt::format("{} container tasks in {} environments{}\n", plan.tasks.size(),
                       plan.environments.size(),
                       result.container_root.empty()
                           ? ""
                           : " (" + result.container_root + "/containers/manifest.json)");
    for (const containers::ContainerTask& task : plan.tasks) {
      out += fmt::format("  {}.{}  env {}  {}\n", task.dag_id, task.task_id,
                         task.environment.empty() ? "(unknown)" : task.environment,
                         task.command_style);
    }
  }
  return out;
}

std::string ReportJson(const ProjectResult& result, const AirflowVersion& target) {
  const ReportTotals t = Totals(result);
  std::string out;
  ir::JsonWriter w(out);
  w.BeginObject();
  w.Member("schema", "dagport.convert-report/1");
  w.Member("target", target.ToString());
  w.Key("totals");
  w.BeginObject();
  const std::pair<const char*, size_t> totals[] = {{"files", t.files},
                                                   {"python_files", t.python},
                                                   {"airflow_files", t.airflow_files},
                                                   {"converted", t.converted},
                                                   {"unchanged", t.unchanged},
                                                   {"copied", t.copied},
                                                   {"skipped", t.skipped},
                                                   {"not_written", t.failed},
                                                   {"dag_files", t.dag_files},
                                                   {"dags", t.dags},
                                                   {"tasks", t.tasks},
                                                   {"changes", t.changes},
                                                   {"errors", t.errors},
                                                   {"warnings", t.warnings},
                                                   {"no_manual_work", t.no_manual_work},
                                                   {"loads_without_edit", t.loads_without_edit}};
  for (const auto& [name, value] : totals) {
    w.Key(name);
    w.Uint(value);
  }
  w.EndObject();
  w.Key("files");
  w.BeginArray();
  for (const FileResult& f : result.files) {
    w.BeginObject();
    w.Member("input", f.input);
    w.Member("output", f.output);
    w.Member("status", StatusName(f.status));
    w.Member("needs_attention", f.NeedsAttention());
    w.Key("dags");
    w.Uint(f.dags);
    w.Key("tasks");
    w.Uint(f.tasks);
    w.Key("changes");
    w.BeginArray();
    for (const AppliedChange& c : f.changes) {
      w.BeginObject();
      w.Member("rule", c.rule);
      w.Member("line", c.line);
      w.Member("message", c.message);
      w.EndObject();
    }
    w.EndArray();
    w.Key("diagnostics");
    w.BeginArray();
    for (const ir::Diagnostic& d : f.diagnostics) ir::WriteDiagnostic(w, d);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("diagnostics");
  w.BeginArray();
  for (const ir::Diagnostic& d : result.diagnostics) ir::WriteDiagnostic(w, d);
  w.EndArray();
  w.Key("providers");
  w.BeginArray();
  for (const std::string& p : result.providers) w.String(p);
  w.EndArray();
  w.Member("requirements", result.requirements_path);
  w.Key("container_tasks");
  w.BeginArray();
  for (const containers::ContainerTask& task : result.container_plan.tasks) {
    w.BeginObject();
    w.Member("file", task.file);
    w.Member("dag_id", task.dag_id);
    w.Member("task_id", task.task_id);
    w.Member("operator", task.operator_class);
    w.Member("environment", task.environment);
    w.Member("command_style", task.command_style);
    w.Member("command", task.command);
    w.EndObject();
  }
  w.EndArray();
  w.Key("environments");
  w.BeginArray();
  for (const auto& [id, env] : result.container_plan.environments) {
    w.BeginObject();
    w.Member("id", id);
    w.Member("python_version", env.python_version);
    w.Key("requirements");
    w.BeginArray();
    for (const std::string& r : env.requirements) w.String(r);
    w.EndArray();
    w.Key("tasks");
    w.BeginArray();
    for (const std::string& name : env.tasks) w.String(name);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out += "\n";
  return out;
}

std::string ReportMarkdown(const ProjectResult& result, const AirflowVersion& target) {
  const ReportTotals t = Totals(result);
  std::string out = fmt::format("# Conversion to Airflow {}\n\n", target.ToString());
  out += fmt::format(
      "**{} of {} Airflow files ({}) load on Airflow {} without a manual edit.** {} ({}) need "
      "nothing more at all; the others have warnings to check, listed below.\n\n",
      t.loads_without_edit, t.airflow_files, Percent(t.loads_without_edit, t.airflow_files),
      target.ToString(), t.no_manual_work, Percent(t.no_manual_work, t.airflow_files));
  out +=
      "| files | converted | unchanged | copied | skipped | not written | DAGs | tasks | "
      "errors | warnings |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n\n", t.files,
                     t.converted, t.unchanged, t.copied, t.skipped, t.failed, t.dags, t.tasks,
                     t.errors, t.warnings);
  out += "## Files that need a person\n\n";
  bool any = false;
  for (const FileResult& f : result.files) {
    if (!f.NeedsAttention()) continue;
    any = true;
    out += fmt::format("### `{}` ({})\n\n", f.input, StatusName(f.status));
    for (const ir::Diagnostic& d : f.diagnostics) {
      if (d.severity == ir::Severity::kInfo) continue;
      out += fmt::format("- **{}** {} line {}: {}", d.code, ir::SeverityName(d.severity),
                         d.where.line, d.message);
      if (!d.hint.empty()) out += fmt::format(" *Hint:* {}", d.hint);
      out += "\n";
    }
    out += "\n";
  }
  if (!any) out += "None.\n\n";
  out += "## Changes made\n\n";
  for (const FileResult& f : result.files) {
    if (f.changes.empty()) continue;
    out += fmt::format("### `{}`\n\n| line | rule | change |\n|---:|---|---|\n", f.input);
    for (const AppliedChange& c : f.changes) {
      std::string message = c.message;
      for (size_t p = 0; (p = message.find('|', p)) != std::string::npos; p += 2)
        message.replace(p, 1, "\\|");
      out += fmt::format("| {} | {} | {} |\n", c.line, c.rule, message);
    }
    out += "\n";
  }
  const containers::ContainerPlan& plan = result.container_plan;
  if (!plan.tasks.empty()) {
    out += fmt::format(
        "## Container tasks\n\n{} tasks that built virtualenvs on the shared worker now run in "
        "their own containers, from {} images (one per Python version and requirements; "
        "docs/containers.md).\n\n| DAG | task | environment | command |\n|---|---|---|---|\n",
        plan.tasks.size(), plan.environments.size());
    for (const containers::ContainerTask& task : plan.tasks) {
      std::string command = task.command;
      for (size_t p = 0; (p = command.find('|', p)) != std::string::npos; p += 2)
        command.replace(p, 1, "\\|");
      out += fmt::format("| `{}` | `{}` | {} | `{}` |\n", task.dag_id, task.task_id,
                         task.environment.empty() ? "**unknown**" : "`" + task.environment + "`",
                         command);
    }
    out += "\n| environment | Python | requirements |\n|---|---|---|\n";
    for (const auto& [id, env] : plan.environments) {
      out += fmt::format("| `{}` | {} | {} |\n", id, env.python_version,
                         fmt::join(env.requirements, ", "));
    }
    out += "\n";
  }
  if (!result.providers.empty()) {
    out += "## Provider packages\n\n";
    for (const std::string& p : result.providers) out += "- `" + p + "`\n";
    out += "\n";
  }
  return out;
}

std::string ReportFormatFor(const std::string& path) {
  if (path.ends_with(".json")) return "json";
  if (path.ends_with(".md") || path.ends_with(".markdown")) return "markdown";
  return "text";
}

}  // namespace dagport::converters::airflow2
