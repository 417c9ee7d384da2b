// schedule: on Airflow 2.4 and later, DAG(schedule_interval=...) and DAG(timetable=...) are
// DAG(schedule=...). And every DAG states its schedule and catchup: left unset, the schedule is
// one day (timedelta(days=1), as in 1.10) and catchup follows the deployment's
// catchup_by_default (True unless configured): a DAG whose start_date lies in the past then
// backfills every interval on its first deployment to MWAA. The schedule is written as the 1.10
// default it had; catchup is written as False, and the report says so.
#include <fmt/format.h>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::NodeType;

namespace {

constexpr const char* kRule = "schedule";

/// `timedelta(days=1)` as the file can write it, asking for an import when it has none.
std::string OneDay(FileContext& ctx) {
  if (const ImportItem* t = ctx.imports.Find("timedelta"); t != nullptr) {
    if (t->Path() == "datetime.timedelta") return "timedelta(days=1)";
  }
  if (const ImportItem* d = ctx.imports.Find("datetime"); d != nullptr) {
    if (!d->from && d->module == "datetime") return "datetime.timedelta(days=1)";
  }
  if (const ImportItem* d = ctx.imports.Find("dt"); d != nullptr) {
    if (!d->from && d->module == "datetime") return "dt.timedelta(days=1)";
  }
  ctx.add_imports.insert("from datetime import timedelta");
  return "timedelta(days=1)";
}

bool HasSplat(TSNode arguments) {
  for (TSNode a : ListItems(arguments)) {
    if (NodeType(a) == "dictionary_splat") return true;
  }
  return false;
}

size_t PositionalCount(TSNode arguments) {
  size_t n = 0;
  for (TSNode a : ListItems(arguments)) {
    const std::string_view type = NodeType(a);
    if (type != "keyword_argument" && type != "dictionary_splat" && type != "list_splat") ++n;
  }
  return n;
}

}  // namespace

void RuleDagSchedule(FileContext& ctx) {
  const bool schedule_keyword = ctx.options.target >= AirflowVersion{2, 4, 0};
  for (const CallSite& site : ctx.calls) {
    if (!site.is_dag) continue;
    const TSNode args = site.arguments;
    const size_t positional = PositionalCount(args);
    if (positional >= 4) {
      ctx.Report("DP205", args,
                 "DAG(...) takes its fourth and later arguments by position: Airflow 2.4 added "
                 "`schedule` as the third parameter, so they now bind to other parameters",
                 "write the arguments after dag_id and description as keywords");
    }
    bool has_schedule = positional >= 3;
    for (const char* name : {"schedule_interval", "timetable", "schedule"}) {
      const TSNode keyword = ctx.Keyword(args, name);
      if (ts_node_is_null(keyword)) continue;
      has_schedule = true;
      if (std::string_view(name) == "schedule" || !schedule_keyword) continue;
      if (!ts_node_is_null(ctx.Keyword(args, "schedule"))) continue;
      const TSNode key = parser::ChildByField(keyword, "name");
      ctx.edits.Replace(ts_node_start_byte(key), ts_node_end_byte(key), "schedule");
      ctx.keyword_fate[ts_node_start_byte(keyword)] = "schedule";
      ctx.Changed(kRule, keyword,
                  fmt::format("{}= -> schedule= (Airflow 2.4 merged schedule_interval and "
                              "timetable into schedule)",
                              name));
    }
    const bool splat = HasSplat(args);
    if (!has_schedule && !splat) {
      const std::string value = OneDay(ctx);
      AppendListItem(
          ctx.edits, ctx.tree, args,
          fmt::format("{}={}", schedule_keyword ? "schedule" : "schedule_interval", value));
      ctx.Changed(kRule, args,
                  fmt::format("the DAG had no schedule: wrote {}={}, the default it ran with",
                              schedule_keyword ? "schedule" : "schedule_interval", value));
    }
    if (ts_node_is_null(ctx.Keyword(args, "catchup")) && !splat) {
      AppendListItem(ctx.edits, ctx.tree, args, "catchup=False");
      ctx.Changed(kRule, args,
                  "the DAG did not set catchup: wrote catchup=False so that its first "
                  "deployment does not backfill every interval since start_date (set "
                  "catchup=True if the DAG relies on backfills)");
    }
  }
}

}  // namespace dagport::converters::airflow2
