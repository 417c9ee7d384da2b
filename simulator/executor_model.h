#pragma once
/// Executor models: what happens between QUEUED and RUNNING, and on which host a task runs.
/// `celery` (N workers × slots, a free slot of a random worker pulls the task; MWAA
/// autoscaling), `kubernetes` (one pod per task), `ecs` (one Fargate task per task, launch
/// throttle), `local` (one host, N slots). Models talk to the simulation through ExecutorSink.

#include <cstdint>
#include <memory>
#include <string>

#include "sched/clock.h"
#include "simulator/random.h"
#include "simulator/settings.h"

namespace dagport::simulator {

/// Host id of an attempt that runs alone on its host (a pod, a Fargate task): its host paths
/// cannot clash with anything.
constexpr uint32_t kIsolatedHost = 0xffffffffu;

class ExecutorSink {
 public:
  virtual ~ExecutorSink() = default;
  /// The attempt runs on `host` from `start`; it is billed from `billed_from` (Fargate).
  virtual void Launch(uint32_t attempt, uint32_t host, sched::Millis billed_from,
                      sched::Millis start) = 0;
  /// Call the executor's Wake at `t`.
  virtual void WakeAt(sched::Millis t) = 0;
  /// A new host (a Celery worker); returns its id.
  virtual uint32_t NewHost(std::string name) = 0;
  /// Whether task work remains (runs to come, instances not settled).
  virtual bool WorkRemains() const = 0;
  /// The capacity in slots is about to change (for utilisation).
  virtual void CapacityChanging(sched::Millis t) = 0;
};

class ExecutorModel {
 public:
  virtual ~ExecutorModel() = default;
  /// The simulation starts at `t`.
  virtual void Begin(sched::Millis /*t*/) {}
  /// The scheduler queued the attempt at `t`.
  virtual void Queue(uint32_t attempt, sched::Millis t) = 0;
  /// The attempt on `host` ended at `t`; its slot is free.
  virtual void Finished(uint32_t attempt, uint32_t host, sched::Millis t) = 0;
  /// A wake-up the model asked for.
  virtual void Wake(sched::Millis /*t*/) {}
  /// The simulation ends at `t`: close the accounting.
  virtual void Close(sched::Millis /*t*/) {}
  /// Slots that can run tasks now (for utilisation); 0 when unbounded.
  virtual int Capacity() const = 0;

  int peak_workers = 0;             ///< Celery: most workers alive at once
  double worker_seconds = 0;        ///< Celery: worker time alive, all workers
  double extra_worker_seconds = 0;  ///< Celery: beyond the first worker (MWAA bills these)
};

std::unique_ptr<ExecutorModel> MakeExecutor(const Settings& settings, ExecutorSink& sink,
                                            Random& random);

}  // namespace dagport::simulator
