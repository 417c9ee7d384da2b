#pragma once
/// Sensors the local runtime runs, as Airflow 2's BaseSensorOperator does: poke until the
/// condition holds, every `poke_interval`, and fail (or, with `soft_fail`, skip) once `timeout`
/// has passed since the first poke. `BashSensor` (exit code 0), `PythonSensor` (a truthy return
/// value) poke in the sandbox, one process per poke; `FileSensor` (a file, folder or glob exists
/// on this machine, as on the worker: not in the sandbox's private /tmp), `ExternalTaskSensor`
/// (the state of another DAG's task or run in the same state file), `TimeDeltaSensor` and
/// `DateTimeSensor` are checked by dagport itself. In `poke` mode the sensor keeps its slot
/// while it waits; in `reschedule` mode it gives it back between pokes.

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/jinja_template.h"
#include "runtime/state_store.h"
#include "runtime/task_command.h"
#include "sched/clock.h"

namespace dagport::runtime {

struct SensorSpec {
  enum class Kind { kBash, kPython, kFile, kExternalTask, kTimeDelta, kDateTime };
  Kind kind = Kind::kBash;
  sched::Millis poke_interval = 60 * sched::kSecond;
  sched::Millis timeout = 7 * sched::kDay;
  bool soft_fail = false;
  /// mode='reschedule': between pokes the sensor gives its slot back (Airflow 1.10.2+).
  bool reschedule = false;
  // ExternalTaskSensor
  std::string external_dag_id;
  std::vector<std::string> external_task_ids;  ///< empty: the whole DAG run
  sched::Millis execution_delta = 0;
  std::vector<std::string> allowed_states{"success"};
  std::vector<std::string> failed_states;
  // TimeDeltaSensor: the end of the data interval plus `delta`; DateTimeSensor: `target_time`.
  sched::Millis delta = 0;
  std::string target_time;  ///< templated
  std::string filepath;     ///< FileSensor, templated
  /// Pokes in a process (Bash, Python, File) rather than in dagport.
  bool in_process() const { return kind != Kind::kBash && kind != Kind::kPython; }
};

/// The sensor of `task` (a class named `operator_name`); nullopt with `why` when it is not one
/// the runtime runs, or its settings are not known statically.
std::optional<SensorSpec> SensorFor(const ir::Task& task, const std::string& operator_name,
                                    std::string* why);

/// The command of one poke of a BashSensor (exit code 0: the condition holds).
std::optional<TaskCommand> SensorCommand(const ir::Task& task, const SensorSpec& sensor,
                                         const TemplateEnvironment& env, std::string* why);

/// kError: dagport cannot check it (a template it cannot render): not retried.
enum class PokeResult { kMet, kNotYet, kFailed, kError };

/// One poke of a sensor dagport checks itself, at `now`; `note` says what it saw.
PokeResult PokeInProcess(const SensorSpec& sensor, StateStore& state,
                         const TemplateEnvironment& env, sched::Millis now, std::string* note);

/// A PythonSensor's poke that exited 0: whether its callable's return value (the JSON in
/// `xcom_file`) says the condition holds. A `PokeReturnValue(is_done, xcom_value)` says so in
/// `is_done`, and `xcom_value` is left in the file as the sensor's XCom; a plain value is
/// judged by its truth and pushes nothing (the file is left holding null).
bool PythonPokeMet(const std::string& xcom_file);

}  // namespace dagport::runtime
