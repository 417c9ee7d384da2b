#pragma once
/// The runtime's state in SQLite (WAL): DAG runs, task instances, their tries, XComs and an
/// append-only event log. Every change is one transaction, so that a `kill -9` at any moment
/// leaves a state a later `dagport run` continues from. One dagport at a time: a second one on
/// the same file is refused with a clear message (an exclusive lock on `<file>.lock`).

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dagport::runtime {

class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoredRun {
  std::string run_id;  ///< Airflow's run id: unique within its DAG
  /// The key of its task instances, tries, XComs and events: "dag_id/run_id".
  std::string key() const { return dag_id + "/" + run_id; }
  std::string dag_id;
  std::string logical_date;  ///< ISO 8601
  std::string state;         ///< running, success, failed
  std::string start, end;
};

struct StoredTaskInstance {
  std::string task_id;
  std::string state;  ///< none, scheduled, queued, running, success, failed, skipped, ...
  int try_number = 0;
};

class StateStore {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  /// Opens (creating) the state file and takes its lock; throws StateError naming the file.
  /// Read-only opens take no lock (WAL lets them read while a run writes) and create nothing.
  explicit StateStore(const std::string& path, Mode mode = Mode::kReadWrite);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  /// The run of `dag_id` at `logical_date`, if one was started before.
  std::optional<StoredRun> FindRun(const std::string& dag_id, const std::string& logical_date);
  /// The run of `dag_id` with the latest logical date before `logical_date` (Airflow's
  /// previous DAG run, whatever its type); nullopt when there is none.
  std::optional<StoredRun> PreviousRun(const std::string& dag_id, const std::string& logical_date);
  /// The runs with this run_id (one per DAG at most).
  std::vector<StoredRun> FindRunsById(const std::string& run_id);
  std::vector<StoredRun> Runs();
  void CreateRun(const StoredRun& run);
  void SetRunState(const StoredRun& run, const std::string& state, const std::string& when);

  std::vector<StoredTaskInstance> TaskInstances(const std::string& run_id);
  struct StoredTry {
    std::string task_id;
    int try_number = 0;
    std::string state, start, end;
    int exit_code = -1;
    std::string log_path;
  };
  std::vector<StoredTry> Tries(const std::string& run_id);
  void SetTaskState(const std::string& run_id, const std::string& task_id, const std::string& state,
                    int try_number);
  /// A try: started (end empty) or finished.
  void RecordTry(const std::string& run_id, const std::string& task_id, int try_number,
                 const std::string& state, const std::string& start, const std::string& end,
                 int exit_code, const std::string& log_path);
  void SetXcom(const std::string& run_id, const std::string& task_id, const std::string& key,
               const std::string& value);
  std::optional<std::string> Xcom(const std::string& run_id, const std::string& task_id,
                                  const std::string& key);
  struct StoredXcom {
    std::string task_id, key, value;  ///< value: JSON text
  };
  /// Every XCom of the run, by task and key.
  std::vector<StoredXcom> Xcoms(const std::string& run_id);
  /// Appends to the event log.
  void Event(const std::string& when, const std::string& kind, const std::string& run_id,
             const std::string& task_id, const std::string& detail);
  size_t EventCount();

  /// Groups the changes until Commit() into one transaction (one write of the WAL instead of
  /// one per change). Nested calls are not allowed; a crash loses only the uncommitted group.
  void Begin();
  void Commit();

 private:
  void Exec(const std::string& sql);
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;
  std::string path_;
};

}  // namespace dagport::runtime
