#include "simulator/settings.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

extern const unsigned char kSimulatorDefaultsJson[];
extern const unsigned long kSimulatorDefaultsJson_size;

namespace dagport::simulator {

namespace {

using Json = nlohmann::json;

const Json& Defaults() {
  static const Json j =
      Json::parse(kSimulatorDefaultsJson, kSimulatorDefaultsJson + kSimulatorDefaultsJson_size);
  return j;
}

double Figure(const char* section, const char* key) {
  return Defaults().at(section).at(key).at("value").get<double>();
}

std::optional<double> OptionalNumber(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<double>();
}

MwaaClass ReadClass(const std::string& name, const Json& j) {
  MwaaClass c;
  c.name = name;
  c.tasks_per_worker = j.at("tasks_per_worker").get<int>();
  c.autoscaling = j.at("autoscaling").get<bool>();
  c.worker_vcpu = j.at("worker_vcpu").get<double>();
  c.worker_gb = j.at("worker_gb").get<double>();
  c.environment_per_hour = OptionalNumber(j, "environment_per_hour");
  c.worker_per_hour = OptionalNumber(j, "worker_per_hour");
  return c;
}

}  // namespace

std::string_view ExecutorName(ExecutorKind kind) {
  switch (kind) {
    case ExecutorKind::kLocal: return "local";
    case ExecutorKind::kCelery: return "celery";
    case ExecutorKind::kKubernetes: return "kubernetes";
    case ExecutorKind::kEcs: return "ecs";
  }
  return "celery";
}

Settings DefaultSettings() {
  Settings s;
  s.schedulers = static_cast<int>(Figure("scheduler", "schedulers"));
  s.parallelism = static_cast<int>(Figure("scheduler", "parallelism"));
  s.max_tis_per_query = static_cast<int>(Figure("scheduler", "max_tis_per_query"));
  s.default_pool_slots = static_cast<int>(Figure("scheduler", "default_pool_slots"));
  s.busy_loop_s = Figure("scheduler", "busy_loop_seconds");
  s.hop_median_s = Figure("scheduler", "hop_latency_median_seconds");
  s.hop_p95_s = Figure("scheduler", "hop_latency_p95_seconds");
  s.worker_concurrency = static_cast<int>(Figure("celery", "worker_concurrency"));
  s.queued_to_running_s = Figure("celery", "queued_to_running_seconds");
  s.scale_up_s = Figure("mwaa", "scale_up_seconds");
  s.scale_down_s = Figure("mwaa", "scale_down_seconds");
  s.autoscaling_period_s = Figure("mwaa", "autoscaling_period_seconds");
  s.workers = 1;
  s.max_workers = 1;
  s.pod_start_s = Figure("kubernetes", "pod_start_seconds");
  s.pods_per_loop = static_cast<int>(Figure("kubernetes", "pods_per_loop"));
  s.pod_start_sigma = Figure("kubernetes", "pod_start_sigma");
  s.pod_loop_s = Figure("kubernetes", "loop_seconds");
  s.ecs_startup_base_s = Figure("ecs", "startup_base_seconds");
  s.ecs_image_mb = Figure("ecs", "image_mb");
  s.ecs_pull_mb_per_s = Figure("ecs", "pull_mb_per_second");
  s.ecs_sigma = Figure("ecs", "startup_sigma");
  s.ecs_startup_min_s = Figure("ecs", "startup_min_seconds");
  s.ecs_startup_max_s = Figure("ecs", "startup_max_seconds");
  s.ecs_launch_burst = Figure("ecs", "launch_burst");
  s.ecs_launch_per_s = Figure("ecs", "launch_per_second");
  s.ecs_cpu = static_cast<int>(Figure("ecs", "cpu_units"));
  s.ecs_memory_mib = static_cast<int>(Figure("ecs", "memory_mib"));
  s.local_slots = static_cast<int>(Figure("local", "slots"));
  s.local_queued_to_running_s = Figure("local", "queued_to_running_seconds");
  const Json& prices = Defaults().at("prices");
  s.currency = prices.at("currency").get<std::string>();
  s.prices_as_of = prices.at("as_of").get<std::string>();
  s.prices_source = prices.at("source").get<std::string>();
  s.fargate_vcpu_hour = prices.at("fargate_vcpu_hour").get<double>();
  s.fargate_gb_hour = prices.at("fargate_gb_hour").get<double>();
  s.fargate_minimum_s = prices.at("fargate_minimum_seconds").get<double>();
  for (const Json& size : Defaults().at("fargate_sizes").at("sizes")) {
    const int cpu = size.at("cpu").get<int>();
    const Json& memory = size.at("memory_gb");
    if (memory.is_array()) {
      for (const Json& m : memory) s.fargate_sizes.push_back({cpu, m.get<double>()});
    } else {
      for (double m = memory.at("from").get<double>(); m <= memory.at("to").get<double>();
           m += memory.at("step").get<double>())
        s.fargate_sizes.push_back({cpu, m});
    }
  }
  return s;
}

std::optional<MwaaClass> FindMwaaClass(const std::string& name) {
  const Json& classes = Defaults().at("mwaa").at("classes");
  auto it = classes.find(name);
  if (it == classes.end()) return std::nullopt;
  return ReadClass(name, *it);
}

std::vector<std::string> MwaaClassNames() {
  std::vector<std::string> names;
  for (const auto& [name, _] : Defaults().at("mwaa").at("classes").items()) names.push_back(name);
  return names;
}

void FitParallelismToWorkers(Settings& s) {
  const int slots = s.max_workers * s.worker_concurrency;
  const int schedulers = std::max(1, s.schedulers);
  s.parallelism = std::max(s.parallelism, (slots + schedulers - 1) / schedulers);
}

void ApplyMwaaClass(Settings& s, const MwaaClass& mwaa) {
  s.mwaa = mwaa;
  s.executor = ExecutorKind::kCelery;
  s.worker_concurrency = mwaa.tasks_per_worker;
  s.autoscaling = mwaa.autoscaling;
  s.workers = static_cast<int>(Figure("mwaa", "min_workers"));
  s.max_workers = mwaa.autoscaling ? static_cast<int>(Figure("mwaa", "max_workers")) : s.workers;
  // MWAA sets core.parallelism so that every worker slot can be used (docs.aws.amazon.com/mwaa
  // mwaa-autoscaling.html: "hundreds of tasks in parallel"): at least max workers x tasks.
  FitParallelismToWorkers(s);
}

void ApplyPrices(Settings& s, const std::string& json_text) {
  Json j;
  try {
    j = Json::parse(json_text);
  } catch (const Json::exception& e) {  // a parse error, or a number out of a double's range
    throw std::runtime_error(fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) throw std::runtime_error("expected a JSON object");
  static const std::set<std::string> kKeys = {"currency",
                                              "region",
                                              "as_of",
                                              "source",
                                              "fargate_vcpu_hour",
                                              "fargate_gb_hour",
                                              "fargate_minimum_seconds",
                                              "mwaa"};
  for (const auto& [key, _] : j.items()) {
    if (!kKeys.count(key))
      throw std::runtime_error(fmt::format(
          "unknown key \"{}\" (known: currency, region, as_of, source, fargate_vcpu_hour, "
          "fargate_gb_hour, fargate_minimum_seconds, mwaa)",
          key));
  }
  auto number = [&](const char* key, double& target) {
    if (!j.contains(key)) return;
    if (!j[key].is_number()) throw std::runtime_error(fmt::format("\"{}\" must be a number", key));
    target = j[key].get<double>();
  };
  number("fargate_vcpu_hour", s.fargate_vcpu_hour);
  number("fargate_gb_hour", s.fargate_gb_hour);
  number("fargate_minimum_seconds", s.fargate_minimum_s);
  if (j.contains("as_of") && j["as_of"].is_string()) s.prices_as_of = j["as_of"].get<std::string>();
  if (j.contains("source") && j["source"].is_string())
    s.prices_source = j["source"].get<std::string>();
  if (j.contains("currency") && j["currency"].is_string())
    s.currency = j["currency"].get<std::string>();
  if (j.contains("mwaa") && s.mwaa) {
    const Json& m = j["mwaa"];
    if (!m.is_object()) throw std::runtime_error("\"mwaa\" must be an object of classes");
    auto it = m.find(s.mwaa->name);
    if (it != m.end()) {
      if (!it->is_object()) throw std::runtime_error("\"mwaa\": each class must be an object");
      for (const char* key : {"environment_per_hour", "worker_per_hour"}) {
        if (it->contains(key) && !(*it)[key].is_null() && !(*it)[key].is_number())
          throw std::runtime_error(fmt::format("\"mwaa\".{}: must be a number or null", key));
      }
      if (auto v = OptionalNumber(*it, "environment_per_hour")) s.mwaa->environment_per_hour = v;
      if (auto v = OptionalNumber(*it, "worker_per_hour")) s.mwaa->worker_per_hour = v;
    }
  }
}

FargateSize RoundUpFargate(const Settings& s, int cpu, int memory_mib) {
  const double gb = memory_mib / 1024.0;
  for (const FargateSize& size : s.fargate_sizes) {
    if (size.cpu >= cpu && size.memory_gb + 1e-9 >= gb) return size;
  }
  return s.fargate_sizes.empty() ? FargateSize{} : s.fargate_sizes.back();
}

}  // namespace dagport::simulator
