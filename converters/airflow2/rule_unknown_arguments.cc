// unknown-argument: Airflow 2 raises "Invalid arguments were passed to X" when an operator gets
// a keyword argument it does not take (1.10 only warned), so the DAG file fails to import. Every
// keyword of a call of a class the API data describes is checked against the target version's
// constructor (bases included), after the other rules renamed or removed theirs.
#include <fmt/format.h>
#include <algorithm>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + size_t{a[i - 1] != b[j - 1]}});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string Closest(std::string_view name, const std::set<std::string>& names) {
  std::string best;
  size_t best_distance = 3;  // suggest only close names
  for (const std::string& n : names) {
    const size_t d = EditDistance(name, n);
    if (d < best_distance) best = n, best_distance = d;
  }
  return best;
}

}  // namespace

void RuleUnknownArguments(FileContext& ctx) {
  for (const CallSite& site : ctx.calls) {
    if (site.target.empty()) continue;
    const AcceptedKeywords& accepted = ctx.api.Keywords(site.target, ctx.options.target);
    if (!accepted.known) continue;
    for (TSNode argument : ListItems(site.arguments)) {
      if (NodeType(argument) != "keyword_argument") continue;
      std::string name(ctx.Text(ChildByField(argument, "name")));
      if (auto fate = ctx.keyword_fate.find(ts_node_start_byte(argument));
          fate != ctx.keyword_fate.end()) {
        if (fate->second.empty()) continue;
        name = fate->second;
      }
      if (accepted.names.contains(name)) continue;
      const std::string closest = Closest(name, accepted.names);
      ctx.Report(
          "DP201", argument,
          fmt::format("{} does not take {}= on Airflow {}: Airflow 2 refuses to load the DAG "
                      "(\"Invalid arguments were passed\")",
                      NameOf(site.target), name, ctx.options.target.ToString()),
          closest.empty()
              ? "remove the argument, or pass what it did through a parameter the operator has"
              : fmt::format("did you mean {}=? Otherwise remove the argument", closest));
    }
  }
}

}  // namespace dagport::converters::airflow2
