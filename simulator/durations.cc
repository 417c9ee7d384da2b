#include "simulator/durations.h"

#include "ir/json_reader.h"
#include "simulator/simulate_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string_view>

namespace dagport::simulator {

namespace {

using Json = nlohmann::json;

/// Default durations by operator, as a table: the first row whose pattern the class name
/// contains (or equals, for exact rows) applies. Medians and p95s in seconds; assumptions to be
/// replaced by a team's own history through the durations file.
struct DefaultRow {
  std::string_view pattern;
  bool exact;
  double median_s, p95_s;
};

constexpr std::array kDefaults = {
    DefaultRow{"DummyOperator", true, 0, 0},
    DefaultRow{"EmptyOperator", true, 0, 0},
    DefaultRow{"TriggerDagRunOperator", true, 2, 10},
    DefaultRow{"ShortCircuitOperator", true, 5, 30},
    DefaultRow{"Branch", false, 5, 30},
    DefaultRow{"Virtualenv", false, 480, 1200},  // builds a virtualenv on every try
    DefaultRow{"Sensor", false, 300, 1800},
    DefaultRow{"Transfer", false, 300, 1500},
    DefaultRow{"ToRedshift", false, 300, 1500},
    DefaultRow{"ToS3", false, 300, 1500},
    DefaultRow{"EcsRunTask", false, 240, 900},
    DefaultRow{"ECSOperator", false, 240, 900},
    DefaultRow{"ContainerTask", false, 240, 900},
    DefaultRow{"KubernetesPod", false, 240, 900},
    DefaultRow{"DockerOperator", false, 240, 900},
    DefaultRow{"Postgres", false, 120, 900},
    DefaultRow{"MySql", false, 120, 900},
    DefaultRow{"Sql", false, 120, 900},
    DefaultRow{"Redshift", false, 120, 900},
    DefaultRow{"Snowflake", false, 120, 900},
    DefaultRow{"BigQuery", false, 120, 900},
    DefaultRow{"BashOperator", true, 60, 600},
    DefaultRow{"PythonOperator", true, 60, 600},
    DefaultRow{"", false, 120, 900},
};

DurationModel FromRow(const DefaultRow& row, const std::string& name) {
  DurationModel m;
  m.median_s = row.median_s;
  m.sigma = SigmaFromP95(row.median_s, row.p95_s);
  m.source = "default for " + name;
  return m;
}

DurationModel ReadModel(const std::string& key, const Json& j) {
  if (!j.is_object())
    throw std::runtime_error(fmt::format("\"{}\": expected an object with mean and p95", key));
  DurationModel m;
  m.source = "durations file";
  auto number = [&](const char* name, double low) -> std::optional<double> {
    auto it = j.find(name);
    if (it == j.end()) return std::nullopt;
    if (!it->is_number() || it->get<double>() < low)
      throw std::runtime_error(
          fmt::format("\"{}\".{}: expected a number of at least {}", key, name, low));
    return it->get<double>();
  };
  static const std::set<std::string> kKnown = {"mean",         "p95",           "median", "samples",
                                               "failure_rate", "continue_rate", "cpu",    "memory"};
  for (const auto& [name, _] : j.items()) {
    if (!kKnown.count(name))
      throw std::runtime_error(fmt::format(
          "\"{}\": unknown field \"{}\" (known: mean, median, p95, samples, failure_rate, "
          "continue_rate, cpu, memory)",
          key, name));
  }
  if (auto it = j.find("samples"); it != j.end()) {
    if (!it->is_array() || it->empty())
      throw std::runtime_error(fmt::format("\"{}\".samples: expected a non-empty array", key));
    for (const Json& s : *it) {
      if (!s.is_number() || s.get<double>() < 0)
        throw std::runtime_error(
            fmt::format("\"{}\".samples: expected non-negative numbers of seconds", key));
      m.samples.push_back(s.get<double>());
    }
  }
  const auto mean = number("mean", 0);
  const auto median = number("median", 0);
  const auto p95 = number("p95", 0);
  if (m.samples.empty() && !mean && !median)
    throw std::runtime_error(fmt::format("\"{}\": give mean (and p95), median, or samples", key));
  if (mean) {
    // Lognormal with this mean and p95: p95/mean = exp(1.645 s - s^2/2).
    double sigma = 0;
    if (p95 && *p95 > *mean && *mean > 0) {
      const double z = 1.6448536269514722, gap = std::log(*p95 / *mean);
      const double disc = z * z - 2 * gap;
      sigma = disc > 0 ? z - std::sqrt(disc) : z;
    } else if (p95 && *p95 < *mean) {
      throw std::runtime_error(fmt::format("\"{}\": p95 is below the mean", key));
    }
    m.sigma = sigma;
    m.median_s = *mean * std::exp(-sigma * sigma / 2);
  } else if (median) {
    if (p95 && *p95 < *median)
      throw std::runtime_error(fmt::format("\"{}\": p95 is below the median", key));
    m.median_s = *median;
    m.sigma = p95 ? SigmaFromP95(*median, *p95) : 0;
  }
  if (auto r = number("failure_rate", 0)) {
    if (*r > 1) throw std::runtime_error(fmt::format("\"{}\".failure_rate: at most 1", key));
    m.failure_rate = *r;
  }
  if (auto r = number("continue_rate", 0)) {
    if (*r > 1) throw std::runtime_error(fmt::format("\"{}\".continue_rate: at most 1", key));
    m.continue_rate = *r;
  }
  for (auto [name, field] : {std::pair{"cpu", &m.cpu}, std::pair{"memory", &m.memory_mib}}) {
    const auto c = number(name, 1);
    if (!c) continue;
    if (*c > std::numeric_limits<int>::max())  // it is held as an int
      throw std::runtime_error(
          fmt::format("\"{}\".{}: at most {}", key, name, std::numeric_limits<int>::max()));
    *field = static_cast<int>(*c);
  }
  return m;
}

}  // namespace

double DurationModel::Sample(Random& random) const {
  if (!samples.empty()) return samples[random.Below(samples.size())];
  if (sigma <= 0) return median_s;
  return random.LogNormal(median_s, sigma);
}

Durations Durations::Parse(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {  // a parse error, or a number out of a double's range
    throw std::runtime_error(
        fmt::format("{}: not valid JSON ({})",
                    JsonPosition(text, ir::json_reader::ParseErrorOffset(text, e)), e.what()));
  }
  if (!j.is_object()) throw std::runtime_error("1:1: expected a JSON object");
  Durations d;
  for (const auto& [key, value] : j.items()) {
    if (key == "operators") {
      if (!value.is_object())
        throw std::runtime_error("\"operators\": expected an object keyed by operator class");
      for (const auto& [name, model] : value.items()) {
        DurationModel m;
        try {
          m = ReadModel(name, model);
        } catch (const std::runtime_error& e) {
          throw std::runtime_error(JsonKeyPosition(text, name) + ": " + e.what());
        }
        m.source = "durations file, operator " + name;
        d.operators_[name] = m;
      }
      continue;
    }
    try {
      d.tasks_[key] = ReadModel(key, value);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(JsonKeyPosition(text, key) + ": " + e.what());
    }
  }
  return d;
}

DurationModel Durations::For(const std::string& dag_id, const sched::TaskPlan& task) const {
  if (auto it = tasks_.find(dag_id + "." + task.task_id); it != tasks_.end()) return it->second;
  if (auto it = operators_.find(task.operator_name); it != operators_.end()) return it->second;
  if (auto it = operators_.find(task.operator_class); it != operators_.end()) return it->second;
  // A custom class whose kind is known through its bases takes that kind's default.
  static constexpr std::array<std::pair<sched::TaskKind, std::string_view>, 4> kByKind = {{
      {sched::TaskKind::kEmpty, "EmptyOperator"},
      {sched::TaskKind::kBranch, "Branch"},
      {sched::TaskKind::kShortCircuit, "ShortCircuitOperator"},
      {sched::TaskKind::kSensor, "Sensor"},
  }};
  for (const auto& [kind, pattern] : kByKind) {
    if (task.kind != kind) continue;
    for (const DefaultRow& row : kDefaults) {
      if (row.pattern == pattern) return FromRow(row, task.operator_name);
    }
  }
  const bool installs = task.source != nullptr && task.source->InstallsOnWorker();
  for (const DefaultRow& row : kDefaults) {
    const bool match = row.exact ? task.operator_name == row.pattern
                                 : task.operator_name.find(row.pattern) != std::string::npos;
    if (installs && row.pattern == "Virtualenv") return FromRow(row, task.operator_name);
    if (match) return FromRow(row, task.operator_name);
  }
  return FromRow(kDefaults.back(), task.operator_name);
}

std::vector<std::string> Durations::UnusedKeys(const std::vector<std::string>& task_keys) const {
  std::set<std::string> known(task_keys.begin(), task_keys.end());
  std::vector<std::string> unused;
  for (const auto& [key, _] : tasks_) {
    if (!known.count(key)) unused.push_back(key);
  }
  std::sort(unused.begin(), unused.end());
  return unused;
}

}  // namespace dagport::simulator
