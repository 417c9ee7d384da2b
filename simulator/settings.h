#pragma once
/// Everything a simulation is run with: the horizon, the executor model and its figures, the
/// scheduler settings and the prices. Defaults come from `data/simulator_defaults.json` (embedded;
/// every figure names its source); the command line and a --prices file override them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sched/clock.h"

namespace dagport::simulator {

enum class ExecutorKind { kLocal, kCelery, kKubernetes, kEcs };
enum class Placement { kRandom, kPack, kSpread };

std::string_view ExecutorName(ExecutorKind kind);

struct MwaaClass {
  std::string name;
  int tasks_per_worker = 5;
  bool autoscaling = true;
  double worker_vcpu = 1, worker_gb = 2;
  std::optional<double> environment_per_hour;  ///< USD; nullopt when no public figure
  std::optional<double> worker_per_hour;       ///< USD per additional worker
};

struct FargateSize {
  int cpu = 1024;  ///< CPU units (1024 = 1 vCPU)
  double memory_gb = 2;
};

struct Settings {
  // Horizon.
  sched::Millis start = 0;
  int days = 1;
  bool switched_on_at_start = false;  ///< --catchup: DAGs switched on at the start
  uint64_t seed = 1;
  int replays = 1;

  // Scheduler.
  int schedulers = 2;
  int parallelism = 32;  ///< per scheduler
  int max_tis_per_query = 16;
  int default_pool_slots = 128;
  std::map<std::string, int> pools;  ///< pools other than default_pool
  double busy_loop_s = 0.5;
  double hop_median_s = 3.0, hop_p95_s = 10.0;

  // Executors.
  ExecutorKind executor = ExecutorKind::kCelery;
  int local_slots = 32;
  double local_queued_to_running_s = 0.1;
  int workers = 1;  ///< Celery workers at the start (MWAA min workers)
  int max_workers = 1;
  int worker_concurrency = 16;
  bool autoscaling = false;
  double scale_up_s = 180, scale_down_s = 180, autoscaling_period_s = 60;
  double queued_to_running_s = 0.4;
  Placement placement = Placement::kRandom;
  std::optional<MwaaClass> mwaa;  ///< set by --mwaa-class
  double pod_start_s = 8;
  double pod_start_sigma = 0.2;
  int pods_per_loop = 1;
  double pod_loop_s = 1;
  double ecs_startup_base_s = 12, ecs_image_mb = 400, ecs_pull_mb_per_s = 40, ecs_sigma = 0.35;
  double ecs_startup_min_s = 15, ecs_startup_max_s = 180;
  double ecs_launch_burst = 100, ecs_launch_per_s = 20;
  int ecs_cpu = 1024, ecs_memory_mib = 2048;

  // Prices.
  std::string currency = "USD";
  std::string prices_as_of;
  std::string prices_source;
  double fargate_vcpu_hour = 0.04048, fargate_gb_hour = 0.004445;
  double fargate_minimum_s = 60;
  std::vector<FargateSize> fargate_sizes;

  /// Paths (prefixes, globs allowed) whose accesses clash across hosts: an S3 key, a shared
  /// file system, a table. "s3://" and "gs://" paths are always global.
  std::vector<std::string> global_resources;
};

/// The defaults of `data/simulator_defaults.json`.
Settings DefaultSettings();

/// The MWAA environment class `name` ("mw1.small"); nullopt for an unknown name.
std::optional<MwaaClass> FindMwaaClass(const std::string& name);
std::vector<std::string> MwaaClassNames();

/// Applies an MWAA class: tasks per worker, autoscaling, its prices, and a parallelism that
/// lets every worker slot be used.
void ApplyMwaaClass(Settings& s, const MwaaClass& mwaa);
/// Raises parallelism (per scheduler) to at least max_workers x worker_concurrency in total.
void FitParallelismToWorkers(Settings& s);

/// Overrides prices from a JSON text shaped like the defaults' "prices" section, optionally with
/// "mwaa": {"mw1.small": {"environment_per_hour": .., "worker_per_hour": ..}}. Throws
/// std::runtime_error naming the line and column of a mistake.
void ApplyPrices(Settings& s, const std::string& json_text);

/// The smallest legal Fargate size with at least `cpu` units and `memory_mib` MiB.
FargateSize RoundUpFargate(const Settings& s, int cpu, int memory_mib);

}  // namespace dagport::simulator
