// manual-change: what Airflow 2 changed in a way no rewrite can decide, reported with its place
// and a concrete hint: SubDAGs, TriggerDagRunOperator's python_callable, SqlSensor's allow_null,
// DockerOperator's volumes and KubernetesPodOperator's resources when they are not literals, and
// template variables Airflow 2 deprecated or removed.
#include <fmt/format.h>
#include <algorithm>

#include <set>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

struct ArgumentNote {
  std::string_view target;  ///< the class on Airflow 2
  std::string_view keyword;
  std::string_view message;
  std::string_view hint;
};

const ArgumentNote kArgumentNotes[] = {
    {"airflow.operators.trigger_dagrun.TriggerDagRunOperator", "python_callable",
     "TriggerDagRunOperator no longer takes python_callable (nor DagRunOrder) in Airflow 2",
     "move what the callable computed into conf={...} (templated), and the decision whether "
     "to trigger into a ShortCircuitOperator upstream"},
    {"airflow.providers.common.sql.sensors.sql.SqlSensor", "allow_null",
     "SqlSensor no longer takes allow_null in Airflow 2",
     "pass success=lambda value: ... (and failure=...) to decide on the first cell yourself"},
    {"airflow.providers.docker.operators.docker.DockerOperator", "volumes",
     "DockerOperator takes mounts=[Mount(...)] instead of volumes= since the docker provider 2.0",
     "write mounts=[Mount(source='/host/path', target='/container/path', type='bind')] with "
     "`from docker.types import Mount`"},
    {"airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator", "resources",
     "resources= now binds to BaseOperator.resources (executor resources), not the pod's",
     "write container_resources=k8s.V1ResourceRequirements(requests={...}, limits={...}) with "
     "`from kubernetes.client import models as k8s`"},
};

/// Classes whose Airflow 2 successor behaves differently with the same arguments.
struct ClassNote {
  std::string_view legacy;  ///< the class as Airflow 1.10 resolves it
  std::string_view message;
  std::string_view hint;
};

const ClassNote kClassNotes[] = {
    {"airflow.operators.s3_to_redshift_operator.S3ToRedshiftTransfer",
     "S3ToRedshiftOperator no longer appends '/<table>' to s3_key (Airflow 1.10 copied from "
     "s3://bucket/<s3_key>/<table>; apache/airflow#10436)",
     "append the table to s3_key yourself if the files are laid out that way"},
};

/// Template variables Airflow 2.2 deprecated (they still render) and 2.0 removed.
const std::set<std::string, std::less<>> kDeprecatedContext = {"execution_date",
                                                               "next_execution_date",
                                                               "prev_execution_date",
                                                               "prev_execution_date_success",
                                                               "next_ds",
                                                               "next_ds_nodash",
                                                               "prev_ds",
                                                               "prev_ds_nodash",
                                                               "tomorrow_ds",
                                                               "tomorrow_ds_nodash",
                                                               "yesterday_ds",
                                                               "yesterday_ds_nodash"};
const std::set<std::string, std::less<>> kRemovedContext = {"end_date", "latest_date", "tables"};

/// The names Airflow 2 passes a python callable from the task context. A callable whose
/// positional parameters (the ones op_args fills) have one of these names fails when the task
/// runs ("The key 'ds' in args is a part of kwargs and therefore reserved").
const std::set<std::string, std::less<>> kContextNames = {"conf",
                                                          "dag",
                                                          "dag_run",
                                                          "data_interval_end",
                                                          "data_interval_start",
                                                          "ds",
                                                          "ds_nodash",
                                                          "execution_date",
                                                          "inlets",
                                                          "logical_date",
                                                          "macros",
                                                          "next_ds",
                                                          "next_ds_nodash",
                                                          "next_execution_date",
                                                          "outlets",
                                                          "params",
                                                          "prev_data_interval_start_success",
                                                          "prev_data_interval_end_success",
                                                          "prev_ds",
                                                          "prev_ds_nodash",
                                                          "prev_execution_date",
                                                          "prev_execution_date_success",
                                                          "prev_start_date_success",
                                                          "run_id",
                                                          "task",
                                                          "task_instance",
                                                          "task_instance_key_str",
                                                          "test_mode",
                                                          "templates_dict",
                                                          "ti",
                                                          "tomorrow_ds",
                                                          "tomorrow_ds_nodash",
                                                          "ts",
                                                          "ts_nodash",
                                                          "ts_nodash_with_tz",
                                                          "var",
                                                          "conn",
                                                          "yesterday_ds",
                                                          "yesterday_ds_nodash"};

/// `op_args=[...]` filling a parameter of the callable that has a context variable's name.
void CheckContextNameClash(FileContext& ctx, const CallSite& site) {
  const TSNode op_args = ctx.Keyword(site.arguments, "op_args");
  const TSNode callable = ctx.Keyword(site.arguments, "python_callable");
  if (ts_node_is_null(op_args) || ts_node_is_null(callable)) return;
  const TSNode name = ChildByField(callable, "value");
  if (NodeType(name) != "identifier") return;
  const TSNode args = ChildByField(op_args, "value");
  size_t filled = SIZE_MAX;  // not a literal: any positional parameter may be filled
  if (NodeType(args) == "list" || NodeType(args) == "tuple") filled = ListItems(args).size();
  for (TSNode def : ctx.nodes.Of("function_definition")) {
    if (ctx.Text(ChildByField(def, "name")) != ctx.Text(name)) continue;
    size_t k = 0;
    for (TSNode parameter : ListItems(ChildByField(def, "parameters"))) {
      if (k++ >= filled) break;
      const std::string_view type = NodeType(parameter);
      const TSNode id = type == "identifier" ? parameter
                        : type == "default_parameter" || type == "typed_parameter" ||
                                type == "typed_default_parameter"
                            ? ChildByField(parameter, "name")
                            : TSNode{};
      if (ts_node_is_null(id) || NodeType(id) != "identifier") break;  // *args, **kwargs
      if (!kContextNames.contains(ctx.Text(id))) continue;
      ctx.Report("DP205", id,
                 fmt::format("parameter '{}' of {} is filled by op_args but is also a context "
                             "variable's name: Airflow 2 fails the task (\"The key '{}' in args "
                             "is a part of kwargs and therefore reserved\")",
                             ctx.Text(id), ctx.Text(name), ctx.Text(id)),
                 "rename the parameter (and its uses in the function)");
    }
  }
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// The template variables of `text`'s {{ ... }} and {% ... %} blocks that are in `names`.
std::vector<std::string> TemplateNames(std::string_view text,
                                       const std::set<std::string, std::less<>>& names) {
  std::vector<std::string> found;
  size_t pos = 0;
  while ((pos = text.find_first_of('{', pos)) != std::string_view::npos) {
    if (pos + 1 >= text.size() || (text[pos + 1] != '{' && text[pos + 1] != '%')) {
      ++pos;
      continue;
    }
    const std::string_view close = text[pos + 1] == '{' ? "}}" : "%}";
    const size_t end = text.find(close, pos + 2);
    const std::string_view block = text.substr(
        pos + 2, end == std::string_view::npos ? std::string_view::npos : end - pos - 2);
    for (size_t i = 0; i < block.size();) {
      if (!IsWordChar(block[i]) || (i > 0 && (IsWordChar(block[i - 1]) || block[i - 1] == '.'))) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < block.size() && IsWordChar(block[j])) ++j;
      const std::string_view word = block.substr(i, j - i);
      if (names.contains(word) &&
          std::find(found.begin(), found.end(), std::string(word)) == found.end()) {
        found.emplace_back(word);
      }
      i = j;
    }
    if (end == std::string_view::npos) break;
    pos = end + 2;
  }
  return found;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void CheckTemplates(FileContext& ctx) {
  for (TSNode string : ctx.nodes.Of("string")) {
    const std::string_view text = ctx.Text(string);
    if (text.find("{{") == std::string_view::npos && text.find("{%") == std::string_view::npos)
      continue;
    if (auto removed = TemplateNames(text, kRemovedContext); !removed.empty()) {
      ctx.Report("DP206", string,
                 fmt::format("template variable {} was removed in Airflow 2.0 and renders empty",
                             Join(removed)),
                 "use data_interval_start / data_interval_end, or the DAG run's conf");
    }
    if (auto deprecated = TemplateNames(text, kDeprecatedContext); !deprecated.empty()) {
      ctx.Report(
          "DP214", string,
          fmt::format("template variable {} is deprecated since Airflow 2.2 (it still renders)",
                      Join(deprecated)),
          "use logical_date (for execution_date), data_interval_start / "
          "data_interval_end (for next_/prev_ dates), or ds with macros.ds_add");
    }
  }
}

}  // namespace

void RuleManualChanges(FileContext& ctx) {
  for (const CallSite& site : ctx.calls) {
    if (site.target == "airflow.operators.subdag.SubDagOperator") {
      const auto kept = ctx.subdags_kept.find(ts_node_start_byte(site.call));
      ctx.Report("DP204", site.call,
                 "SubDagOperator still runs on Airflow 2 but is deprecated (removed in "
                 "Airflow 3), and its tasks hold a worker slot while they wait" +
                     (kept == ctx.subdags_kept.end()
                          ? std::string()
                          : "; not rewritten as a TaskGroup because " + kept->second),
                 "rewrite the sub-DAG as a TaskGroup: `with TaskGroup(\"name\") as group:` "
                 "around the factory's tasks, inside the parent DAG");
    }
    if (site.target.starts_with("airflow.operators.python.")) CheckContextNameClash(ctx, site);
    for (const ClassNote& note : kClassNotes) {
      if (site.legacy == note.legacy)
        ctx.Report("DP205", site.call, std::string(note.message), std::string(note.hint));
    }
    for (const ArgumentNote& note : kArgumentNotes) {
      if (site.target != note.target) continue;
      const TSNode keyword = ctx.Keyword(site.arguments, note.keyword);
      if (ts_node_is_null(keyword) || ctx.keyword_fate.contains(ts_node_start_byte(keyword)))
        continue;  // absent, or rewritten by another rule
      ctx.Report("DP205", keyword, std::string(note.message), std::string(note.hint));
    }
  }
  CheckTemplates(ctx);
}

}  // namespace dagport::converters::airflow2
