// The sensors the local runtime runs (see the header).
#include "runtime/sensor.h"

#include <fmt/format.h>
#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/python_truth.h"

namespace dagport::runtime {

namespace {

using sched::Millis;

/// A duration argument: a timedelta, or seconds. False when it is given but not known.
bool Duration(const ir::Task& task, const char* name, Millis* out, std::string* why) {
  const ir::Value* v = ir::FindArgument(task.effective_arguments, name);
  if (v == nullptr || v->is_none()) return true;
  switch (v->kind()) {
    case ir::ValueKind::kTimedelta: *out = v->timedelta_microseconds() / 1000; return true;
    case ir::ValueKind::kInt: *out = v->as_int() * sched::kSecond; return true;
    case ir::ValueKind::kFloat: *out = static_cast<Millis>(v->as_float() * 1000.0); return true;
    default: *why = fmt::format("{}={} is not known statically", name, v->ToPython()); return false;
  }
}

bool Strings(const ir::Value* v, std::vector<std::string>* out) {
  if (v == nullptr || v->is_none()) return true;
  if (v->is_text()) {
    *out = {v->as_text()};
    return true;
  }
  if (v->kind() != ir::ValueKind::kList && v->kind() != ir::ValueKind::kTuple) return false;
  out->clear();
  for (const ir::Value& item : v->items()) {
    if (!item.is_text()) return false;
    out->push_back(item.as_text());
  }
  return true;
}

}  // namespace

std::optional<SensorSpec> SensorFor(const ir::Task& task, const std::string& operator_name,
                                    std::string* why) {
  SensorSpec s;
  if (operator_name == "BashSensor") {
    s.kind = SensorSpec::Kind::kBash;
  } else if (operator_name == "PythonSensor") {
    s.kind = SensorSpec::Kind::kPython;
  } else if (operator_name == "FileSensor") {
    s.kind = SensorSpec::Kind::kFile;
  } else if (operator_name == "ExternalTaskSensor") {
    s.kind = SensorSpec::Kind::kExternalTask;
  } else if (operator_name == "TimeDeltaSensor") {
    s.kind = SensorSpec::Kind::kTimeDelta;
  } else if (operator_name == "DateTimeSensor") {
    s.kind = SensorSpec::Kind::kDateTime;
  } else {
    *why = fmt::format(
        "{} is not run by the local runtime (BashSensor, PythonSensor, FileSensor, "
        "ExternalTaskSensor, TimeDeltaSensor and DateTimeSensor are); --simulate-unsupported "
        "marks such tasks success",
        operator_name);
    return std::nullopt;
  }
  if (!Duration(task, "poke_interval", &s.poke_interval, why) ||
      !Duration(task, "timeout", &s.timeout, why))
    return std::nullopt;
  s.poke_interval = std::max<Millis>(s.poke_interval, 0);
  if (const ir::Value* soft = ir::FindArgument(task.effective_arguments, "soft_fail")) {
    s.soft_fail = soft->kind() == ir::ValueKind::kBool && soft->as_bool();
  }
  if (const ir::Value* mode = ir::FindArgument(task.effective_arguments, "mode")) {
    s.reschedule = mode->is_text() && mode->as_text() == "reschedule";
  }
  const ir::Arguments& args = task.effective_arguments;
  switch (s.kind) {
    case SensorSpec::Kind::kExternalTask: {
      const ir::Value* dag = ir::FindArgument(args, "external_dag_id");
      if (dag == nullptr || !dag->is_text()) {
        *why = "external_dag_id is not known statically";
        return std::nullopt;
      }
      s.external_dag_id = dag->as_text();
      if (!Strings(ir::FindArgument(args, "external_task_id"), &s.external_task_ids) ||
          !Strings(ir::FindArgument(args, "external_task_ids"), &s.external_task_ids) ||
          !Strings(ir::FindArgument(args, "allowed_states"), &s.allowed_states) ||
          !Strings(ir::FindArgument(args, "failed_states"), &s.failed_states)) {
        *why = "the external task ids or states are not known statically";
        return std::nullopt;
      }
      if (const ir::Value* fn = ir::FindArgument(args, "execution_date_fn");
          fn != nullptr && !fn->is_none()) {
        *why = "execution_date_fn is not run by the local runtime (execution_delta is)";
        return std::nullopt;
      }
      if (!Duration(task, "execution_delta", &s.execution_delta, why)) return std::nullopt;
      break;
    }
    case SensorSpec::Kind::kTimeDelta:
      if (!Duration(task, "delta", &s.delta, why)) return std::nullopt;
      break;
    case SensorSpec::Kind::kFile: {
      const ir::Value* path = ir::FindArgument(args, "filepath");
      if (path == nullptr || !path->is_text()) {
        *why = "filepath is not a string or template dagport can read";
        return std::nullopt;
      }
      s.filepath = path->as_text();
      break;
    }
    case SensorSpec::Kind::kDateTime: {
      const ir::Value* target = ir::FindArgument(args, "target_time");
      if (target == nullptr || !target->is_text()) {
        *why = "target_time is not a string or template dagport can read";
        return std::nullopt;
      }
      s.target_time = target->as_text();
      break;
    }
    default: break;
  }
  return s;
}

std::optional<TaskCommand> SensorCommand(const ir::Task& task, const SensorSpec& sensor,
                                         const TemplateEnvironment& env, std::string* why) {
  (void)sensor;
  const ir::Value* v = ir::FindArgument(task.effective_arguments, "bash_command");
  if (v == nullptr || !v->is_text()) {
    *why = "bash_command is not known statically";
    return std::nullopt;
  }
  std::string reason;
  std::optional<std::string> text = RenderTemplate(v->as_text(), env, &reason);
  if (!text) {
    *why = "bash_command: " + reason;
    return std::nullopt;
  }
  TaskCommand c;
  c.argv = {"bash", "-c", *text};
  return c;
}

PokeResult PokeInProcess(const SensorSpec& sensor, StateStore& state,
                         const TemplateEnvironment& env, sched::Millis now, std::string* note) {
  const sched::TemplateContext& c = env.context;
  if (sensor.kind == SensorSpec::Kind::kFile) {
    std::string reason;
    std::optional<std::string> path = RenderTemplate(sensor.filepath, env, &reason);
    if (!path) {
      *note = "filepath: " + reason;
      return PokeResult::kError;
    }
    // What the glob matches: a file, or a folder holding a file somewhere below it (Airflow's
    // FileSensor walks folders and wants a file).
    glob_t found{};
    const int status = ::glob(path->c_str(), GLOB_NOSORT, nullptr, &found);
    bool any = false;
    for (size_t i = 0; status == 0 && i < found.gl_pathc && !any; ++i) {
      std::error_code ec;
      const std::filesystem::path match(found.gl_pathv[i]);
      if (std::filesystem::is_directory(match, ec)) {
        for (auto it = std::filesystem::recursive_directory_iterator(
                 match, std::filesystem::directory_options::skip_permission_denied, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
          if (it->is_regular_file(ec)) {
            any = true;
            break;
          }
        }
      } else {
        any = std::filesystem::exists(match, ec);
      }
    }
    globfree(&found);
    *note = fmt::format("{} {}", *path, any ? "exists" : "not there yet");
    return any ? PokeResult::kMet : PokeResult::kNotYet;
  }
  if (sensor.kind == SensorSpec::Kind::kTimeDelta || sensor.kind == SensorSpec::Kind::kDateTime) {
    Millis target = c.interval_end + sensor.delta;
    if (sensor.kind == SensorSpec::Kind::kDateTime) {
      std::string reason;
      std::optional<std::string> text = RenderTemplate(sensor.target_time, env, &reason);
      if (!text || !sched::ParseIsoDate(text->substr(0, 19), &target)) {
        *note = "target_time cannot be read as a date: " + (text ? *text : reason);
        return PokeResult::kError;
      }
      // A UTC offset after the time ("+05:00", "Z").
      size_t at = 19;
      while (at < text->size() &&
             ((*text)[at] == '.' || std::isdigit(static_cast<unsigned char>((*text)[at]))))
        ++at;
      int hours = 0, minutes = 0;
      if (at + 6 <= text->size() && ((*text)[at] == '+' || (*text)[at] == '-') &&
          std::sscanf(text->c_str() + at + 1, "%2d:%2d", &hours, &minutes) == 2) {
        const Millis offset = (Millis{hours} * 60 + minutes) * 60 * sched::kSecond;
        target += (*text)[at] == '+' ? -offset : offset;
      }
    }
    *note = fmt::format("waits until {}", sched::FormatIso(target));
    return now >= target ? PokeResult::kMet : PokeResult::kNotYet;
  }
  // ExternalTaskSensor: the other DAG's run at the same logical date (minus execution_delta).
  const std::string date = sched::FormatIso(c.logical_date - sensor.execution_delta);
  std::optional<StoredRun> run = state.FindRun(sensor.external_dag_id, date);
  if (!run && sensor.external_dag_id == c.dag_id) return PokeResult::kNotYet;
  if (!run) {
    // This run holds the state file's lock: no other `dagport run` can add that run meanwhile.
    *note = fmt::format(
        "no run of {} at {} in the state file: run it first (`dagport run ... --dag {} --date "
        "{}` with the same --state)",
        sensor.external_dag_id, date, sensor.external_dag_id, date.substr(0, 10));
    return PokeResult::kFailed;
  }
  std::vector<std::string> states;
  if (sensor.external_task_ids.empty()) {
    states.push_back(run->state);
  } else {
    const std::vector<StoredTaskInstance> tis = state.TaskInstances(run->key());
    for (const std::string& id : sensor.external_task_ids) {
      auto it = std::find_if(tis.begin(), tis.end(),
                             [&](const StoredTaskInstance& t) { return t.task_id == id; });
      states.push_back(it == tis.end() ? "none" : it->state);
    }
  }
  auto in = [](const std::vector<std::string>& set, const std::string& s) {
    return std::find(set.begin(), set.end(), s) != set.end();
  };
  *note = fmt::format("{} {}: {}", sensor.external_dag_id,
                      sensor.external_task_ids.empty()
                          ? std::string("run")
                          : fmt::format("{}", fmt::join(sensor.external_task_ids, ", ")),
                      fmt::join(states, ", "));
  if (std::any_of(states.begin(), states.end(),
                  [&](const auto& s) { return in(sensor.failed_states, s); }))
    return PokeResult::kFailed;
  if (std::all_of(states.begin(), states.end(),
                  [&](const auto& s) { return in(sensor.allowed_states, s); }))
    return PokeResult::kMet;
  // Another DAG's run is finished, or was left unfinished by an earlier dagport run: nothing
  // can change it while this run holds the state file. (This DAG's own tasks still move.)
  if (sensor.external_dag_id == c.dag_id) return PokeResult::kNotYet;
  *note += ": not in the allowed states, and it cannot change during this run";
  return PokeResult::kFailed;
}

bool PythonPokeMet(const std::string& xcom_file) {
  std::ifstream in(xcom_file);
  const nlohmann::json value = nlohmann::json::parse(in, nullptr, false);
  if (value.is_object() && value.contains("__dagport_poke__")) {
    std::ofstream(xcom_file, std::ios::trunc) << value["xcom_value"].dump();
    return value["__dagport_poke__"] == true;
  }
  std::ofstream(xcom_file, std::ios::trunc) << "null";  // a bool pushes nothing
  return !value.is_discarded() && PythonTruthy(value);
}

}  // namespace dagport::runtime
