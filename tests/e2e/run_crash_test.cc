// `dagport run` killed with SIGKILL at random moments, over and over, then run again: the run
// completes, the state database stays sound, and a task whose success was recorded never runs
// again. (A try that ends in the last moment before a kill, before its success is committed,
// runs again: at most one per running slot per kill.)

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::RunDagport;
using testing::TempDir;

constexpr int kTasks = 150;
constexpr int kKills = 20;
constexpr int kJobs = 2;

/// Runs `sql` on the state file; its rows, one string per row, columns joined by '|'.
std::vector<std::string> Query(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return {"<cannot open>"};
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(statement); ++c) {
        const unsigned char* text = sqlite3_column_text(statement, c);
        row += (c ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "");
      }
      rows.push_back(row);
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return rows;
}

TEST(RunCrash, TwentyKillNinesAtRandomMomentsThenTheRunCompletes) {
  TempDir dir;
  const fs::path ran = dir.path() / "ran.txt";
  // Tasks in a fan-out/fan-in: each appends its id when it ends.
  std::string dag =
      "from datetime import datetime\nfrom airflow import DAG\n"
      "from airflow.operators.bash import BashOperator\n"
      "with DAG('crashy', start_date=datetime(2025, 1, 1), schedule=None) as dag:\n"
      "    prev = None\n"
      "    for i in range(" +
      std::to_string(kTasks) +
      "):\n"
      "        t = BashOperator(task_id='t%02d' % i, bash_command='sleep 0.1$((RANDOM % 9)); "
      "echo $AIRFLOW_CTX_TASK_ID >> " +
      ran.string() +
      "')\n"
      "        if prev is not None and i % 4 == 0:\n"
      "            prev >> t\n"
      "        prev = t\n";
  dir.Write("dags/crashy.py", dag);
  const fs::path home = dir.path() / "home";
  const fs::path db = home / "state.sqlite";
  const std::vector<std::string> args = {"run",         (dir.path() / "dags").string(),
                                         "--date",      "2025-01-02",
                                         "--home",      home.string(),
                                         "--state",     db.string(),
                                         "--isolation", "process",
                                         "-j",          std::to_string(kJobs)};
  const unsigned seed = static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() & 0xffffffu);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(30, 400);
  SCOPED_TRACE("seed " + std::to_string(seed));
  int kills = 0;
  for (int k = 0; k < kKills; ++k) {
    const pid_t pid = testing::StartDagport(args);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before kill " << k;
    ++kills;
  }
  // The run is continued to its end.
  auto r = RunDagport(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The database is sound and holds one success per task, its last try.
  EXPECT_EQ(Query(db, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(Query(db, "SELECT count(*) FROM task_instances WHERE state = 'success'"),
            std::vector<std::string>{std::to_string(kTasks)});
  EXPECT_EQ(Query(db,
                  "SELECT count(*) FROM tries t WHERE state = 'success' AND EXISTS (SELECT 1 "
                  "FROM tries u WHERE u.run_id = t.run_id AND u.task_id = t.task_id AND "
                  "u.try_number > t.try_number)"),
            std::vector<std::string>{"0"});
  // Every task ran to its end at least once; more only when a kill caught it.
  std::map<std::string, int> ends;
  std::istringstream lines(testing::ReadFile(ran));
  for (std::string line; std::getline(lines, line);) ++ends[line];
  EXPECT_EQ(static_cast<int>(ends.size()), kTasks);
  int again = 0;
  for (const auto& [task, n] : ends) again += n - 1;
  EXPECT_LE(again, kJobs * kills) << "tasks that ran to their end more than once: " << again;
  std::cout << "[ kill -9 ] " << kills << " kills, " << again
            << " tries ran again after ending just before a kill\n";
  // Nothing of the killed runs is left running.
  // (The pattern's last letter in brackets: it does not match pgrep's own shell.)
  const std::string pattern = ran.string().substr(0, ran.string().size() - 1) + "[t]";
  EXPECT_NE(std::system(("pgrep -f '" + pattern + "' >/dev/null").c_str()), 0);
}

/// The line of `task` in a run's summary table; "<none>" when it has none.
std::string SummaryLine(const std::string& out, const std::string& task) {
  const size_t at = out.find("  " + task + " ");
  return at == std::string::npos ? std::string("<none>") : out.substr(at, out.find('\n', at) - at);
}

TEST(RunFaults, CrashesMemoryFloodsAndDaemonsAreRecordedAndNothingIsLeftRunning) {
  TempDir dir;
  const std::string token = "dagport_daemon_" + std::to_string(getpid());
  dir.Write("dags/faults.py", R"PY(
from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('faults', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='segfault', bash_command='kill -SEGV $$')
    BashOperator(task_id='memory', bash_command='python3 -c "x = bytearray(900 * 1024 * 1024)"')
    BashOperator(task_id='flood', bash_command='yes dagport-flood | head -c 40000000; echo done')
    BashOperator(task_id='daemon', bash_command='setsid sh -c "exec -a )PY" +
                                  token + R"PY( sleep 60" & echo started')
    BashOperator(task_id='slow', bash_command='sleep 60', execution_timeout=timedelta(seconds=1))
)PY");
  const fs::path home = dir.path() / "home";
  const bool bwrap =
      std::system("bwrap --ro-bind / / --dev /dev --unshare-pid true >/dev/null 2>&1") == 0;
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "s.sqlite").string(), "--isolation",
                       bwrap ? "bwrap" : "unshare", "--memory-limit", "400"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto line = [&](const std::string& task) { return SummaryLine(r.out, task); };
  EXPECT_NE(line("segfault").find("killed by SIGSEGV"), std::string::npos) << line("segfault");
  // With cgroups the kernel limits the tree's memory and kills it; with RLIMIT_AS Python's
  // allocation fails with MemoryError.
  const bool cgroups = r.err.find("limits per try enforced by cgroup") != std::string::npos;
  EXPECT_NE(
      line("memory").find(cgroups ? "out of memory, the kernel killed it at --memory-limit 400 MB"
                                  : "out of memory under --memory-limit 400 MB (MemoryError"),
      std::string::npos)
      << line("memory") << "\n"
      << r.err;
  EXPECT_NE(line("flood").find("success"), std::string::npos) << line("flood");
  EXPECT_GE(fs::file_size(home / "logs/dag_id=faults/run_id=manual__2025-01-02T00:00:00+00:00/"
                                 "task_id=flood/attempt=1.log"),
            40000000u);
  EXPECT_NE(line("slow").find("execution_timeout of 1 s"), std::string::npos) << line("slow");
  // The daemon left its session, but not the try's PID namespace: it died with the try.
  EXPECT_NE(line("daemon").find("success"), std::string::npos) << line("daemon");
  EXPECT_NE(
      std::system(
          ("pgrep -f '[" + token.substr(0, 1) + "]" + token.substr(1) + "' >/dev/null").c_str()),
      0);
}

TEST(RunFaults, CgroupsStopAForkBombAndKillWhatLeftTheProcessGroup) {
  TempDir dir;
  const std::string token = "dagport_escapee_" + std::to_string(getpid());
  dir.Write("dags/limits.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('limits', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='bomb', bash_command='python3 -c "import os, time\nfor i in range(500):\n    if os.fork() == 0:\n        time.sleep(30)\n        os._exit(0)"')
    BashOperator(task_id='escapee', bash_command='setsid sh -c "exec -a )PY" +
                                  token + R"PY( sleep 60" & echo started')
)PY");
  const fs::path home = dir.path() / "home";
  // --isolation process: only the cgroup can find the escapee, which left the process group.
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "s.sqlite").string(), "--isolation",
                       "process", "--max-processes", "40"});
  if (r.err.find("limits per try enforced by cgroup") == std::string::npos) {
    // Without cgroups: RLIMIT_NPROC, which root ignores; the escapee would outlive its try.
    std::system(("pkill -f '[" + token.substr(0, 1) + "]" + token.substr(1) + "'").c_str());
    GTEST_SKIP() << "cgroups cannot be used here: " << r.err;
  }
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto line = [&](const std::string& task) { return SummaryLine(r.out, task); };
  EXPECT_NE(line("bomb").find("failed"), std::string::npos) << line("bomb");
  EXPECT_NE(line("bomb").find("it reached --max-processes 40 (a fork failed)"), std::string::npos)
      << line("bomb");
  EXPECT_NE(line("escapee").find("success"), std::string::npos) << line("escapee");
  // Nothing is left: neither the bomb's sleepers nor the escapee, and no cgroup folder.
  EXPECT_NE(
      std::system(
          ("pgrep -f '[" + token.substr(0, 1) + "]" + token.substr(1) + "' >/dev/null").c_str()),
      0);
  EXPECT_NE(std::system("pgrep -f '^python3 -c import os, time' >/dev/null"), 0);
  // No cgroup folder of a dagport that has ended (other tests' runs may have theirs now).
  EXPECT_NE(std::system("for d in $(find /sys/fs/cgroup -maxdepth 4 -type d -name 'dagport-*' "
                        "2>/dev/null); do kill -0 \"${d##*dagport-}\" 2>/dev/null || exit 0; "
                        "done; exit 1"),
            0);
}

}  // namespace
}  // namespace dagport
