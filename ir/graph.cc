#include "ir/graph.h"

#include <algorithm>
#include <array>

namespace dagport::ir {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

struct SettingDefault {
  std::string_view name;
  std::string_view legacy_name;  ///< Airflow 1.10's spelling, accepted as well
  Value (*make_default)();
};

// Airflow's BaseOperator defaults (1.10 and 2.x agree on these).
const std::array kTaskSettings = {
    SettingDefault{"trigger_rule", "", [] { return Value::String("all_success"); }},
    SettingDefault{"pool", "", [] { return Value::String("default_pool"); }},
    SettingDefault{"pool_slots", "", [] { return Value::Int(1); }},
    SettingDefault{"queue", "", [] { return Value::String("default"); }},
    SettingDefault{"priority_weight", "", [] { return Value::Int(1); }},
    SettingDefault{"weight_rule", "", [] { return Value::String("downstream"); }},
    SettingDefault{"retries", "", [] { return Value::Int(0); }},
    SettingDefault{"retry_delay", "", [] { return Value::Timedelta(300 * kMicrosPerSecond); }},
    SettingDefault{"execution_timeout", "", [] { return Value::None(); }},
    SettingDefault{"depends_on_past", "", [] { return Value::Bool(false); }},
};

// Airflow 1.10's DAG defaults (configuration defaults where the DAG reads them).
const std::array kDagSettings = {
    SettingDefault{"schedule", "schedule_interval",
                   [] { return Value::Timedelta(86'400 * kMicrosPerSecond); }},
    SettingDefault{"start_date", "", [] { return Value::None(); }},
    SettingDefault{"end_date", "", [] { return Value::None(); }},
    SettingDefault{"catchup", "", [] { return Value::Bool(true); }},
    SettingDefault{"default_args", "", [] { return Value::Dict({}); }},
    SettingDefault{"max_active_runs", "", [] { return Value::Int(16); }},
    SettingDefault{"max_active_tasks", "concurrency", [] { return Value::Int(16); }},
    SettingDefault{"tags", "", [] { return Value::List({}); }},
    SettingDefault{"description", "", [] { return Value::None(); }},
    SettingDefault{"params", "", [] { return Value::Dict({}); }},
};

template <size_t N>
const SettingDefault* FindSetting(const std::array<SettingDefault, N>& table,
                                  std::string_view name) {
  for (const SettingDefault& s : table) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

template <size_t N>
std::vector<std::string_view> Names(const std::array<SettingDefault, N>& table) {
  std::vector<std::string_view> names;
  for (const SettingDefault& s : table) names.push_back(s.name);
  return names;
}

const Value* FindEither(const Arguments& args, const SettingDefault& s) {
  if (const Value* v = FindArgument(args, s.name)) return v;
  if (!s.legacy_name.empty()) return FindArgument(args, s.legacy_name);
  return nullptr;
}

}  // namespace

bool Task::InstallsOnWorker() const {
  return std::any_of(footprint.begin(), footprint.end(), [](const HostAccess& a) {
    return a.resource == "virtualenv" || a.resource == "packages";
  });
}

Value Task::Setting(std::string_view name) const {
  const SettingDefault* s = FindSetting(kTaskSettings, name);
  if (s == nullptr) return Value::None();
  if (const Value* v = FindEither(effective_arguments, *s)) return *v;
  return s->make_default();
}

Value Task::Setting(size_t index) const {
  const SettingDefault& s = kTaskSettings.at(index);
  if (const Value* v = FindEither(effective_arguments, s)) return *v;
  return s.make_default();
}

const std::vector<std::string_view>& Task::SettingNames() {
  static const std::vector<std::string_view> names = Names(kTaskSettings);
  return names;
}

Value Dag::Setting(std::string_view name) const {
  const SettingDefault* s = FindSetting(kDagSettings, name);
  if (s == nullptr) return Value::None();
  if (const Value* v = FindEither(arguments, *s)) {
    // A schedule written as a string is a cron expression or a preset.
    if (name == "schedule" && v->kind() == ValueKind::kString) return Value::Cron(v->as_text());
    return *v;
  }
  // Like DAG.__init__: start_date and end_date fall back to default_args.
  if (name == "start_date" || name == "end_date") {
    if (const Value* defaults = FindArgument(arguments, "default_args")) {
      if (const Value* v = defaults->Find(name)) return *v;
    }
  }
  return s->make_default();
}

const std::vector<std::string_view>& Dag::SettingNames() {
  static const std::vector<std::string_view> names = Names(kDagSettings);
  return names;
}

bool Dag::schedule_is_default() const {
  return FindEither(arguments, *FindSetting(kDagSettings, "schedule")) == nullptr;
}

const Task* Dag::FindTask(std::string_view task_id) const {
  for (const Task& t : tasks) {
    if (t.task_id == task_id) return &t;
  }
  return nullptr;
}

}  // namespace dagport::ir
