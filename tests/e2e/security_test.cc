// What dagport guarantees against DAG files and tasks it did not write: the parser never runs
// a file's code (module-level code that would write files, run commands or open a socket is
// analysed and nothing happens), and a task cannot see the workspaces of other tasks or the
// state file.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::RunDagport;
using testing::TempDir;

TEST(Security, AnalysingADagFileNeverRunsItsCode) {
  TempDir dir;
  // A listening socket the file's code would connect to.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string port = std::to_string(ntohs(address.sin_port));
  const fs::path mark = dir.path() / "marks";
  fs::create_directories(mark);
  const std::string m = mark.string();
  dir.Write("dags/hostile.py", R"PY(
import os, socket, subprocess, shutil
from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator

open(')PY" + m + R"PY(/open', 'w').write('ran')
os.system('touch )PY" + m + R"PY(/system')
subprocess.run(['touch', ')PY" + m +
                                   R"PY(/subprocess'])
os.makedirs(')PY" + m + R"PY(/makedirs')
shutil.rmtree(')PY" + m + R"PY(')
exec("open(')PY" + m + R"PY(/exec', 'w')")
__import__('os').system('touch )PY" +
                                   m + R"PY(/import')
socket.create_connection(('127.0.0.1', )PY" +
                                   port + R"PY())

def build():
    open(')PY" + m + R"PY(/callable', 'w')
    return 'x'

dag = DAG('hostile', start_date=datetime(2021, 1, 1))
BashOperator(task_id='t_' + build(), bash_command='touch )PY" +
                                   m + R"PY(/task', dag=dag)
)PY");
  dir.Write("marks/keep", "kept");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"inspect", (dir.path() / "dags").string()},
        std::vector<std::string>{"convert", (dir.path() / "dags").string(), "-o",
                                 (dir.path() / "out").string()},
        std::vector<std::string>{"simulate", (dir.path() / "dags").string(), "--days", "1"}}) {
    auto r = RunDagport(args);
    EXPECT_LE(r.exit_code, 1) << args[0] << ": " << r.err;
  }
  // Nothing the file's code would do happened: no file, the folder it would delete is there,
  // and no connection reached the socket.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(mark)) files += e.path().filename() != "keep";
  EXPECT_EQ(files, 0u);
  EXPECT_EQ(testing::ReadFile(mark / "keep"), "kept");
  EXPECT_LT(::accept(listener, nullptr, nullptr), 0);  // EAGAIN: nobody connected
  ::close(listener);
}

TEST(Security, ATaskCannotSeeOtherWorkspacesTheLogsOrTheStateFile) {
  if (std::system("bwrap --ro-bind / / --dev /dev --unshare-pid true >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  TempDir dir;
  // The home outside /tmp (which the sandbox replaces anyway): in the build folder.
  const fs::path home = fs::path(DAGPORT_BINARY).parent_path().parent_path() / "test-artifacts" /
                        ("security-home-" + std::to_string(getpid()));
  fs::remove_all(home);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{home};
  const std::string run = "manual__2025-01-02T00:00:00+00:00";
  const fs::path other = fs::absolute(home / "work" / "peek" / run / "writer.try-1");
  dir.Write("dags/peek.py", R"PY(
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
with DAG('peek', start_date=datetime(2025, 1, 1), schedule=None) as dag:
    writer = BashOperator(task_id='writer', bash_command='echo secret > mine.txt; sleep 2')
    BashOperator(task_id='reader', bash_command='sleep 1; ls -a )PY" +
                                other.string() + R"PY(/ ; cat )PY" + other.string() +
                                R"PY(/mine.txt; ls )PY" + fs::absolute(home).string() +
                                R"PY(; test ! -e )PY" +
                                fs::absolute(home / "state.sqlite").string() + R"PY(')
)PY");
  auto r = RunDagport({"run", (dir.path() / "dags").string(), "--date", "2025-01-02", "--home",
                       home.string(), "--state", (home / "state.sqlite").string(), "--isolation",
                       "bwrap", "-j", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string log = testing::ReadFile(home / "logs/dag_id=peek" / ("run_id=" + run) /
                                            "task_id=reader/attempt=1.log");
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
  EXPECT_EQ(log.find("state.sqlite"), std::string::npos) << log;
  EXPECT_EQ(testing::ReadFile(other / "mine.txt"), "secret\n");  // it was there all along
}

TEST(Security, SecretValuesInDagFilesAreMaskedInDiagnosticsDiffsAndReports) {
  TempDir dir;
  const std::string dag =
      "from datetime import datetime\n"
      "from airflow import DAG\n"
      "from airflow.operators.python_operator import PythonOperator\n"
      "\n"
      "DB_PASSWORD = 'hunter2-assigned'\n"
      "URI = 'postgres://etl:hunter2-in-uri@db.example.com/prod'\n"
      "\n"
      "\n"
      "def load(**context):\n"
      "    return DB_PASSWORD, URI\n"
      "\n"
      "\n"
      "dag = DAG('secrets', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
      "t = PythonOperator(task_id='load', python_callable=load, provide_context=True, "
      "op_kwargs={'api_key': 'hunter2-kwarg'}, dag=dag)\n";
  dir.Write("legacy/dags/secrets.py", dag);
  // A syntax error on a line holding a secret: the excerpt of the error shows that line.
  dir.Write("legacy/dags/broken.py",
            "from airflow import DAG\n"
            "conn = dict(login='etl', password='hunter2-broken' +)\n");
  const fs::path legacy = dir.path() / "legacy";
  std::vector<std::pair<std::string, std::string>> shown;  // what, text
  auto keep = [&](const std::string& what, const testing::CommandResult& r) {
    shown.emplace_back(what + " (stdout)", r.out);
    shown.emplace_back(what + " (stderr)", r.err);
  };
  keep("inspect", RunDagport({"inspect", legacy.string()}));
  keep("inspect sarif", RunDagport({"inspect", "--format", "sarif", legacy.string()}));
  const auto convert =
      RunDagport({"convert", (legacy / "dags").string(), "-o", (dir.path() / "out").string(),
                  "--diff", "--report", (dir.path() / "convert.md").string()});
  keep("convert --diff", convert);
  // The diff shows the changed line (provide_context goes), its secret masked.
  EXPECT_NE(convert.out.find("-t = PythonOperator(task_id='load'"), std::string::npos)
      << convert.out;
  EXPECT_NE(convert.out.find("'api_key': '***'"), std::string::npos) << convert.out;
  shown.emplace_back("convert report", testing::ReadFile(dir.path() / "convert.md"));
  keep("simulate html", RunDagport({"simulate", legacy.string(), "--format", "html"}));
  const auto migrate = RunDagport(
      {"migrate", legacy.string(), "-o", (dir.path() / "migrated").string(), "--replays", "1"});
  keep("migrate", migrate);
  for (const char* report : {"report.json", "report.md", "report.html"})
    shown.emplace_back(report, testing::ReadFile(dir.path() / "migrated" / report));
  EXPECT_EQ(migrate.exit_code, 0) << migrate.err;
  for (const auto& [what, text] : shown) {
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << what << " shows a secret:\n" << text;
    // Each report is there, and shows the DAG (a missing one would hide nothing).
    if (!what.ends_with(")")) {  // the report files
      EXPECT_NE(text.find("secrets"), std::string::npos) << what << ":\n" << text;
    }
  }
  EXPECT_NE(convert.err.find("password='***' +)"), std::string::npos) << convert.err;
  // The converted code itself keeps its values: it has to run.
  const std::string converted = testing::ReadFile(dir.path() / "out/secrets.py");
  for (const char* value : {"hunter2-assigned", "hunter2-in-uri", "hunter2-kwarg"})
    EXPECT_NE(converted.find(value), std::string::npos) << value;
}

}  // namespace
}  // namespace dagport
