// renamed-argument: constructor arguments Airflow 2 (or its providers) renamed or dropped.
// The table is the data; the code renames the keyword, or removes it when it has no successor.
#include <fmt/format.h>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

namespace {

constexpr const char* kRule = "renamed-argument";

struct Renamed {
  const char* scope;  ///< "operator" (any operator or sensor), "dag", or a target class path
  const char* old_name;
  const char* new_name;  ///< nullptr: removed
  AirflowVersion from;   ///< the first target version the change applies to
  AirflowVersion until;  ///< the first target version it no longer applies to
  const char* why;
};

constexpr AirflowVersion kAny{2, 0, 0};
constexpr AirflowVersion kNever{99, 0, 0};

const Renamed kRenamed[] = {
    {"operator", "xcom_push", "do_xcom_push", kAny, kNever,
     "BaseOperator's do_xcom_push replaced the operators' own xcom_push in Airflow 2.0"},
    {"operator", "task_concurrency", "max_active_tis_per_dag", AirflowVersion{2, 2, 0}, kNever,
     "renamed in Airflow 2.2"},
    {"dag", "concurrency", "max_active_tasks", AirflowVersion{2, 2, 0}, kNever,
     "renamed in Airflow 2.2"},
    {"airflow.operators.trigger_dagrun.TriggerDagRunOperator", "execution_date", "logical_date",
     AirflowVersion{2, 9, 1}, kNever, "renamed in Airflow 2.9.1"},
    {"airflow.operators.subdag.SubDagOperator", "executor", nullptr, kAny, kNever,
     "Airflow 2 runs sub-DAG tasks through the scheduler; executor= now means something else"},
    // The amazon provider's ECS operators took `region` from 5.0.0 to 8.14 (the constraints of
    // Airflow 2.4.3 to 2.7.2) and `region_name` again from 8.15.0 (Airflow 2.8.1 on).
    {"airflow.providers.amazon.aws.operators.ecs.EcsRunTaskOperator", "region_name", "region", kAny,
     AirflowVersion{2, 8, 0},
     "the amazon provider pinned for this Airflow version names it region"},
};

bool InScope(const Renamed& r, const CallSite& site) {
  const std::string_view scope = r.scope;
  if (scope == "dag") return site.is_dag;
  if (scope == "operator") return !site.is_dag;
  return site.target == scope;
}

}  // namespace

void RuleRenamedArguments(FileContext& ctx) {
  for (const CallSite& site : ctx.calls) {
    for (const Renamed& r : kRenamed) {
      if (!InScope(r, site) || ctx.options.target < r.from || !(ctx.options.target < r.until))
        continue;
      const TSNode keyword = ctx.Keyword(site.arguments, r.old_name);
      if (ts_node_is_null(keyword)) continue;
      const uint32_t at = ts_node_start_byte(keyword);
      if (ctx.keyword_fate.contains(at)) continue;
      const bool has_new =
          r.new_name != nullptr && !ts_node_is_null(ctx.Keyword(site.arguments, r.new_name));
      if (r.new_name == nullptr || has_new) {
        DeleteListItem(ctx.edits, ctx.tree, keyword);
        ctx.keyword_fate[at] = "";
        ctx.Changed(kRule, keyword,
                    fmt::format("removed {}= ({})", r.old_name,
                                has_new ? fmt::format("{}= is also given", r.new_name) : r.why));
        continue;
      }
      const TSNode name = parser::ChildByField(keyword, "name");
      ctx.edits.Replace(ts_node_start_byte(name), ts_node_end_byte(name), r.new_name);
      ctx.keyword_fate[at] = r.new_name;
      ctx.Changed(kRule, keyword, fmt::format("{}= -> {}= ({})", r.old_name, r.new_name, r.why));
    }
  }
}

}  // namespace dagport::converters::airflow2
