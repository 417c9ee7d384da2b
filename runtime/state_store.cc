#include "runtime/state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

namespace dagport::runtime {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS dag_runs (
  run_id TEXT NOT NULL, dag_id TEXT NOT NULL, logical_date TEXT NOT NULL,
  state TEXT NOT NULL, start TEXT, end TEXT, PRIMARY KEY (dag_id, run_id),
  UNIQUE (dag_id, logical_date));
CREATE TABLE IF NOT EXISTS task_instances (
  run_id TEXT NOT NULL, task_id TEXT NOT NULL, state TEXT NOT NULL, try_number INTEGER NOT NULL,
  PRIMARY KEY (run_id, task_id));
CREATE TABLE IF NOT EXISTS tries (
  run_id TEXT NOT NULL, task_id TEXT NOT NULL, try_number INTEGER NOT NULL, state TEXT NOT NULL,
  start TEXT, end TEXT, exit_code INTEGER, log_path TEXT,
  PRIMARY KEY (run_id, task_id, try_number));
CREATE TABLE IF NOT EXISTS xcom (
  run_id TEXT NOT NULL, task_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, key));
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, run_id TEXT,
  task_id TEXT, detail TEXT);
)SQL";

/// A prepared statement with positional text/int binding, finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw StateError(fmt::format("state database: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& Bind(const std::string& v) {
    sqlite3_bind_text(stmt_, ++index_, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int64_t v) {
    sqlite3_bind_int64(stmt_, ++index_, v);
    return *this;
  }
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StateError(fmt::format("state database: {}", sqlite3_errmsg(db_)));
  }
  std::string Text(int column) const {
    const unsigned char* t = sqlite3_column_text(stmt_, column);
    return t == nullptr ? std::string() : reinterpret_cast<const char*>(t);
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int index_ = 0;
};

StoredRun ReadRun(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)};
}

}  // namespace

StateStore::StateStore(const std::string& path, Mode mode) : path_(path) {
  if (mode == Mode::kReadOnly) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw StateError(fmt::format("cannot read the state file {}: does it exist?", path));
    }
    sqlite3_busy_timeout(db_, 5000);
    try {
      Exec("SELECT COUNT(*) FROM dag_runs");
    } catch (const StateError&) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw StateError(fmt::format("{} is not a dagport state file", path));
    }
    return;
  }
  // A lock file this run created is removed again when the state cannot be opened: a failed
  // start leaves nothing behind.
  const std::string lock_path = path + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  const bool created_lock = lock_fd_ >= 0;
  if (!created_lock && errno == EEXIST) lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
  if (lock_fd_ < 0) throw StateError(fmt::format("cannot open the lock file {}.lock", path));
  auto release = [&] {
    sqlite3_close(db_);
    db_ = nullptr;
    if (created_lock) ::unlink(lock_path.c_str());
    ::close(lock_fd_);
    lock_fd_ = -1;
  };
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw StateError(fmt::format(
        "{} is in use by another dagport run; wait for it to finish, or use another --state file",
        path));
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    release();
    throw StateError(fmt::format("cannot open the state file {}: {}", path, why));
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    Exec(kSchema);
  } catch (const StateError& e) {
    // The destructor does not run for a constructor that throws: release here.
    release();
    throw StateError(fmt::format("{} is not a dagport state file: {}", path, e.what()));
  }
}

StateStore::~StateStore() {
  if (db_ != nullptr) sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StateStore::Begin() {
  Exec("BEGIN");
}

void StateStore::Commit() {
  Exec("COMMIT");
}

void StateStore::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw StateError(fmt::format("state database: {}", why));
  }
}

std::optional<StoredRun> StateStore::FindRun(const std::string& dag_id,
                                             const std::string& logical_date) {
  Statement s(db_,
              "SELECT run_id, dag_id, logical_date, state, start, end FROM dag_runs "
              "WHERE dag_id = ? AND logical_date = ?");
  s.Bind(dag_id).Bind(logical_date);
  if (!s.Step()) return std::nullopt;
  return ReadRun(s);
}

std::optional<StoredRun> StateStore::PreviousRun(const std::string& dag_id,
                                                 const std::string& logical_date) {
  Statement s(db_,
              "SELECT run_id, dag_id, logical_date, state, start, end FROM dag_runs "
              "WHERE dag_id = ? AND logical_date < ? ORDER BY logical_date DESC LIMIT 1");
  s.Bind(dag_id).Bind(logical_date);
  if (!s.Step()) return std::nullopt;
  return ReadRun(s);
}

std::vector<StoredRun> StateStore::FindRunsById(const std::string& run_id) {
  Statement s(db_,
              "SELECT run_id, dag_id, logical_date, state, start, end FROM dag_runs "
              "WHERE run_id = ? ORDER BY dag_id");
  s.Bind(run_id);
  std::vector<StoredRun> runs;
  while (s.Step()) runs.push_back(ReadRun(s));
  return runs;
}

std::vector<StoredRun> StateStore::Runs() {
  Statement s(db_,
              "SELECT run_id, dag_id, logical_date, state, start, end FROM dag_runs "
              "ORDER BY start, run_id");
  std::vector<StoredRun> runs;
  while (s.Step()) runs.push_back(ReadRun(s));
  return runs;
}

void StateStore::CreateRun(const StoredRun& run) {
  Statement s(db_,
              "INSERT INTO dag_runs (run_id, dag_id, logical_date, state, start, end) "
              "VALUES (?, ?, ?, ?, ?, ?)");
  s.Bind(run.run_id)
      .Bind(run.dag_id)
      .Bind(run.logical_date)
      .Bind(run.state)
      .Bind(run.start)
      .Bind(run.end);
  s.Step();
}

void StateStore::SetRunState(const StoredRun& run, const std::string& state,
                             const std::string& when) {
  Statement s(db_, "UPDATE dag_runs SET state = ?, end = ? WHERE dag_id = ? AND run_id = ?");
  s.Bind(state).Bind(when).Bind(run.dag_id).Bind(run.run_id);
  s.Step();
}

std::vector<StoredTaskInstance> StateStore::TaskInstances(const std::string& run_id) {
  Statement s(db_,
              "SELECT task_id, state, try_number FROM task_instances WHERE run_id = ? "
              "ORDER BY task_id");
  s.Bind(run_id);
  std::vector<StoredTaskInstance> tis;
  while (s.Step()) tis.push_back({s.Text(0), s.Text(1), static_cast<int>(s.Int(2))});
  return tis;
}

std::vector<StateStore::StoredTry> StateStore::Tries(const std::string& run_id) {
  Statement s(db_,
              "SELECT task_id, try_number, state, start, end, exit_code, log_path FROM tries "
              "WHERE run_id = ? ORDER BY start, task_id, try_number");
  s.Bind(run_id);
  std::vector<StoredTry> tries;
  while (s.Step()) {
    tries.push_back({s.Text(0), static_cast<int>(s.Int(1)), s.Text(2), s.Text(3), s.Text(4),
                     static_cast<int>(s.Int(5)), s.Text(6)});
  }
  return tries;
}

void StateStore::SetTaskState(const std::string& run_id, const std::string& task_id,
                              const std::string& state, int try_number) {
  Statement s(db_,
              "INSERT INTO task_instances (run_id, task_id, state, try_number) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (run_id, task_id) DO UPDATE SET state = excluded.state, "
              "try_number = excluded.try_number");
  s.Bind(run_id).Bind(task_id).Bind(state).Bind(try_number);
  s.Step();
}

void StateStore::RecordTry(const std::string& run_id, const std::string& task_id, int try_number,
                           const std::string& state, const std::string& start,
                           const std::string& end, int exit_code, const std::string& log_path) {
  Statement s(db_,
              "INSERT INTO tries (run_id, task_id, try_number, state, start, end, exit_code, "
              "log_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, task_id, "
              "try_number) DO UPDATE SET state = excluded.state, end = excluded.end, "
              "exit_code = excluded.exit_code");
  s.Bind(run_id)
      .Bind(task_id)
      .Bind(try_number)
      .Bind(state)
      .Bind(start)
      .Bind(end)
      .Bind(exit_code)
      .Bind(log_path);
  s.Step();
}

void StateStore::SetXcom(const std::string& run_id, const std::string& task_id,
                         const std::string& key, const std::string& value) {
  Statement s(db_,
              "INSERT INTO xcom (run_id, task_id, key, value) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (run_id, task_id, key) DO UPDATE SET value = excluded.value");
  s.Bind(run_id).Bind(task_id).Bind(key).Bind(value);
  s.Step();
}

std::optional<std::string> StateStore::Xcom(const std::string& run_id, const std::string& task_id,
                                            const std::string& key) {
  Statement s(db_, "SELECT value FROM xcom WHERE run_id = ? AND task_id = ? AND key = ?");
  s.Bind(run_id).Bind(task_id).Bind(key);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

std::vector<StateStore::StoredXcom> StateStore::Xcoms(const std::string& run_id) {
  std::vector<StoredXcom> out;
  Statement s(db_, "SELECT task_id, key, value FROM xcom WHERE run_id = ? ORDER BY task_id, key");
  s.Bind(run_id);
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2)});
  return out;
}

void StateStore::Event(const std::string& when, const std::string& kind, const std::string& run_id,
                       const std::string& task_id, const std::string& detail) {
  Statement s(db_, "INSERT INTO events (at, kind, run_id, task_id, detail) VALUES (?, ?, ?, ?, ?)");
  s.Bind(when).Bind(kind).Bind(run_id).Bind(task_id).Bind(detail);
  s.Step();
}

size_t StateStore::EventCount() {
  Statement s(db_, "SELECT COUNT(*) FROM events");
  s.Step();
  return static_cast<size_t>(s.Int(0));
}

}  // namespace dagport::runtime
