// What the names, attributes, methods and filters of Airflow's template context mean for the
// local runtime (see jinja_value.h and jinja_template.h).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "runtime/jinja_value.h"

namespace dagport::runtime::jinja {

namespace {

/// Airflow's Variable value (text), for var.value.X and var.json.X.
std::string VariableText(const TemplateEnvironment& env, const std::string& name) {
  std::optional<std::string> value = env.variable ? env.variable(name) : std::nullopt;
  if (!value)
    throw TemplateError(
        fmt::format("the Airflow Variable '{}' is not set (set {})", name, VariableEnvName(name)));
  return *value;
}

Json ParseVariableJson(const std::string& name, const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const std::exception&) {
    throw TemplateError(fmt::format("the Airflow Variable '{}' is not JSON", name));
  }
}

}  // namespace

Val Name(const TemplateEnvironment& env, const std::string& name) {
  const sched::TemplateContext& c = env.context;
  const std::string ds = sched::FormatDs(c.logical_date);
  if (name == "ds") return Val::Data(ds);
  if (name == "ds_nodash") return Val::Data(Nodash(ds));
  if (name == "ts") return Val::Data(IsoDate(c.logical_date));
  if (name == "ts_nodash") return Val::Data(Nodash(sched::FormatIso(c.logical_date)));
  if (name == "ts_nodash_with_tz") return Val::Data(Nodash(IsoDate(c.logical_date)));
  const sched::Millis prev = c.prev_logical.value_or(c.logical_date - sched::kDay);
  const sched::Millis next = c.next_logical.value_or(c.interval_end);
  if (name == "logical_date" || name == "execution_date") return Val::Date(c.logical_date);
  if (name == "data_interval_start") return Val::Date(c.interval_start.value_or(c.logical_date));
  if (name == "data_interval_end") return Val::Date(c.interval_end);
  if (name == "next_execution_date") return Val::Date(next);
  if (name == "prev_execution_date") return Val::Date(prev);
  if (name == "next_ds") return Val::Data(sched::FormatDs(next));
  if (name == "next_ds_nodash") return Val::Data(Nodash(sched::FormatDs(next)));
  if (name == "prev_ds") return Val::Data(sched::FormatDs(prev));
  if (name == "prev_ds_nodash") return Val::Data(Nodash(sched::FormatDs(prev)));
  if (name == "yesterday_ds") return Val::Data(sched::FormatDs(c.logical_date - sched::kDay));
  if (name == "yesterday_ds_nodash")
    return Val::Data(Nodash(sched::FormatDs(c.logical_date - sched::kDay)));
  if (name == "tomorrow_ds") return Val::Data(sched::FormatDs(c.logical_date + sched::kDay));
  if (name == "tomorrow_ds_nodash")
    return Val::Data(Nodash(sched::FormatDs(c.logical_date + sched::kDay)));
  if (name == "run_id")
    return Val::Data(c.run_id.empty() ? sched::ScheduledRunId(c.logical_date) : c.run_id);
  if (name == "params") return Val::Data(env.params);
  if (name == "ti" || name == "task_instance") return Val::Object("ti");
  for (const char* object : {"dag", "task", "dag_run", "macros", "var"})
    if (name == object) return Val::Object(name);
  // Airflow 2's context has these; the local runtime does not.
  static constexpr std::string_view kAirflowOnly[] = {"conf",
                                                      "conn",
                                                      "exception",
                                                      "expanded_ti_count",
                                                      "inlets",
                                                      "inlet_events",
                                                      "outlets",
                                                      "outlet_events",
                                                      "map_index_template",
                                                      "prev_data_interval_start_success",
                                                      "prev_data_interval_end_success",
                                                      "prev_execution_date_success",
                                                      "prev_start_date_success",
                                                      "prev_end_date_success",
                                                      "task_instance_key_str",
                                                      "templates_dict",
                                                      "test_mode",
                                                      "triggering_dataset_events"};
  const bool airflow_has_it =
      std::find(std::begin(kAirflowOnly), std::end(kAirflowOnly), name) != std::end(kAirflowOnly);
  if (env.knows_all_names && !airflow_has_it)
    return Val::Undefined(fmt::format("'{}' is undefined", name));
  throw TemplateError(
      fmt::format("'{}' is not in the template context the local runtime has{}", name,
                  airflow_has_it ? ""
                                 : " (nor is it one of Jinja's; is it one of the DAG's "
                                   "user_defined_macros, which the runtime does not read?)"));
}

Val Attribute(const TemplateEnvironment& env, const Val& v, const std::string& name) {
  const sched::TemplateContext& c = env.context;
  if (v.kind == Val::kDate) {
    if (name == "year" || name == "month" || name == "day" || name == "hour" || name == "minute" ||
        name == "second") {
      const char* format = name == "year"     ? "%Y"
                           : name == "month"  ? "%m"
                           : name == "day"    ? "%d"
                           : name == "hour"   ? "%H"
                           : name == "minute" ? "%M"
                                              : "%S";
      return Val::Data(std::stoll(Strftime(v.date, format)));
    }
    return Val::Method(v, name);
  }
  if (v.kind == Val::kDuration) {  // Python's timedelta, normalized as Python does
    const Millis days =
        v.date >= 0 ? v.date / sched::kDay : -((-v.date + sched::kDay - 1) / sched::kDay);
    const Millis rest = v.date - days * sched::kDay;
    if (name == "days") return Val::Data(days);
    if (name == "seconds") return Val::Data(rest / 1000);
    if (name == "microseconds") return Val::Data(rest % 1000 * 1000);
    if (name == "total_seconds") return Val::Method(v, name);
    throw TemplateError(
        fmt::format("a timedelta has no attribute '{}' in the local runtime", name));
  }
  if (v.kind == Val::kObject) {
    const std::string& o = v.name;
    if (o == "macros" && (name == "datetime" || name == "timedelta"))
      return Val::Object("macros." + name);
    if (o == "macros" && name != "ds_add" && name != "ds_format")
      throw TemplateError(
          fmt::format("macros.{} is not one the local runtime has (ds_add, ds_format, datetime, "
                      "datetime.strptime, timedelta)",
                      name));
    if (o == "dag" && name == "dag_id") return Val::Data(std::string(c.dag_id));
    if (o == "task" && name == "task_id") return Val::Data(std::string(c.task_id));
    if (o == "ti" && name == "task_id") return Val::Data(std::string(c.task_id));
    if (o == "ti" && name == "dag_id") return Val::Data(std::string(c.dag_id));
    if (o == "ti" && name == "try_number") return Val::Data(c.try_number);
    if (o == "ti" && name == "run_id") return Name(env, "run_id");
    if ((o == "ti" || o == "dag_run") && (name == "execution_date" || name == "logical_date"))
      return Val::Date(c.logical_date);
    if (o == "dag_run" && name == "run_id") return Name(env, "run_id");
    if (o == "dag_run" && name == "dag_id") return Val::Data(std::string(c.dag_id));
    if (o == "dag_run" && name == "conf") return Val::Data(env.conf);
    if (o == "var" && (name == "value" || name == "json")) return Val::Object("var." + name);
    if ((o == "var.value" || o == "var.json") && name == "get") return Val::Method(v, name);
    if (o == "var.value") return Val::Data(VariableText(env, name));
    if (o == "var.json") return Val::Data(ParseVariableJson(name, VariableText(env, name)));
    return Val::Method(v, name);
  }
  if (v.kind == Val::kData && v.data.is_object()) {
    if (v.data.contains(name)) return Val::Data(v.data.at(name));
    if (name == "get" || name == "keys" || name == "values" || name == "items")
      return Val::Method(v, name);
    return Val::Undefined(fmt::format("'{}' has no key '{}'", PythonRepr(v.data), name));
  }
  if (v.kind == Val::kData) return Val::Method(v, name);
  if (v.kind == Val::kUndefined) throw TemplateError(v.name);
  throw TemplateError(fmt::format("'{}' has no attribute '{}'", v.name, name));
}

Val Item(const TemplateEnvironment& env, const Val& v, const Val& key) {
  const Json k = Plain(key);
  if (v.kind == Val::kObject && k.is_string()) return Attribute(env, v, k.get<std::string>());
  const Json d = Plain(v);
  if (d.is_object() && k.is_string()) {
    if (d.contains(k.get<std::string>())) return Val::Data(d.at(k.get<std::string>()));
    return Val::Undefined(fmt::format("{} has no key {}", PythonRepr(d), PythonRepr(k)));
  }
  if ((d.is_array() || d.is_string()) && (k.is_number_integer() || k.is_boolean())) {
    const std::vector<Json> items = d.is_array() ? std::vector<Json>() : Elements(Val::Data(d));
    const int64_t size = static_cast<int64_t>(d.is_array() ? d.size() : items.size());
    int64_t i = k.is_boolean() ? int64_t{k.get<bool>()} : k.get<int64_t>();
    if (i < 0) i += size;
    if (i < 0 || i >= size)  // Jinja's getitem: undefined, an error once used
      return Val::Undefined(fmt::format("{} has no item {}", PythonRepr(d), PythonRepr(k)));
    return Val::Data(d.is_array() ? d.at(static_cast<size_t>(i)) : items[static_cast<size_t>(i)]);
  }
  // Jinja's getitem: undefined, an error once used.
  return Val::Undefined(fmt::format("{} cannot be indexed with {}", PythonRepr(d), PythonRepr(k)));
}

Val Call(const TemplateEnvironment& env, const Val& f, const std::vector<Val>& args,
         const std::vector<std::pair<std::string, Val>>& kwargs) {
  auto arg = [&](size_t i, const char* keyword) -> const Val* {
    if (i < args.size()) return &args[i];
    for (const auto& [k, v] : kwargs)
      if (k == keyword) return &v;
    return nullptr;
  };
  auto text = [&](size_t i, const char* keyword) {
    const Val* v = arg(i, keyword);
    if (v == nullptr) throw TemplateError(fmt::format("'{}' is missing", keyword));
    const Json j = Plain(*v);
    if (!j.is_string()) throw TemplateError(fmt::format("'{}' must be a string", keyword));
    return j.get<std::string>();
  };
  if (f.kind == Val::kObject && f.name == "macros.datetime") return MakeDatetime(args, kwargs);
  if (f.kind == Val::kObject && f.name == "macros.timedelta") return MakeTimedelta(args, kwargs);
  if (f.kind == Val::kObject) throw TemplateError(f.name + " cannot be called");
  if (f.kind != Val::kMethod) throw TemplateError("only functions and methods can be called");
  const Val& self = *f.self;
  const std::string& m = f.name;
  if (self.kind == Val::kObject && self.name == "macros") {
    if (m == "ds_add") {
      const Val* days = arg(1, "days");
      if (days == nullptr || !Plain(*days).is_number_integer())
        throw TemplateError("macros.ds_add(ds, days) needs a whole number of days");
      return Val::Data(sched::FormatDs(
          ShiftDate(Strptime(text(0, "ds"), "%Y-%m-%d"),
                    static_cast<double>(Plain(*days).get<int64_t>()) * sched::kDay)));
    }
    if (m == "ds_format") {
      return Val::Data(
          Strftime(Strptime(text(0, "ds"), text(1, "input_format")), text(2, "output_format")));
    }
    throw TemplateError(fmt::format("macros.{} cannot be called", m));
  }
  if (self.kind == Val::kObject && self.name == "macros.datetime") {
    if (m == "strptime") return Val::NaiveDate(Strptime(text(0, "date_string"), text(1, "format")));
    throw TemplateError(
        fmt::format("macros.datetime.{} is not supported by the local runtime (strptime is)", m));
  }
  if (self.kind == Val::kDuration && m == "total_seconds")
    return Val::Data(static_cast<double>(self.date) / 1000.0);
  if (self.kind == Val::kDate) {
    if (m == "strftime") return Val::Data(Strftime(self.date, text(0, "format"), self.naive));
    if (m == "isoformat") return Val::Data(Plain(self));
    if (m == "date") return Val::Data(sched::FormatDs(self.date));
    if (m == "replace") return ReplaceDate(self, args, kwargs);
    if (m == "weekday" || m == "isoweekday") {  // 1970-01-01 was a Thursday
      const Millis days = self.date >= 0 ? self.date / sched::kDay
                                         : -((-self.date + sched::kDay - 1) / sched::kDay);
      const int64_t weekday = ((days + 3) % 7 + 7) % 7;
      return Val::Data(m == "weekday" ? weekday : weekday + 1);
    }
    if (self.naive && (m == "add" || m == "subtract" || m == "timestamp"))
      throw TemplateError(fmt::format(
          "{}() is not a method of a naive datetime (macros.datetime's) in the local runtime", m));
    if (m == "timestamp") return Val::Data(static_cast<double>(self.date) / 1000.0);
    if (m == "add" || m == "subtract") {
      Millis date = self.date;
      for (const auto& [unit, v] : kwargs) {
        const Json n = Plain(v);
        if (!n.is_number()) throw TemplateError(m + "() takes numbers");
        const int64_t per = unit == "days"      ? sched::kDay
                            : unit == "hours"   ? 3'600'000
                            : unit == "minutes" ? 60'000
                            : unit == "seconds" ? 1000
                            : unit == "weeks"   ? 7 * sched::kDay
                                                : 0;
        if (per == 0) throw TemplateError(m + "(" + unit + "=...) is not supported");
        // Each unit is truncated to whole milliseconds, as timedelta rounds its parts.
        const double ms = std::trunc(n.get<double>() * static_cast<double>(per));
        date = ShiftDate(date, m == "add" ? ms : -ms);
      }
      return Val::Date(date);
    }
    throw TemplateError("the date has no method '" + m + "' in the local runtime");
  }
  if (self.kind == Val::kObject && self.name == "ti" && m == "xcom_pull") {
    const Val* task_ids = arg(0, "task_ids");
    const Val* key_arg = arg(99, "key");
    const std::string key = key_arg ? Plain(*key_arg).get<std::string>() : "return_value";
    if (const Val* dag_id = arg(99, "dag_id");
        dag_id != nullptr && Plain(*dag_id) != Json(std::string(env.context.dag_id)))
      throw TemplateError("ti.xcom_pull(dag_id=...) of another DAG is not supported locally");
    auto pull = [&](const std::string& task_id) -> Json {
      std::optional<std::string> stored = env.xcom ? env.xcom(task_id, key) : std::nullopt;
      if (!stored) return nullptr;
      try {
        return Json::parse(*stored);
      } catch (const std::exception&) {
        return *stored;
      }
    };
    if (task_ids == nullptr)
      throw TemplateError("ti.xcom_pull() without task_ids is not supported locally");
    const Json ids = Plain(*task_ids);
    if (ids.is_string()) return Val::Data(pull(ids.get<std::string>()));
    if (ids.is_array()) {
      Json out = Json::array();
      for (const Json& id : ids) {
        if (!id.is_string()) throw TemplateError("task_ids must be strings");
        out.push_back(pull(id.get<std::string>()));
      }
      return Val::Data(out);
    }
    throw TemplateError("task_ids must be a string or a list of strings");
  }
  if (self.kind == Val::kObject && (self.name == "var.value" || self.name == "var.json") &&
      m == "get") {
    const std::string name = text(0, "key");
    std::optional<std::string> value = env.variable ? env.variable(name) : std::nullopt;
    if (!value) {
      const Val* fallback = arg(1, "default_var");
      if (fallback == nullptr) VariableText(env, name);  // KeyError, as in Airflow
      return *fallback;
    }
    return self.name == "var.value" ? Val::Data(*value)
                                    : Val::Data(ParseVariableJson(name, *value));
  }
  if (self.kind == Val::kData) return DataMethod(self.data, m, args);
  throw TemplateError(fmt::format("{}.{}() is not supported by the local runtime", self.name, m));
}

Val DataMethod(const Json& d, const std::string& m, const std::vector<Val>& args) {
  if (d.is_object() && m == "get") {
    if (args.empty()) throw TemplateError("get() needs a key");
    const Json k = Plain(args[0]);
    if (k.is_string() && d.contains(k.get<std::string>()))
      return Val::Data(d.at(k.get<std::string>()));
    return args.size() > 1 ? args[1] : Val::Data(nullptr);
  }
  if (d.is_object() && (m == "keys" || m == "values" || m == "items")) {
    Json out = Json::array();
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (m == "items")
        out.push_back(Json::array({it.key(), it.value()}));
      else
        out.push_back(m == "keys" ? Json(it.key()) : it.value());
    }
    return Val::Data(out);
  }
  if (d.is_string()) {
    std::string s = d.get<std::string>();
    if (m == "upper" || m == "lower") {
      for (char& c : s)
        c = static_cast<char>(m == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                           : std::tolower(static_cast<unsigned char>(c)));
      return Val::Data(s);
    }
    if (m == "strip") return Val::Data(Trim(s));
    if (m == "lstrip" || m == "rstrip") {
      const std::string trimmed = Trim(s);
      if (trimmed.empty()) return Val::Data(trimmed);
      const size_t at = s.find(trimmed);
      return Val::Data(m == "lstrip" ? s.substr(at) : s.substr(0, at + trimmed.size()));
    }
    if ((m == "startswith" || m == "endswith") && args.size() == 1) {
      const std::string affix = Str(args[0]);
      return Val::Data(m == "startswith" ? s.starts_with(affix) : s.ends_with(affix));
    }
    if (m == "join" && args.size() == 1) return Filter(args[0], "join", {Val::Data(s)}, {});
    if (m == "replace" && args.size() == 2) return Val::Data(Replace(s, args[0], args[1]));
    if (m == "split") {
      const std::string sep = args.empty() ? " " : Plain(args[0]).get<std::string>();
      Json out = Json::array();
      if (sep.empty()) throw TemplateError("split('') is not allowed");
      size_t at = 0;
      for (size_t p; (p = s.find(sep, at)) != std::string::npos; at = p + sep.size())
        out.push_back(s.substr(at, p - at));
      out.push_back(s.substr(at));
      return Val::Data(out);
    }
  }
  throw TemplateError(
      fmt::format("{}.{}() is not supported by the local runtime", PythonRepr(d), m));
}

}  // namespace dagport::runtime::jinja

namespace dagport::runtime {

bool MergedParams(const ir::Dag& dag, const ir::Task& task, nlohmann::ordered_json* out,
                  std::string* why) {
  *out = nlohmann::ordered_json::object();
  for (const ir::Value* v : {ir::FindArgument(dag.arguments, "params"),
                             ir::FindArgument(task.effective_arguments, "params")}) {
    if (v == nullptr || v->is_none()) continue;
    nlohmann::ordered_json j;
    std::string reason;
    if (!ValueToJson(*v, nullptr, &j, &reason) || !j.is_object()) {
      *why = "params: " + (reason.empty() ? std::string("not a dict") : reason);
      return false;
    }
    for (auto it = j.begin(); it != j.end(); ++it) (*out)[it.key()] = it.value();
  }
  return true;
}

std::string VariableEnvName(const std::string& name) {
  std::string variable = "AIRFLOW_VAR_";
  for (char c : name) variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return variable;
}

std::optional<std::string> VariableFromEnvironment(const std::string& name) {
  const char* value = std::getenv(VariableEnvName(name).c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace dagport::runtime
