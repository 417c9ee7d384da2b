#pragma once
/// The scheduler's critical section: which scheduled task instances move to QUEUED, in Airflow 2's
/// order (`-priority_weight, logical_date`, then a deterministic tie-break), within parallelism,
/// pool slots, each DAG's `max_active_tasks` and each task's `max_active_tis_per_dag(run)`.
/// Running and queued instances count against every limit, as in Airflow (EXECUTION_STATES).
///
/// Ready instances are kept per (DAG, pool) in priority order, and only groups that can admit
/// are in the ordered set a pass walks; a group whose DAG or pool is full waits beside it until
/// a slot frees. A pass therefore costs O(admitted · log n), however long the backlog.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sched/clock.h"

namespace dagport::sched {

/// A task instance ready to be queued, with what the limits need to know about it.
struct Candidate {
  uint32_t id = 0;  ///< the caller's task-instance id
  int64_t priority = 1;
  Millis logical_date = 0;
  uint64_t tie = 0;   ///< smaller first among equal priority and date
  uint32_t dag = 0;   ///< index of the DAG (for max_active_tasks)
  uint32_t pool = 0;  ///< index of the pool
  int pool_slots = 1;
  uint32_t task = 0;   ///< index of the task across DAGs (for max_active_tis_per_dag)
  int task_limit = 0;  ///< max_active_tis_per_dag; 0 unlimited
  uint32_t run = 0;    ///< index of the DAG run (for max_active_tis_per_dagrun)
  int run_task_limit = 0;
};

struct AdmissionLimits {
  int parallelism = 64;             ///< all schedulers together; 0 unlimited
  std::vector<int> dag_max_active;  ///< per DAG index
  std::vector<int> pool_slots;      ///< per pool index
};

class AdmissionQueue {
 public:
  explicit AdmissionQueue(AdmissionLimits limits);

  /// A task instance became SCHEDULED.
  void Add(const Candidate& c);
  /// Moves up to `max_count` instances to QUEUED, best first; appends them to `admitted`.
  /// Returns how many were admitted.
  size_t Admit(size_t max_count, std::vector<Candidate>& admitted);
  /// An admitted instance left the executor (finished, failed, or was requeued for retry).
  void Release(const Candidate& c);

  size_t ready() const { return ready_; }
  size_t occupied() const { return occupied_; }
  /// Instances that can never be queued: pool_slots larger than their pool (Airflow logs a
  /// warning each loop and leaves them scheduled forever).
  const std::vector<Candidate>& impossible() const { return impossible_; }

 private:
  struct Order {
    bool operator()(const Candidate& a, const Candidate& b) const {
      if (a.priority != b.priority) return a.priority > b.priority;
      if (a.logical_date != b.logical_date) return a.logical_date < b.logical_date;
      if (a.tie != b.tie) return a.tie < b.tie;
      return a.id < b.id;
    }
  };
  enum class Where : uint8_t { kIdle, kEligible, kWaitDag, kWaitPool };
  struct Group {
    uint32_t dag = 0;
    uint32_t pool = 0;
    std::set<Candidate, Order> ready;
    Where where = Where::kIdle;
  };
  struct Entry {
    Candidate head;
    uint32_t group;
  };
  struct EntryOrder {
    bool operator()(const Entry& a, const Entry& b) const { return Order()(a.head, b.head); }
  };

  uint32_t GroupOf(uint32_t dag, uint32_t pool);
  void Place(uint32_t g);  ///< puts an idle group where it belongs
  void Unlist(uint32_t g);
  bool DagFull(uint32_t dag) const;
  int PoolOpen(uint32_t pool) const;
  /// Puts the groups of `waiting` (a DAG's or a pool's list) back where they belong.
  void Wake(std::vector<uint32_t>& waiting, Where from);

  AdmissionLimits limits_;
  std::vector<Group> groups_;
  std::unordered_map<uint64_t, uint32_t> group_index_;
  std::set<Entry, EntryOrder> eligible_;
  std::vector<std::vector<uint32_t>> waiting_dag_, waiting_pool_;
  std::vector<int> dag_active_, pool_used_;
  std::unordered_map<uint32_t, int> task_active_;
  std::unordered_map<uint64_t, int> run_task_active_;
  std::vector<Candidate> impossible_;
  size_t ready_ = 0;
  size_t occupied_ = 0;
};

}  // namespace dagport::sched
