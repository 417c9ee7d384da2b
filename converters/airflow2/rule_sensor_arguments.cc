// sensor-arguments: two sensors whose arguments mean something else in Airflow 2.
//   ExternalTaskSensor(execution_date_fn=f): Airflow 2 calls f(logical_date, **context), so a
//   1.x function `def f(dt, ctx)` must name its second parameter `context` (renamed here, with
//   its uses in the function, when f is defined in the file).
//   FileSensor(filepath='a[1].csv'): Airflow 2 reads filepath as a glob pattern; the 1.x path
//   was literal, so `[`, `*` and `?` outside Jinja blocks are escaped as glob.escape does.
#include <fmt/format.h>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

constexpr const char* kRule = "sensor-arguments";

void RenameContextParameter(FileContext& ctx, const CallSite& site) {
  const TSNode keyword = ctx.Keyword(site.arguments, "execution_date_fn");
  if (ts_node_is_null(keyword)) return;
  const TSNode function = ChildByField(keyword, "value");
  if (NodeType(function) != "identifier") return;
  for (TSNode def : ctx.nodes.Of("function_definition")) {
    if (ctx.Text(ChildByField(def, "name")) != ctx.Text(function)) continue;
    const parser::NodeList parameters = ListItems(ChildByField(def, "parameters"));
    if (parameters.size() < 2 || NodeType(parameters[1]) != "identifier") return;
    const std::string old_name(ctx.Text(parameters[1]));
    if (old_name == "context") return;
    // The parameter and its uses in the function body.
    const uint32_t begin = ts_node_start_byte(def), end = ts_node_end_byte(def);
    for (TSNode id : ctx.nodes.Of("identifier")) {
      if (ts_node_start_byte(id) < begin || ts_node_end_byte(id) > end) continue;
      if (ctx.Text(id) != old_name) continue;
      const TSNode parent = ts_node_parent(id);
      if (NodeType(parent) == "attribute" && ts_node_eq(ChildByField(parent, "attribute"), id))
        continue;
      if (NodeType(parent) == "keyword_argument" && ts_node_eq(ChildByField(parent, "name"), id))
        continue;
      ctx.edits.Replace(ts_node_start_byte(id), ts_node_end_byte(id), "context");
    }
    ctx.Changed(kRule, parameters[1],
                fmt::format("{}'s parameter {} -> context (Airflow 2 passes the context to "
                            "execution_date_fn by keyword)",
                            ctx.Text(function), old_name));
    return;
  }
}

/// `text` with glob's special characters outside {{ }} / {% %} escaped; empty when none.
std::string EscapeGlob(std::string_view text) {
  std::string out;
  bool changed = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 1 < text.size() && (text[i + 1] == '{' || text[i + 1] == '%')) {
      const std::string_view close = text[i + 1] == '{' ? "}}" : "%}";
      const size_t end = text.find(close, i + 2);
      const size_t stop = end == std::string_view::npos ? text.size() : end + 2;
      out.append(text.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    const char c = text[i];
    if (c == '[' || c == '*' || c == '?') {
      out += '[';
      out += c;
      out += ']';
      changed = true;
    } else {
      out += c;
    }
  }
  return changed ? out : "";
}

void EscapeFilePath(FileContext& ctx, const CallSite& site) {
  const TSNode keyword = ctx.Keyword(site.arguments, "filepath");
  if (ts_node_is_null(keyword)) return;
  const TSNode value = ChildByField(keyword, "value");
  std::string path;
  if (!StringLiteralValue(ctx.tree, value, path)) return;
  const std::string escaped = EscapeGlob(path);
  if (escaped.empty()) return;
  ctx.edits.Replace(ts_node_start_byte(value) + 1, ts_node_end_byte(value) - 1, escaped);
  ctx.Changed(kRule, keyword,
              fmt::format("filepath '{}' -> '{}' (FileSensor reads a glob pattern in Airflow 2; "
                          "the 1.x path was literal)",
                          path, escaped));
}

}  // namespace

void RuleSensorArguments(FileContext& ctx) {
  for (const CallSite& site : ctx.calls) {
    if (site.target == "airflow.sensors.external_task.ExternalTaskSensor")
      RenameContextParameter(ctx, site);
    if (site.target == "airflow.sensors.filesystem.FileSensor" &&
        site.legacy != site.target)  // only 1.x FileSensors had literal paths
      EscapeFilePath(ctx, site);
  }
}

}  // namespace dagport::converters::airflow2
