// days-ago: airflow.utils.dates.days_ago is deprecated since Airflow 2.3 and makes start_date
// move with every parse of the file. days_ago(n) becomes the fixed date it meant on the day of
// the conversion (midnight UTC, n days back), as pendulum.datetime(Y, M, D, tz="UTC"). The
// schedule rule writes catchup=False when the DAG did not set catchup, so the fixed date does
// not start a backfill.
#include <fmt/format.h>
#include <chrono>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

constexpr const char* kRule = "days-ago";

std::chrono::sys_days Today(const std::string& today) {
  int y = 0, m = 0, d = 0;
  if (!today.empty() && std::sscanf(today.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3) {
    return std::chrono::sys_days(std::chrono::year(y) / m / d);
  }
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

/// A non-negative integer literal.
bool IntLiteral(const FileContext& ctx, TSNode node, long& value) {
  if (NodeType(node) != "integer") return false;
  const std::string text(ctx.Text(node));
  char* end = nullptr;
  value = std::strtol(text.c_str(), &end, 10);
  return end != nullptr && *end == '\0' && value >= 0 && value < 100000;
}

}  // namespace

void RuleDaysAgo(FileContext& ctx) {
  const std::chrono::sys_days today = Today(ctx.options.today);
  for (TSNode call : ctx.nodes.Of("call")) {
    const TSNode function = ChildByField(call, "function");
    const auto path = ctx.imports.Resolve(ctx.tree, function);
    if (!path || *path != "airflow.utils.dates.days_ago") continue;
    const TSNode args = ChildByField(call, "arguments");
    const parser::NodeList items = ListItems(args);
    long days = 0;
    // days_ago(n, hour=0, minute=0, second=0, microsecond=0): literal arguments only.
    bool literal = !items.empty() && IntLiteral(ctx, items[0], days);
    long time[4] = {0, 0, 0, 0};
    const char* names[4] = {"hour", "minute", "second", "microsecond"};
    for (size_t i = 1; literal && i < items.size(); ++i) {
      const TSNode item = items[i];
      size_t slot = i - 1;
      TSNode value = item;
      if (NodeType(item) == "keyword_argument") {
        const std::string_view name = ctx.Text(ChildByField(item, "name"));
        slot = 4;
        for (size_t k = 0; k < 4; ++k)
          if (name == names[k]) slot = k;
        value = ChildByField(item, "value");
      }
      literal = slot < 4 && IntLiteral(ctx, value, time[slot]);
    }
    if (!literal) {
      ctx.Report("DP205", call,
                 fmt::format("{} is not a literal number of days: left as it is (deprecated "
                             "since Airflow 2.3)",
                             ctx.Text(call)),
                 "replace it with a fixed date, for example pendulum.datetime(2024, 1, 1, "
                 "tz=\"UTC\")");
      continue;
    }
    const std::chrono::year_month_day date(today - std::chrono::days(days));
    std::string replacement =
        fmt::format("pendulum.datetime({}, {}, {}", static_cast<int>(date.year()),
                    static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    for (size_t k = 0; k < 4; ++k) {
      if (time[k] != 0) replacement += fmt::format(", {}={}", names[k], time[k]);
    }
    replacement += ", tz=\"UTC\")";
    ctx.edits.Replace(ts_node_start_byte(call), ts_node_end_byte(call), replacement);
    ctx.add_imports.insert("import pendulum");
    if (NodeType(function) == "identifier") ++ctx.uses_removed[std::string(ctx.Text(function))];
    ctx.Changed(kRule, call,
                fmt::format("{} -> {} (the date it meant on the day of the conversion; days_ago "
                            "moved start_date with every parse)",
                            ctx.Text(call), replacement));
    ctx.Report("DP207", call,
               fmt::format("start date fixed to {:04}-{:02}-{:02}: check it is the date the DAG "
                           "should start from",
                           static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                           static_cast<unsigned>(date.day())),
               "edit the date if the DAG should start earlier or later; with catchup=True "
               "every interval since that date runs");
  }
}

}  // namespace dagport::converters::airflow2
