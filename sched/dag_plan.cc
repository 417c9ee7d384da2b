#include "sched/dag_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace dagport::sched {

namespace {

struct KindByName {
  std::string_view class_name;
  TaskKind kind;
};

constexpr std::array kKinds = {
    KindByName{"DummyOperator", TaskKind::kEmpty},
    KindByName{"EmptyOperator", TaskKind::kEmpty},
    // An EmptyOperator (DummyOperator in 1.10) that lives in the sensors package.
    KindByName{"ExternalTaskMarker", TaskKind::kEmpty},
    KindByName{"BranchPythonOperator", TaskKind::kBranch},
    KindByName{"BranchSQLOperator", TaskKind::kBranch},
    KindByName{"BranchSqlOperator", TaskKind::kBranch},
    KindByName{"BranchDateTimeOperator", TaskKind::kBranch},
    KindByName{"BranchDayOfWeekOperator", TaskKind::kBranch},
    KindByName{"BranchExternalPythonOperator", TaskKind::kBranch},
    KindByName{"BranchPythonVirtualenvOperator", TaskKind::kBranch},
    KindByName{"ShortCircuitOperator", TaskKind::kShortCircuit},
    KindByName{"SubDagOperator", TaskKind::kSubDag},
};

TaskKind KindFromName(std::string_view class_path, std::string_view name) {
  for (const KindByName& k : kKinds) {
    if (k.class_name == name) return k.kind;
  }
  if (name.ends_with("Sensor") || class_path.find(".sensors.") != std::string_view::npos)
    return TaskKind::kSensor;
  return TaskKind::kOther;
}

/// Reads settings of one task or DAG, noting each one that is not known statically.
class SettingReader {
 public:
  SettingReader(const std::string& file, const ir::SourceRange& where, std::string owner,
                std::vector<ir::Diagnostic>& diagnostics)
      : file_(file), where_(where), owner_(std::move(owner)), diagnostics_(diagnostics) {}

  /// A duration in a timedelta or in seconds; `fallback` when unset or None.
  Millis Duration(const ir::Value* v, std::string_view name, Millis fallback) {
    if (v == nullptr || v->is_none()) return fallback;
    switch (v->kind()) {
      case ir::ValueKind::kTimedelta: return v->timedelta_microseconds() / 1000;
      case ir::ValueKind::kInt: return v->as_int() * kSecond;
      case ir::ValueKind::kFloat: return static_cast<Millis>(v->as_float() * 1000.0);
      default: Unknown(*v, name); return fallback;
    }
  }

  int64_t Int(const ir::Value* v, std::string_view name, int64_t fallback) {
    if (v == nullptr || v->is_none()) return fallback;
    if (v->kind() == ir::ValueKind::kInt) return v->as_int();
    if (v->kind() == ir::ValueKind::kBool) return v->as_bool();
    Unknown(*v, name);
    return fallback;
  }

  bool Bool(const ir::Value* v, std::string_view name, bool fallback) {
    if (v == nullptr || v->is_none()) return fallback;
    if (v->kind() == ir::ValueKind::kBool) return v->as_bool();
    if (v->kind() == ir::ValueKind::kInt) return v->as_int() != 0;
    Unknown(*v, name);
    return fallback;
  }

  std::string Text(const ir::Value* v, std::string_view name, std::string fallback) {
    if (v == nullptr || v->is_none()) return fallback;
    if (v->is_text()) return v->as_text();
    Unknown(*v, name);
    return fallback;
  }

  void Unknown(const ir::Value& v, std::string_view name) {
    diagnostics_.push_back(ir::MakeDiagnostic(
        "DP301", file_, where_,
        fmt::format("{}: {}={} is not known statically; simulated with Airflow's default", owner_,
                    name, v.ToPython()),
        "Write the value as a literal (or a module-level constant) if the simulation should use "
        "it."));
  }

 private:
  const std::string& file_;
  const ir::SourceRange& where_;
  std::string owner_;
  std::vector<ir::Diagnostic>& diagnostics_;
};

const ir::Value* Arg(const ir::Task& t, std::string_view name,
                     std::string_view legacy = std::string_view()) {
  if (const ir::Value* v = ir::FindArgument(t.effective_arguments, name)) return v;
  if (!legacy.empty()) return ir::FindArgument(t.effective_arguments, legacy);
  return nullptr;
}

TaskPlan PlanTask(const ir::Task& t, const std::string& dag_id, const std::string& file,
                  std::vector<ir::Diagnostic>& diagnostics) {
  TaskPlan p;
  p.task_id = t.task_id;
  p.source = &t;
  p.operator_class = t.operator_class;
  p.operator_name = t.operator_class.substr(t.operator_class.rfind('.') + 1);
  p.kind = KindFromName(p.operator_class, p.operator_name);
  SettingReader read(file, t.where, fmt::format("{}.{}", dag_id, t.task_id), diagnostics);
  const ir::Value rule = t.Setting("trigger_rule");
  const std::string rule_name = read.Text(&rule, "trigger_rule", "all_success");
  if (auto r = ParseTriggerRule(rule_name)) {
    p.trigger_rule = *r;
  } else {
    read.Unknown(rule, "trigger_rule");
  }
  const ir::Value pool = t.Setting("pool");
  p.pool = read.Text(&pool, "pool", "default_pool");
  const ir::Value slots = t.Setting("pool_slots");
  p.pool_slots = static_cast<int>(std::max<int64_t>(1, read.Int(&slots, "pool_slots", 1)));
  const ir::Value queue = t.Setting("queue");
  p.queue = read.Text(&queue, "queue", "default");
  const ir::Value weight = t.Setting("priority_weight");
  p.priority_weight = read.Int(&weight, "priority_weight", 1);
  const ir::Value wrule = t.Setting("weight_rule");
  const std::string wr = read.Text(&wrule, "weight_rule", "downstream");
  p.weight_rule = wr == "upstream"   ? WeightRule::kUpstream
                  : wr == "absolute" ? WeightRule::kAbsolute
                                     : WeightRule::kDownstream;
  const ir::Value retries = t.Setting("retries");
  p.retries = static_cast<int>(std::max<int64_t>(0, read.Int(&retries, "retries", 0)));
  const ir::Value delay = t.Setting("retry_delay");
  p.retry_delay = read.Duration(&delay, "retry_delay", 300 * kSecond);
  p.retry_exponential_backoff =
      read.Bool(Arg(t, "retry_exponential_backoff"), "retry_exponential_backoff", false);
  p.max_retry_delay = read.Duration(Arg(t, "max_retry_delay"), "max_retry_delay", 0);
  const ir::Value timeout = t.Setting("execution_timeout");
  p.execution_timeout = read.Duration(&timeout, "execution_timeout", 0);
  p.sla = read.Duration(Arg(t, "sla"), "sla", 0);
  const ir::Value past = t.Setting("depends_on_past");
  p.wait_for_downstream = read.Bool(Arg(t, "wait_for_downstream"), "wait_for_downstream", false);
  p.depends_on_past = read.Bool(&past, "depends_on_past", false) || p.wait_for_downstream;
  p.max_active_tis_per_dag = static_cast<int>(
      read.Int(Arg(t, "max_active_tis_per_dag", "task_concurrency"), "max_active_tis_per_dag", 0));
  p.max_active_tis_per_dagrun = static_cast<int>(
      read.Int(Arg(t, "max_active_tis_per_dagrun"), "max_active_tis_per_dagrun", 0));
  return p;
}

std::optional<Millis> DateSetting(const ir::Dag& dag, std::string_view name) {
  const ir::Value v = dag.Setting(name);
  if (v.kind() == ir::ValueKind::kDatetime) return ToMillis(v.datetime());
  return std::nullopt;
}

}  // namespace

TaskKind KindOfOperator(std::string_view class_path) {
  const size_t dot = class_path.rfind('.');
  return KindFromName(class_path,
                      dot == std::string_view::npos ? class_path : class_path.substr(dot + 1));
}

bool ComputePriorities(DagPlan& plan) {
  const size_t n = plan.tasks.size();
  // Relatives as bitsets, filled in topological order (Kahn); tasks on a cycle keep their own
  // weight only, and the cycle is reported by the return value.
  const size_t words = (n + 63) / 64;
  size_t ordered = n;
  auto relatives = [&](bool down) {
    std::vector<uint64_t> bits(n * words, 0);
    std::vector<int> pending(n, 0);
    for (size_t i = 0; i < n; ++i)
      pending[i] =
          static_cast<int>(down ? plan.tasks[i].downstream.size() : plan.tasks[i].upstream.size());
    std::vector<uint32_t> order;
    for (size_t i = 0; i < n; ++i)
      if (pending[i] == 0) order.push_back(static_cast<uint32_t>(i));
    for (size_t k = 0; k < order.size(); ++k) {
      const uint32_t i = order[k];
      // i's relatives in this direction are complete; fold them into i's neighbours the other way.
      for (uint32_t j : down ? plan.tasks[i].upstream : plan.tasks[i].downstream) {
        uint64_t* target = &bits[j * words];
        const uint64_t* source = &bits[i * words];
        for (size_t w = 0; w < words; ++w) target[w] |= source[w];
        target[i / 64] |= uint64_t{1} << (i % 64);
        if (--pending[j] == 0) order.push_back(j);
      }
    }
    ordered = order.size();
    return bits;
  };
  const bool any_down = std::any_of(plan.tasks.begin(), plan.tasks.end(), [](const TaskPlan& t) {
    return t.weight_rule == WeightRule::kDownstream;
  });
  const bool any_up = std::any_of(plan.tasks.begin(), plan.tasks.end(), [](const TaskPlan& t) {
    return t.weight_rule == WeightRule::kUpstream;
  });
  const std::vector<uint64_t> down = any_down ? relatives(true) : std::vector<uint64_t>();
  const std::vector<uint64_t> up = any_up ? relatives(false) : std::vector<uint64_t>();
  for (size_t i = 0; i < n; ++i) {
    TaskPlan& t = plan.tasks[i];
    int64_t total = t.priority_weight;
    if (t.weight_rule != WeightRule::kAbsolute) {
      const std::vector<uint64_t>& bits = t.weight_rule == WeightRule::kDownstream ? down : up;
      for (size_t w = 0; w < words; ++w) {
        for (uint64_t b = bits[i * words + w]; b != 0; b &= b - 1) {
          total += plan.tasks[w * 64 + static_cast<size_t>(__builtin_ctzll(b))].priority_weight;
        }
      }
    }
    // Airflow stores the total in a 32-bit column (db_safe_priority).
    t.priority = std::clamp<int64_t>(total, -2147483648LL, 2147483647LL);
  }
  if (!any_down && !any_up) relatives(true);  // only to find out whether there is a cycle
  return ordered == n;
}

std::optional<DagPlan> PlanDag(const ir::Dag& dag, const std::string& file,
                               std::vector<ir::Diagnostic>& diagnostics) {
  DagPlan plan;
  plan.dag_id = dag.dag_id;
  plan.file = file;
  plan.source = &dag;
  std::string error;
  auto timetable = TimetableOf(dag, &error);
  if (!timetable) {
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP302", file, dag.where, fmt::format("DAG {}: {}; it is not simulated", dag.dag_id, error),
        "Write the schedule as a literal (cron string, preset, timedelta or None)."));
    return std::nullopt;
  }
  plan.timetable = *timetable;
  plan.start_date = DateSetting(dag, "start_date");
  plan.end_date = DateSetting(dag, "end_date");
  SettingReader read(file, dag.where, "DAG " + dag.dag_id, diagnostics);
  const ir::Value catchup = dag.Setting("catchup");
  plan.catchup = read.Bool(&catchup, "catchup", true);
  const ir::Value runs = dag.Setting("max_active_runs");
  plan.max_active_runs =
      static_cast<int>(std::max<int64_t>(1, read.Int(&runs, "max_active_runs", 16)));
  const ir::Value tasks = dag.Setting("max_active_tasks");
  plan.max_active_tasks =
      static_cast<int>(std::max<int64_t>(1, read.Int(&tasks, "max_active_tasks", 16)));
  plan.dagrun_timeout =
      read.Duration(ir::FindArgument(dag.arguments, "dagrun_timeout"), "dagrun_timeout", 0);

  std::unordered_map<std::string_view, uint32_t> index;
  plan.tasks.reserve(dag.tasks.size());
  for (const ir::Task& t : dag.tasks) {
    if (!index.emplace(t.task_id, static_cast<uint32_t>(plan.tasks.size())).second) {
      // Airflow 2 refuses the DAG (DuplicateTaskIdFound): so does the simulation.
      diagnostics.push_back(ir::MakeDiagnostic(
          "DP303", file, t.where,
          fmt::format("DAG {} is not simulated: task_id '{}' is used twice, and Airflow 2 would "
                      "not load it",
                      dag.dag_id, t.task_id),
          "Give every task its own task_id."));
      return std::nullopt;
    }
    plan.tasks.push_back(PlanTask(t, dag.dag_id, file, diagnostics));
  }
  for (const ir::Edge& e : dag.edges) {
    auto from = index.find(e.from);
    auto to = index.find(e.to);
    if (from == index.end() || to == index.end() || from->second == to->second) continue;
    std::vector<uint32_t>& down = plan.tasks[from->second].downstream;
    if (std::find(down.begin(), down.end(), to->second) != down.end()) continue;
    down.push_back(to->second);
    plan.tasks[to->second].upstream.push_back(from->second);
  }
  if (!ComputePriorities(plan)) {
    diagnostics.push_back(ir::MakeDiagnostic(
        "DP303", file, dag.where,
        fmt::format("DAG {} is not simulated: its dependencies form a cycle, and Airflow would "
                    "not load it",
                    dag.dag_id),
        "Remove the dependency that closes the cycle (`dagport inspect` names it)."));
    return std::nullopt;
  }
  return plan;
}

}  // namespace dagport::sched
