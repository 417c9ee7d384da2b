#pragma once
/// What a local run reports as it goes, to plug-in observers (as taskflow's observers): StatsD
/// lines over UDP with Airflow's metric names, a Prometheus text file, JSON lines of events.

#include <memory>
#include <string>
#include <vector>

namespace dagport::runtime {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void TaskStarted(const std::string& dag_id, const std::string& task_id,
                           int try_number) = 0;
  /// state: success, failed, skipped, up_for_retry.
  virtual void TaskFinished(const std::string& dag_id, const std::string& task_id,
                            const std::string& state, double seconds) = 0;
  virtual void RunFinished(const std::string& dag_id, const std::string& run_id, bool success,
                           double seconds) = 0;
};

/// StatsD over UDP to "host:port" with Airflow's names and prefix ("airflow."):
/// ti.start.<dag>.<task>, ti.finish.<dag>.<task>.<state>, ti_successes, ti_failures,
/// dag.<dag>.<task>.duration, dagrun.duration.<success|failed>.<dag>. Throws
/// std::runtime_error for an address it cannot resolve.
std::unique_ptr<RunObserver> MakeStatsdObserver(const std::string& host_port,
                                                const std::string& prefix = "airflow");

/// A Prometheus text-format file, rewritten (atomically) after every change:
/// dagport_task_finished_total{dag_id,task_id,state}, dagport_task_duration_seconds_sum/count,
/// dagport_dagrun_duration_seconds{dag_id,state}.
std::unique_ptr<RunObserver> MakePrometheusFile(const std::string& path);

/// One JSON object per line per event, appended to `path`.
std::unique_ptr<RunObserver> MakeJsonLinesFile(const std::string& path);

}  // namespace dagport::runtime
