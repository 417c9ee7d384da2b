// `dagport run` on real DAG files with real processes: isolation (bubblewrap when it works
// here), retries, skips, timeouts, logs, XCom, state that survives `kill -9`, the state lock.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::RunDagport;
using testing::TempDir;

constexpr const char* kDag = R"PY(
from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator

with DAG('local', start_date=datetime(2025, 1, 1), schedule='@daily') as dag:
    start = EmptyOperator(task_id='start')
    write = BashOperator(task_id='write', bash_command='echo "ds={{ ds }} run={{ run_id }}" > out.txt && cat out.txt')
    escape = BashOperator(task_id='escape', bash_command='touch /etc/dagport_escape_test; touch $HOME/../escape; test ! -e /etc/dagport_escape_test')
    skip = BashOperator(task_id='skip', bash_command='exit 99')
    after_skip = BashOperator(task_id='after_skip', bash_command='true')
    flaky = BashOperator(task_id='flaky', bash_command='exit 3', retries=1, retry_delay=timedelta(seconds=1))
    slow = BashOperator(task_id='slow', bash_command='sleep 30', execution_timeout=timedelta(seconds=1))
    start >> [write, escape, skip, flaky, slow]
    skip >> after_skip
)PY";

std::string Log(const fs::path& home, const std::string& task, int attempt) {
  for (const auto& e : fs::recursive_directory_iterator(home / "logs")) {
    const std::string p = e.path().string();
    if (p.find("task_id=" + task + "/") != std::string::npos &&
        p.ends_with("attempt=" + std::to_string(attempt) + ".log"))
      return testing::ReadFile(e.path());
  }
  return "<no log>";
}

/// The arguments of `dagport run` on `target` in `dir` (the DAG folder, or an IR JSON file),
/// with its home and state file in <dir>/home and every try a plain process, then `extra`.
std::vector<std::string> RunArgs(const TempDir& dir, const std::vector<std::string>& extra = {},
                                 const std::string& target = "dags") {
  const fs::path home = dir.path() / "home";
  std::vector<std::string> args = {
      "run",     (dir.path() / target).string(), "--home",      home.string(),
      "--state", (home / "s.sqlite").string(),   "--isolation", "process"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// Runs `dagport run` with RunArgs(dir, extra, target).
testing::CommandResult RunLocal(const TempDir& dir, const std::vector<std::string>& extra = {},
                                const std::string& target = "dags") {
  return RunDagport(RunArgs(dir, extra, target));
}

TEST(RunCli, RunsBashTasksIsolatedWithRetriesSkipsAndTimeouts) {
  TempDir dir;
  dir.Write("dags/local.py", kDag);
  const fs::path home = dir.path() / "home";
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "state.sqlite").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // flaky and slow fail the run
  EXPECT_NE(r.out.find("local manual__2025-01-02T00:00:00+00:00: failed"), std::string::npos)
      << r.out;
  auto line = [&](const std::string& task) {
    const size_t at = r.out.find("  " + task + " ");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_NE(line("start").find("success"), std::string::npos) << r.out;
  EXPECT_NE(line("write").find("success"), std::string::npos) << r.out;
  EXPECT_NE(line("escape").find("success"), std::string::npos) << Log(home, "escape", 1);
  EXPECT_NE(line("skip").find("skipped"), std::string::npos);
  EXPECT_NE(line("after_skip").find("skipped"), std::string::npos);  // all_success sees a skip
  EXPECT_NE(line("flaky").find("failed"), std::string::npos);
  EXPECT_NE(line("flaky").find("tries 2"), std::string::npos) << line("flaky");
  EXPECT_NE(line("slow").find("execution_timeout"), std::string::npos) << line("slow");
  // Templates rendered, logs in Airflow's layout.
  EXPECT_NE(Log(home, "write", 1).find("ds=2025-01-02 run=manual__2025-01-02T00:00:00+00:00"),
            std::string::npos);
  EXPECT_NE(Log(home, "flaky", 2), "<no log>");
  EXPECT_FALSE(fs::exists("/etc/dagport_escape_test"));
}

TEST(RunCli, TasksDoNotSeeDagportsAllocatorTuning) {
  // dagport re-executes itself with a larger glibc tcache (cli/allocator_tuning.h); its tasks
  // must not inherit that setting, nor the variable that carries the user's own.
  TempDir dir;
  dir.Write("dags/env.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('env', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='show', bash_command='echo "T=[${GLIBC_TUNABLES-unset}] B=[${DAGPORT_TUNABLES_BEFORE-unset}]"')
)PY");
  const fs::path home = dir.path() / "home";
  auto r =
      RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--isolation",
                  "process", "--home", home.string(), "--state", (home / "state.sqlite").string()},
                 {}, {"GLIBC_TUNABLES=glibc.malloc.perturb=0"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string log = Log(home, "show", 1);
  EXPECT_NE(log.find("B=[unset]"), std::string::npos) << log;
  EXPECT_EQ(log.find("tcache_count"), std::string::npos) << log;
}

TEST(RunCli, IsolatedTasksCannotWriteOutsideOrReachTheNetwork) {
  if (std::system("bwrap --ro-bind / / --dev /dev --unshare-pid true >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  TempDir dir;
  dir.Write("dags/cage.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('cage', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='outside', bash_command='mount -o remount,bind,rw / 2>/dev/null; echo x > /var/cache/dagport_leak_)PY" +
                                std::to_string(getpid()) + R"PY(')
    BashOperator(task_id='host_socket', bash_command='test -z "$(ls -A /run)"')
    BashOperator(task_id='network', bash_command='exec 3<>/dev/tcp/127.0.0.1/22')
    BashOperator(task_id='tmp', bash_command='echo x > /tmp/dagport_private && test -e /tmp/dagport_private')
    BashOperator(task_id='orphan', bash_command='(sleep 61 &) ; echo started')
)PY");
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--isolation",
                       "bwrap", "--home", (dir.path() / "home").string(), "--state",
                       (dir.path() / "home/state.sqlite").string()});
  EXPECT_NE(r.err.find("isolation bwrap"), std::string::npos) << r.err;
  const fs::path leak = "/var/cache/dagport_leak_" + std::to_string(getpid());
  EXPECT_FALSE(fs::exists(leak));
  fs::remove(leak);
  EXPECT_NE(r.out.find("  outside "), std::string::npos);
  auto state_of = [&](const std::string& task) {
    const size_t at = r.out.find("  " + task + " ");
    return r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_NE(state_of("outside").find("failed"), std::string::npos) << r.out;
  EXPECT_NE(state_of("network").find("failed"), std::string::npos) << r.out;
  EXPECT_NE(state_of("tmp").find("success"), std::string::npos) << r.out;
  EXPECT_NE(state_of("host_socket").find("success"), std::string::npos) << r.out;  // own /run
  EXPECT_FALSE(fs::exists("/tmp/dagport_private"));  // its /tmp was its own
  // Nothing the task started outlives it (its own PID namespace).
  EXPECT_NE(std::system("pgrep -f '[s]leep 61' >/dev/null"), 0);
}

TEST(RunCli, AllowNetworkGivesTasksTheHostsNetwork) {
  if (std::system("bwrap --ro-bind / / --dev /dev --unshare-pid true >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  // The interfaces a task sees: only the loopback of its own namespace, or the host's.
  TempDir dir;
  dir.Write("dags/net.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('net', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='count', bash_command='echo interfaces $(tail -n +3 /proc/net/dev | wc -l)')
)PY");
  const std::string host = testing::ReadFile("/proc/net/dev");
  const long host_interfaces = std::count(host.begin(), host.end(), '\n') - 2;
  if (host_interfaces < 2) GTEST_SKIP() << "this machine has no interface but the loopback";
  for (const bool allow : {false, true}) {
    const fs::path home = dir.path() / (allow ? "allowed" : "cut");
    std::vector<std::string> args = {"run",         (dir.path() / "dags").string(),
                                     "--date",      "2025-01-02",
                                     "--isolation", "bwrap",
                                     "--home",      home.string(),
                                     "--state",     (home / "s.sqlite").string()};
    if (allow) args.push_back("--allow-network");
    auto r = RunDagport(args);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(Log(home, "count", 1).find(fmt::format("interfaces {}", allow ? host_interfaces : 1)),
              std::string::npos)
        << Log(home, "count", 1);
  }
}

TEST(RunCli, IdsThatWouldLeaveTheirFoldersAreRefusedBeforeAnyPathIsBuilt) {
  // Airflow accepts '..' as an id ([\w.-]+); as a folder name it would leave work/ or logs/.
  for (const auto& [dag_id, task_id] :
       std::vector<std::pair<std::string, std::string>>{{"..", "t"}, {"ok", ".."}, {"ok", "."}}) {
    TempDir dir;
    dir.Write("dags/d.py",
              "from datetime import datetime\nfrom airflow import DAG\n"
              "from airflow.operators.bash import BashOperator\n"
              "with DAG('" +
                  dag_id +
                  "', start_date=datetime(2025, 1, 1)) as dag:\n"
                  "    BashOperator(task_id='" +
                  task_id + "', bash_command='echo x')\n");
    const fs::path home = dir.path() / "home";
    auto r = RunLocal(dir, {"--date", "2025-01-02"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("cannot name a folder"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(home / "work")) << dag_id << " " << task_id;
    EXPECT_FALSE(fs::exists(home / "logs")) << dag_id << " " << task_id;
  }
}

TEST(RunCli, ADagTheFilesCannotGiveIsExplainedWithTheirErrors) {
  TempDir dir;
  dir.Write("dags/d.py",
            "from datetime import datetime\nfrom airflow import DAG\n"
            "with DAG('../up', start_date=datetime(2025, 1, 1)) as dag:\n    pass\n");
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       (dir.path() / "home").string(), "--state",
                       (dir.path() / "home" / "s.sqlite").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("d.py:3:6: error[DP125]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no DAG in"), std::string::npos) << r.err;
}

TEST(RunCli, ShScriptsAreTemplateFilesAsInAirflow) {
  TempDir dir;
  dir.Write("dags/scripts/run.sh", "echo \"script {{ ds }} {{ params.who }}\"\n");
  dir.Write("extra/other.bash", "echo \"other {{ ds_nodash }}\"\n");
  dir.Write("dags/sh.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('sh', start_date=datetime(2025, 1, 1), schedule=None, params={'who': 'team'},
         template_searchpath=[')PY" +
                              (dir.path() / "extra").string() +
                              R"PY(']) as dag:
    BashOperator(task_id='relative', bash_command='scripts/run.sh')
    BashOperator(task_id='searchpath', bash_command='other.bash')
    BashOperator(task_id='absolute', bash_command=')PY" +
                              (dir.path() / "dags/scripts/run.sh").string() + R"PY(')
    BashOperator(task_id='spaced', bash_command='bash )PY" +
                              (dir.path() / "dags/scripts/run.sh").string() + R"PY( ')
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunLocal(dir, {"--date", "2025-01-02"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // `absolute` fails, as in Airflow
  EXPECT_NE(Log(home, "relative", 1).find("script 2025-01-02 team"), std::string::npos);
  EXPECT_NE(Log(home, "searchpath", 1).find("other 20250102"), std::string::npos);
  EXPECT_NE(r.out.find("Airflow raises TemplateNotFound"), std::string::npos) << r.out;
  // With a space after it, the name is a command and the file is run as it is.
  EXPECT_NE(Log(home, "spaced", 1).find("script {{ ds }} {{ params.who }}"), std::string::npos)
      << Log(home, "spaced", 1);
}

TEST(RunCli, BackfillRunsTheScheduledDatesInOrderAndDependsOnPastHoldsTasksBack) {
  TempDir dir;
  dir.Write("dags/b.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('bf', start_date=datetime(2025, 1, 1), schedule='0 6 * * *') as dag:
    a = BashOperator(task_id='a', depends_on_past=True,
                     bash_command='echo "{{ ds }} {{ next_ds }} {{ run_id }} prev={{ prev_ds }} start={{ data_interval_start }}"; test {{ ds }} != 2025-01-03')
    b = BashOperator(task_id='b', bash_command='echo b')
    a >> b
)PY");
  const fs::path home = dir.path() / "home";
  const std::vector<std::string> args =
      RunArgs(dir, {"--start", "2025-01-02", "--end", "2025-01-05"});
  auto r = RunDagport(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // The cron's fires from the start to the end, each a backfill run with its data interval.
  EXPECT_NE(r.out.find("backfill: 3 runs, 1 succeeded, 2 failed"), std::string::npos) << r.out;
  const size_t second = r.out.find("bf backfill__2025-01-02T06:00:00+00:00: success");
  const size_t third = r.out.find("bf backfill__2025-01-03T06:00:00+00:00: failed");
  const size_t fourth = r.out.find("bf backfill__2025-01-04T06:00:00+00:00: failed");
  ASSERT_NE(second, std::string::npos) << r.out;
  EXPECT_LT(second, third);
  EXPECT_LT(third, fourth);
  EXPECT_NE(testing::ReadFile(home / "logs/dag_id=bf/run_id=backfill__2025-01-02T06:00:00+00:00/"
                                     "task_id=a/attempt=1.log")
                .find("2025-01-02 2025-01-03 backfill__2025-01-02T06:00:00+00:00 prev=2025-01-01 "
                      "start=2025-01-02T06:00:00+00:00"),
            std::string::npos);
  // The run after the failure: `a` is held back by depends_on_past, and not run.
  EXPECT_NE(r.out.find("not run: depends_on_past, and a is failed in the previous run "
                       "backfill__2025-01-03T06:00:00+00:00"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(
      fs::exists(home / "logs/dag_id=bf/run_id=backfill__2025-01-04T06:00:00+00:00/task_id=a"));
  // A schedule without dates cannot be backfilled.
  dir.Write("dags/b.py",
            "from datetime import datetime\nfrom airflow import DAG\n"
            "from airflow.operators.bash import BashOperator\n"
            "with DAG('bf', start_date=datetime(2025, 1, 1), schedule=None) as dag:\n"
            "    BashOperator(task_id='a', bash_command='true')\n");
  r = RunDagport(args);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("has no dates to backfill"), std::string::npos) << r.err;
}

TEST(RunCli, RunsTheIrJsonOfInspect) {
  TempDir dir;
  dir.Write("dags/j.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('from_ir', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='a', bash_command='echo "ir {{ ds }}"') >> BashOperator(task_id='b', bash_command='true')
)PY");
  auto ir = RunDagport({"inspect", "--airflow", "2", "-f", "json", (dir.path() / "dags").string()});
  ASSERT_EQ(ir.exit_code, 0) << ir.err;
  dir.Write("ir.json", ir.out);
  const fs::path home = dir.path() / "home";
  auto r = RunLocal(dir, {"--date", "2025-01-02"}, "ir.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(Log(home, "a", 1).find("ir 2025-01-02"), std::string::npos) << Log(home, "a", 1);
  // Not IR JSON: a usage error naming the file and where the JSON breaks.
  dir.Write("bad.json", "{\"files\": [\n");
  r = RunDagport({"run", (dir.path() / "bad.json").string(), "--home", home.string(), "--state",
                  (home / "s.sqlite").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("bad.json is not dagport IR JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
}

TEST(RunCli, ASensorInRescheduleModeGivesItsSlotBackBetweenPokes) {
  // One slot (-j 1): the sensor takes it first (priority) and waits for a file the other task
  // makes. In reschedule mode it gives the slot back between pokes, so the file gets made; in
  // poke mode it keeps the slot until its timeout.
  for (const std::string mode : {"reschedule", "poke"}) {
    SCOPED_TRACE(mode);
    TempDir dir;
    const fs::path flag = dir.path() / "flag";
    dir.Write("dags/r.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.filesystem import FileSensor
with DAG('resched', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    FileSensor(task_id='wait', filepath=')PY" +
                               flag.string() + R"PY(', poke_interval=1, timeout=3, mode=')PY" +
                               mode +
                               R"PY(', priority_weight=10)
    BashOperator(task_id='make', bash_command='touch )PY" +
                               flag.string() + R"PY(')
)PY");
    const fs::path home = dir.path() / "home";
    auto r = RunLocal(dir, {"--date", "2025-01-02", "-j", "1"});
    if (mode == "reschedule") {
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
      EXPECT_NE(r.err.find("resched.wait up_for_reschedule"), std::string::npos) << r.err;
    } else {
      EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
      EXPECT_NE(r.out.find("sensor timed out"), std::string::npos) << r.out;
    }
  }
}

TEST(RunCli, APythonSensorsPokeReturnValueSaysDoneAndGivesTheXcom) {
  TempDir dir;
  const fs::path mark = dir.path() / "poked_once";
  dir.Write("dags/p.py", R"PY(
import os
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.base import PokeReturnValue
from airflow.sensors.python import PythonSensor

def second_time():
    if not os.path.exists(')PY" +
                             mark.string() +
                             R"PY('):
        open(')PY" + mark.string() +
                             R"PY(', 'w').close()
        return PokeReturnValue(is_done=False)
    return PokeReturnValue(is_done=True, xcom_value={'rows': 3})

with DAG('poke_value', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    PythonSensor(task_id='wait', python_callable=second_time, poke_interval=1, timeout=10) >> \
        BashOperator(task_id='show', bash_command='echo "got $X"',
                     env={'X': "{{ ti.xcom_pull(task_ids='wait')['rows'] }}"})
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunLocal(dir, {"--date", "2025-01-02"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("poke_value.wait running (poked"), std::string::npos) << r.err;
  EXPECT_NE(Log(home, "show", 1).find("got 3"), std::string::npos) << Log(home, "show", 1);
}

TEST(RunCli, ABashXcomIsTheLastLineOfBothStreamsAsAirflowReadsThem) {
  TempDir dir;
  dir.Write("dags/x.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('lines', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    err = BashOperator(task_id='err', bash_command='echo result; sleep 0.1; echo "warning  " >&2')
    blank = BashOperator(task_id='blank', bash_command='printf "a\n\n"')
    show = BashOperator(task_id='show', bash_command='echo "[$E] [$B]"',
                        env={'E': "{{ ti.xcom_pull(task_ids='err') }}",
                             'B': "{{ ti.xcom_pull(task_ids='blank') }}"})
    [err, blank] >> show
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunLocal(dir, {"--date", "2025-01-02"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(Log(home, "show", 1).find("[warning] []"), std::string::npos) << Log(home, "show", 1);
}

TEST(RunCli, KillNineThenRunAgainFinishesWithoutRerunningSuccesses) {
  TempDir dir;
  dir.Write("dags/crash.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('crash', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    first = BashOperator(task_id='first', bash_command='echo once >> ../../../counter; true')
    second = BashOperator(task_id='second', bash_command='sleep 3')
    first >> second
)PY");
  const fs::path home = dir.path() / "home";
  const std::vector<std::string> args = RunArgs(dir, {"--date", "2025-01-02"});
  // Start dagport, let `first` succeed and `second` start, then kill -9 it.
  const pid_t pid = testing::StartDagport(args);
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // Run again: the same DAG and date continue the run.
  auto r = RunDagport(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(continued)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not run again"), std::string::npos) << r.out;
  // `first` wrote its line once: it was not run again.
  const fs::path counter = home / "work/counter";
  ASSERT_TRUE(fs::exists(counter)) << r.out;
  EXPECT_EQ(testing::ReadFile(counter), "once\n");
}

TEST(RunCli, ASecondRunOnTheSameStateIsRefused) {
  TempDir dir;
  dir.Write("dags/wait.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('wait', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='sleep', bash_command='sleep 2')
)PY");
  const std::string cmd =
      fmt::format("{} {} >/dev/null 2>&1 &", DAGPORT_BINARY, fmt::join(RunArgs(dir), " "));
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto second = RunLocal(dir);
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.err.find("is in use by another dagport run"), std::string::npos) << second.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
}

TEST(RunCli, MetricsEventsMaskingAndTheRunsAndLogsCommands) {
  TempDir dir;
  dir.Write("dags/m.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('metrics', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='a', bash_command='echo token is $API_TOKEN and $PLAIN',
                 env={'API_TOKEN': 'supersecretvalue', 'PLAIN': 'visible'})
)PY");
  const fs::path home = dir.path() / "home";
  const std::string state = (home / "state.sqlite").string();
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", state, "--metrics-file",
                       (dir.path() / "m.prom").string(), "--events-file",
                       (dir.path() / "e.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string prom = testing::ReadFile(dir.path() / "m.prom");
  EXPECT_NE(
      prom.find(
          "dagport_task_finished_total{dag_id=\"metrics\",task_id=\"a\",state=\"success\"} 1"),
      std::string::npos)
      << prom;
  const std::string events = testing::ReadFile(dir.path() / "e.jsonl");
  EXPECT_NE(events.find("\"event\":\"run_finish\""), std::string::npos) << events;
  // The secret is masked in the log; the plain value is not.
  auto logs = RunDagport({"logs", "manual__2025-01-02T00:00:00+00:00", "a", "--state", state});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_EQ(logs.out, "token is *** and visible\n");
  auto runs = RunDagport({"runs", "list", "--state", state});
  EXPECT_NE(runs.out.find("manual__2025-01-02T00:00:00+00:00"), std::string::npos) << runs.out;
  auto show = RunDagport({"runs", "show", "manual__2025-01-02T00:00:00+00:00", "--state", state});
  EXPECT_NE(show.out.find("a try 1: success"), std::string::npos) << show.out;
  auto missing = RunDagport({"runs", "show", "nope", "--state", state});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(RunCli, PythonCallablesRunWithTheirArgumentsAndDecideBranches) {
  TempDir dir;
  dir.Write("dags/helpers.py", "def shout(word):\n    return word.upper()\n");
  dir.Write("dags/py.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.models import Variable
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator, ShortCircuitOperator
from airflow.operators.bash_operator import BashOperator
from helpers import shout

def hello(name, **context):
    print("hello", shout(name), context["ds"], Variable.get("region", default_var="eu"))
    return {"greeted": name}

def pick(**context):
    return "left"

def never():
    return False

with DAG('py', start_date=datetime(2025, 1, 1), schedule_interval=None) as dag:
    h = PythonOperator(task_id='hello', python_callable=hello, op_kwargs={'name': 'world'},
                       provide_context=True)
    b = BranchPythonOperator(task_id='pick', python_callable=pick)
    left = BashOperator(task_id='left', bash_command='echo left')
    right = BashOperator(task_id='right', bash_command='echo right')
    gate = ShortCircuitOperator(task_id='gate', python_callable=never)
    after = BashOperator(task_id='after_gate', bash_command='echo never')
    h >> b >> [left, right]
    h >> gate >> after
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--dag", "py", "--date", "2025-01-02",
                       "--home", home.string(), "--state", (home / "s.sqlite").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(Log(home, "hello", 1).find("hello WORLD 2025-01-02 eu"), std::string::npos)
      << Log(home, "hello", 1);
  auto line = [&](const std::string& task) {
    const size_t at = r.out.find("  " + task + " ");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_NE(line("pick").find("follows left"), std::string::npos) << r.out;
  EXPECT_NE(line("left").find("success"), std::string::npos) << r.out;
  EXPECT_NE(line("right").find("skipped"), std::string::npos) << r.out;
  EXPECT_NE(line("after_gate").find("skipped"), std::string::npos) << r.out;
  // Continued by its id: nothing runs again, and the branch decides as it did.
  r = RunDagport({"run", (dir.path() / "dags").string(), "--resume",
                  "manual__2025-01-02T00:00:00+00:00", "--home", home.string(), "--state",
                  (home / "s.sqlite").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(continued)"), std::string::npos) << r.out;
  EXPECT_NE(line("pick").find("not run again; follows left"), std::string::npos) << r.out;
  EXPECT_NE(line("right").find("skipped"), std::string::npos) << r.out;
  EXPECT_EQ(Log(home, "left", 2), "<no log>");
}

TEST(RunCli, TheStandInAirflowCoversCommonImportsAndRefusesRealWork) {
  TempDir dir;
  dir.Write("dags/p.py", R"PY(
from datetime import datetime
from airflow import models
from airflow.utils.trigger_rule import TriggerRule
from airflow.hooks.base_hook import BaseHook
from airflow.exceptions import AirflowSkipException
from airflow.operators.python_operator import PythonOperator
from airflow.models import Variable
import airflow

def skipper():
    raise AirflowSkipException("nothing to do")

def var():
    print(Variable.get("region"), Variable.get("missing", default_var=None))

def hook():
    BaseHook.get_connection("pg")

with models.DAG('p', start_date=airflow.utils.dates.days_ago(2), schedule_interval=None) as dag:
    PythonOperator(task_id='skipper', python_callable=skipper, trigger_rule=TriggerRule.ALL_DONE)
    PythonOperator(task_id='var', python_callable=var)
    PythonOperator(task_id='hook', python_callable=hook)
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunDagport(
      {"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home", home.string(),
       "--state", (home / "s.sqlite").string(), "--events-file", (dir.path() / "e.jsonl").string()},
      {}, {"AIRFLOW_VAR_REGION=us"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(Log(home, "skipper", 1).find("Skipping: nothing to do"), std::string::npos);
  EXPECT_NE(r.out.find("exit code 99: skipped"), std::string::npos) << r.out;
  EXPECT_NE(Log(home, "var", 1).find("us None"), std::string::npos) << Log(home, "var", 1);
  EXPECT_NE(Log(home, "hook", 1).find("BaseHook.get_connection is part of dagport's stand-in"),
            std::string::npos)
      << Log(home, "hook", 1);
}

TEST(RunCli, ConvertedFilesImportPendulumWithoutItInstalled) {
  TempDir dir;
  dir.Write("dags/c.py", R"PY(
import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator

def span(**context):
    start = pendulum.datetime(2025, 1, 1, tz="UTC")
    later = pendulum.parse("2025-01-02T00:00:00Z").add(hours=1)
    print("span", (later - start).total_seconds(), pendulum.duration(days=1).total_seconds())
    return (later - start).total_seconds()

with DAG('c', start_date=pendulum.datetime(2024, 12, 31, tz="UTC"), schedule=None) as dag:
    PythonOperator(task_id='span', python_callable=span)
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "s.sqlite").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << Log(home, "span", 1);
  EXPECT_NE(Log(home, "span", 1).find("span 90000.0 86400.0"), std::string::npos)
      << Log(home, "span", 1);
}

TEST(RunCli, TemplatesSeeParamsVariablesMacrosAndXcoms) {
  TempDir dir;
  dir.Write("dags/t.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

def report(rows, table, **context):
    print("report", rows, table, context["params"]["table"])
    return int(rows) * 2

with DAG('t', start_date=datetime(2025, 1, 1), schedule='@daily',
         params={'table': 'orders', 'limit': 5}) as dag:
    count = BashOperator(task_id='count', bash_command='echo starting; echo 21')
    use = BashOperator(
        task_id='use',
        bash_command='echo "rows={{ ti.xcom_pull(task_ids=\'count\') }} '
                     'table={{ params.table }} limit={{ params.limit * 2 }} '
                     'region={{ var.value.region }} week_ago={{ macros.ds_add(ds, -7) }} '
                     'month={{ logical_date.strftime(\'%Y%m\') }} try={{ ti.try_number }}"',
        params={'limit': 50},
    )
    py = PythonOperator(task_id='py', python_callable=report,
                        op_kwargs={'rows': "{{ ti.xcom_pull(task_ids='count') }}",
                                   'table': '{{ params.table | upper }}'})
    loop = BashOperator(
        task_id='loop',
        bash_command="""
{%- set n = ti.xcom_pull(task_ids='count') | int %}
{% for region in params.regions -%}
echo "{{ loop.index }}/{{ loop.length }} {{ region }} {{ ds_nodash }}{% if n > 20 %} big{% endif %}"
{% endfor -%}
{% raw %}echo "{{ kept }}"{% endraw %}
""",
        params={'regions': ['eu', 'us']},
    )
    bad = BashOperator(task_id='bad', bash_command='{% include "other.sh" %}')
    count >> [use, py, loop, bad]
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-08", "--home",
                       home.string(), "--state", (home / "s.sqlite").string()},
                      {}, {"AIRFLOW_VAR_REGION=eu-west-1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // `bad` fails, with the reason
  EXPECT_NE(Log(home, "use", 1)
                .find("rows=21 table=orders limit=100 region=eu-west-1 "
                      "week_ago=2025-01-01 month=202501 try=1"),
            std::string::npos)
      << Log(home, "use", 1);
  EXPECT_NE(Log(home, "py", 1).find("report 21 ORDERS orders"), std::string::npos)
      << Log(home, "py", 1);
  EXPECT_NE(Log(home, "loop", 1).find("1/2 eu 20250108 big\n2/2 us 20250108 big\n{{ kept }}"),
            std::string::npos)
      << Log(home, "loop", 1);
  EXPECT_NE(r.out.find("the statement 'include' is not one the local runtime renders"),
            std::string::npos)
      << r.out;
}

TEST(RunCli, CallablesPushAndPullXcoms) {
  TempDir dir;
  dir.Write("dags/x.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

def produce(ti, **_):
    ti.xcom_push(key='path', value='/data/x.csv')
    return {'rows': 3}

def consume(**context):
    ti = context['ti']
    print('got', ti.xcom_pull(task_ids='produce')['rows'], ti.xcom_pull(task_ids='produce', key='path'),
          ti.xcom_pull(task_ids=['produce', 'nothing'], key='path'), ti.task_id, ti.try_number)

with DAG('x', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    p = PythonOperator(task_id='produce', python_callable=produce)
    c = PythonOperator(task_id='consume', python_callable=consume)
    b = BashOperator(task_id='bash', bash_command='echo "path={{ ti.xcom_pull(task_ids=\'produce\', key=\'path\') }}"')
    p >> [c, b]
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "s.sqlite").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << Log(home, "consume", 1);
  EXPECT_NE(Log(home, "consume", 1).find("got 3 /data/x.csv ['/data/x.csv', None] consume 1"),
            std::string::npos)
      << Log(home, "consume", 1);
  EXPECT_NE(Log(home, "bash", 1).find("path=/data/x.csv"), std::string::npos)
      << Log(home, "bash", 1);
}

TEST(RunCli, SensorsPokeUntilTheirConditionOrTheirTimeout) {
  TempDir dir;
  const fs::path present = dir.Write("data/ready.csv", "x\n");
  dir.Write("dags/up.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('up', start_date=datetime(2025, 1, 1), schedule='@daily') as dag:
    BashOperator(task_id='export', bash_command='true')
)PY");
  dir.Write("dags/down.py", R"PY(
from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.bash import BashSensor
from airflow.sensors.filesystem import FileSensor
from airflow.sensors.python import PythonSensor
from airflow.sensors.external_task import ExternalTaskSensor
from airflow.sensors.time_delta import TimeDeltaSensor
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

def ready(**context):
    return context['ds'] == '2025-01-02'

def never():
    return False

with DAG('down', start_date=datetime(2025, 1, 1), schedule='@daily') as dag:
    upstream = ExternalTaskSensor(task_id='wait_up', external_dag_id='up', external_task_id='export',
                                  poke_interval=1, timeout=5)
    missing_dag = ExternalTaskSensor(task_id='wait_missing', external_dag_id='nope', poke_interval=1,
                                     timeout=1, soft_fail=True)
    file_ok = FileSensor(task_id='file_ok', filepath='FILE_PRESENT', poke_interval=1, timeout=5)
    file_glob = FileSensor(task_id='file_glob', filepath='FILE_DIR/*.csv', poke_interval=1, timeout=5)
    empty_dir = FileSensor(task_id='empty_dir', filepath='EMPTY_DIR', poke_interval=1, timeout=1,
                           soft_fail=True)
    bash_ok = BashSensor(task_id='bash_ok', bash_command='test {{ ds }} = 2025-01-02', poke_interval=1)
    bash_never = BashSensor(task_id='bash_never', bash_command='exit 1', poke_interval=1, timeout=2,
                            retries=3)
    py_ok = PythonSensor(task_id='py_ok', python_callable=ready, poke_interval=1)
    py_never = PythonSensor(task_id='py_never', python_callable=never, poke_interval=1, timeout=1,
                            soft_fail=True)
    later = TimeDeltaSensor(task_id='later', delta=timedelta(minutes=5), poke_interval=1)
    s3 = S3KeySensor(task_id='s3', bucket_key='s3://b/k')
    done = BashOperator(task_id='done', bash_command='echo all waited', trigger_rule='all_done')
    [upstream, missing_dag, file_ok, file_glob, empty_dir, bash_ok, bash_never, py_ok, py_never,
     later, s3] >> done
)PY");
  // The file paths are known only now.
  std::string down = testing::ReadFile(dir.path() / "dags" / "down.py");
  down.replace(down.find("FILE_PRESENT"), 12, present.string());
  down.replace(down.find("FILE_DIR"), 8, present.parent_path().string());
  fs::create_directories(dir.path() / "empty" / "sub");  // a folder without a file counts not
  down.replace(down.find("EMPTY_DIR"), 9, (dir.path() / "empty").string());
  testing::WriteFile(dir.path() / "dags" / "down.py", down);
  const fs::path home = dir.path() / "home";
  const std::vector<std::string> common = {
      "--date", "2025-01-02", "--home", home.string(), "--state", (home / "s.sqlite").string()};
  std::vector<std::string> up = {"run", (dir.path() / "dags").string(), "--dag", "up"};
  up.insert(up.end(), common.begin(), common.end());
  ASSERT_EQ(RunDagport(up).exit_code, 0);
  std::vector<std::string> args = {"run", (dir.path() / "dags").string(), "--dag", "down", "-j",
                                   "16"};
  args.insert(args.end(), common.begin(), common.end());
  const auto start = std::chrono::steady_clock::now();
  auto r = RunDagport(args);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // bash_never and s3 fail, but the run's leaf (all_done) succeeds: the run succeeds, as in
  // Airflow.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto state_of = [&](const std::string& task) {
    const size_t at = r.out.find("\n  " + task + " ");
    if (at == std::string::npos) return std::string("<missing>");
    std::istringstream line(r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1));
    std::string id, state;
    line >> id >> state;
    return state;
  };
  EXPECT_EQ(state_of("wait_up"), "success") << r.out;
  EXPECT_EQ(state_of("wait_missing"), "skipped") << r.out;
  EXPECT_EQ(state_of("file_ok"), "success") << r.out;
  EXPECT_EQ(state_of("file_glob"), "success") << r.out;
  EXPECT_EQ(state_of("empty_dir"), "skipped") << r.out;
  EXPECT_EQ(state_of("bash_ok"), "success") << r.out;
  EXPECT_EQ(state_of("bash_never"), "failed") << r.out;
  EXPECT_EQ(state_of("py_ok"), "success") << r.out;
  EXPECT_EQ(state_of("py_never"), "skipped") << r.out;
  EXPECT_EQ(state_of("later"), "success") << r.out;  // the interval ended long ago
  EXPECT_EQ(state_of("s3"), "failed") << r.out;
  EXPECT_EQ(state_of("done"), "success") << r.out;
  EXPECT_NE(r.out.find("sensor timed out after"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("run it first"), std::string::npos) << r.out;  // nope: not waited for
  EXPECT_NE(r.out.find("S3KeySensor is not run by the local runtime"), std::string::npos) << r.out;
  // A sensor timeout is not retried (retries=3 on bash_never): about 3 s, not 4 x 3 s.
  EXPECT_LT(seconds, 15.0);
}

TEST(RunCli, AnXcomThatIsNotUtf8DoesNotStopTheRun) {
  TempDir dir;
  dir.Write("dags/u.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

def show(ti, **_):
    print('pulled', repr(ti.xcom_pull(task_ids='latin1')))

with DAG('u', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    BashOperator(task_id='latin1', bash_command="printf 'caf\\xe9\\n'") >> PythonOperator(task_id='show', python_callable=show)
)PY");
  const fs::path home = dir.path() / "home";
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "s.sqlite").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(Log(home, "show", 1).find("pulled 'caf"), std::string::npos) << Log(home, "show", 1);
}

TEST(RunCli, UnsupportedOperatorsFailClearlyOrAreSimulated) {
  TempDir dir;
  dir.Write("dags/py.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator
with DAG('py', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    PostgresOperator(task_id='call', sql='select 1')
)PY");
  const std::string home = (dir.path() / "home").string();
  auto r = RunDagport(
      {"run", (dir.path() / "dags").string(), "--home", home, "--state", home + "/a.sqlite"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("PostgresOperator is not supported by the local runtime yet"),
            std::string::npos)
      << r.out;
  auto s = RunDagport({"run", (dir.path() / "dags").string(), "--home", home, "--state",
                       home + "/b.sqlite", "--simulate-unsupported"});
  EXPECT_EQ(s.exit_code, 0) << s.out;
  EXPECT_NE(s.out.find("simulated:"), std::string::npos) << s.out;
}

}  // namespace
}  // namespace dagport
