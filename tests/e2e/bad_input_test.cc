// Bad input, faults and attacks: what each command does with input it was not written for
// (docs/reliability.md, "Bad input"). One test per case, each running the real binary: the
// exit code, a message that names the file (with line:column and a hint where there is one),
// no crash and no hang, no partial output, and inputs left as they were.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

extern char** environ;

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::TempDir;

/// Runs dagport in `cwd` without colour and checks that it neither crashed nor took long.
CommandResult RunChecked(const std::vector<std::string>& args, const fs::path& cwd,
                         double max_seconds = 30) {
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = testing::RunDagport(args, cwd, {"NO_COLOR=1"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string command = "dagport";
  for (const std::string& a : args) command += " " + a;
  EXPECT_LT(seconds, max_seconds) << command << " took " << seconds << " s";
  EXPECT_GE(r.exit_code, 0) << command;
  EXPECT_LE(r.exit_code, 2) << command << " crashed or was killed:\n" << r.err;
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
  return r;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Every entry below `root` (links not followed): a regular file by its bytes, a symbolic link
/// by its target, anything else by its type. Compared before and after a command.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> entries;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().lexically_relative(root).string();
    const fs::file_status status = it->symlink_status();
    if (fs::is_symlink(status))
      entries[name] = "link to " + fs::read_symlink(it->path()).string();
    else if (fs::is_regular_file(status))
      entries[name] = testing::ReadFile(it->path());
    else if (fs::is_directory(status))
      entries[name] = "folder";
    else
      entries[name] = "other";
  }
  return entries;
}

/// The files below `root` (links not followed), by their path relative to it.
std::vector<std::string> FilesBelow(const fs::path& root) {
  std::vector<std::string> files;
  if (!fs::exists(root)) return files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_directory()) files.push_back(e.path().lexically_relative(root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// No temporary file of an atomic write is left below `root`.
void ExpectNoTemporaryFiles(const fs::path& root) {
  for (const std::string& f : FilesBelow(root)) {
    EXPECT_FALSE(Has(f, ".dagport-") && f.ends_with(".tmp")) << "left behind: " << f;
  }
}

constexpr const char* kOkDag =
    "from datetime import datetime\n"
    "from airflow import DAG\n"
    "from airflow.operators.dummy_operator import DummyOperator\n"
    "\n"
    "dag = DAG('ok', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
    "t = DummyOperator(task_id='t', dag=dag)\n";

// Nine lines; a syntax error is added at its start, in its middle and at its end.
constexpr const char* kBashDag =
    "from datetime import datetime\n"
    "from airflow import DAG\n"
    "from airflow.operators.bash_operator import BashOperator\n"
    "\n"
    "dag = DAG('syn', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
    "a = BashOperator(task_id='a', bash_command='true', dag=dag)\n"
    "b = BashOperator(task_id='b', bash_command='true', dag=dag)\n"
    "a >> b\n";

TEST(BadInput, EmptyFile) {
  TempDir dir;
  dir.Write("dags/empty.py", "");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.out, "");  // holds neither "airflow" nor "DAG": not a DAG file, as for DagBag
  EXPECT_TRUE(Has(inspect.err, "1 files (0 with DAGs considered), 0 DAGs, 0 tasks")) << inspect.err;
  const auto before = Snapshot(dir.path() / "dags");
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 0) << convert.err;
  ASSERT_TRUE(fs::exists(dir.path() / "out/empty.py"));
  EXPECT_EQ(testing::ReadFile(dir.path() / "out/empty.py"), "");
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
  ExpectNoTemporaryFiles(dir.path() / "out");
}

TEST(BadInput, BinaryFileWithNulBytes) {
  TempDir dir;
  dir.Write("dags/blob.py", "from airflow import DAG\nx = 1" + std::string(1, '\0') + "\x01\x02\n");
  dir.Write("dags/ok.py", kOkDag);
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_TRUE(
      Has(inspect.err, "dags/blob.py:2:6: error[DP103]: binary file: it contains a NUL byte"))
      << inspect.err;
  EXPECT_TRUE(
      Has(inspect.err, "= hint: remove it from the DAG folder or list it in .airflowignore"));
  EXPECT_TRUE(Has(inspect.out, "  ok  schedule=@daily  tasks=1")) << inspect.out;  // the rest
  const auto before = Snapshot(dir.path() / "dags");
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 1);
  EXPECT_TRUE(Has(convert.err, "dags/blob.py:2:6: error[DP103]")) << convert.err;
  EXPECT_TRUE(Has(convert.err, "dags/blob.py: error[DP210]: not converted")) << convert.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out/blob.py"));  // neither converted nor copied
  EXPECT_TRUE(fs::exists(dir.path() / "out/ok.py"));
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
  ExpectNoTemporaryFiles(dir.path() / "out");
}

TEST(BadInput, InvalidUtf8) {
  TempDir dir;
  dir.Write("dags/latin.py", "from airflow import DAG\n# caf\xe9 \xff\xfe\nx = 'ok'\n");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_TRUE(Has(inspect.err, "dags/latin.py:2:6: error[DP103]: invalid UTF-8 (byte 0xE9)"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "= hint: save the file as UTF-8, or declare its encoding"));
  const auto before = Snapshot(dir.path() / "dags");
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 1);
  EXPECT_TRUE(Has(convert.err, "dags/latin.py:2:6: error[DP103]")) << convert.err;
  EXPECT_TRUE(Has(convert.err, "dags/latin.py: error[DP210]: not converted")) << convert.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out/latin.py"));
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
  ExpectNoTemporaryFiles(dir.path() / "out");
}

TEST(BadInput, TwentyMegabyteFile) {
  // A DAG at the start, 20 MB of module constants, then its last task and the dependency: the
  // whole file is analysed.
  TempDir dir;
  std::string text =
      "from datetime import datetime\n"
      "from airflow import DAG\n"
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "\n"
      "dag = DAG('big', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
      "first = DummyOperator(task_id='first', dag=dag)\n";
  text.reserve(21u << 20);
  char line[80];
  for (int n = 0; text.size() < (20u << 20); ++n) {
    snprintf(line, sizeof line, "PAD_%07d = 'padding padding padding padding padding'\n", n);
    text += line;
  }
  text += "last = DummyOperator(task_id='last', dag=dag)\nfirst >> last\n";
  dir.Write("dags/big.py", text);
  auto r = RunChecked({"inspect", "dags"}, dir.path(), 90);  // about 4 s (Release), 11 s (ASan)
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "  big  schedule=@daily  tasks=2  edges=1\n")) << r.out;
  EXPECT_EQ(testing::ReadFile(dir.path() / "dags/big.py"), text);
}

TEST(BadInput, FileOverTheSizeBound) {
  TempDir dir;
  dir.Write("dags/huge.py", "from airflow import DAG\n" + std::string(33u << 20, '#') + "\n");
  auto r = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(
      Has(r.err, "dags/huge.py: error[DP104]: file is 34603033 bytes, over the 32 MiB bound"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "= hint: split the file"));
  // convert does not read it at all, and does not copy it as if it were unchanged.
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 1);
  EXPECT_TRUE(Has(convert.err,
                  "dags/huge.py: error[DP104]: file is 34603033 bytes, over the 32 MiB bound "
                  "for a DAG file: not converted"))
      << convert.err;
  EXPECT_TRUE(Has(convert.err, "1 skipped")) << convert.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out/huge.py"));
}

TEST(BadInput, TenThousandNestedParentheses) {
  TempDir dir;
  dir.Write("dags/deep.py", "from airflow import DAG\nx = " + std::string(10000, '(') + "1" +
                                std::string(10000, ')') + "\n");
  dir.Write("dags/deep_lists.py", "from airflow import DAG\nx = " + std::string(10000, '[') +
                                      std::string(10000, ']') + "\n");
  dir.Write("dags/deep_unary.py",
            "from airflow import DAG\nx = " + std::string(10000, '-') + "1\n");
  auto r = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  for (const char* file : {"deep.py", "deep_lists.py", "deep_unary.py"}) {
    EXPECT_TRUE(Has(r.err, std::string("dags/") + file +
                               ":2:405: error[DP104]: expression nested more than 400 levels deep"))
        << file << "\n"
        << r.err;
  }
  EXPECT_TRUE(Has(r.err, "= hint: split the expression"));
  EXPECT_TRUE(Has(r.err, "3 files (3 with DAGs considered)")) << r.err;
}

TEST(BadInput, HundredThousandTaskDag) {
  TempDir dir;
  dir.Write("dags/many.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.dummy_operator import DummyOperator\n"
            "\n"
            "dag = DAG('many', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
            "for i in range(100000):\n"
            "    DummyOperator(task_id='t%d' % i, dag=dag)\n");
  auto r = RunChecked({"inspect", "dags"}, dir.path(), 60);  // 1 s (Release), 10 s (ASan)
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "  many  schedule=@daily  tasks=100000  edges=0\n")) << r.out;
  EXPECT_TRUE(Has(r.out, "operators: DummyOperator x100000")) << r.out;
  EXPECT_TRUE(Has(r.err, "1 DAGs, 100000 tasks, 0 dependencies")) << r.err;
  EXPECT_FALSE(Has(r.err, "DP105")) << r.err;  // 100,000 iterations is within the loop bound
}

TEST(BadInput, SyntaxErrorsAtTheStartMiddleAndEnd) {
  TempDir dir;
  const std::string dag = kBashDag;
  const size_t middle = dag.find("a = BashOperator");
  dir.Write("dags/start.py", "def (:\n" + dag);
  dir.Write("dags/middle.py", dag.substr(0, middle) + "x = = 1\n" + dag.substr(middle));
  dir.Write("dags/end.py", dag + "c = BashOperator(task_id='c',\n");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_TRUE(Has(inspect.err, "dags/start.py:1:1: error[DP101]: syntax error near 'def (:'"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "dags/middle.py:6:5: error[DP101]: syntax error near '='"))
      << inspect.err;
  EXPECT_TRUE(
      Has(inspect.err, "dags/end.py:9:1: error[DP101]: syntax error near 'c = BashOperator"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "= hint: fix the syntax here"));
  const auto before = Snapshot(dir.path() / "dags");
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 1);
  for (const char* file : {"start.py", "middle.py", "end.py"}) {
    EXPECT_TRUE(
        Has(convert.err, std::string("dags/") + file +
                             ": error[DP210]: not converted: the file is not valid Python 3"))
        << convert.err;
    EXPECT_FALSE(fs::exists(dir.path() / "out" / file)) << file;
  }
  EXPECT_TRUE(Has(convert.err, "dags/middle.py:6:5: error[DP101]")) << convert.err;
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
  ExpectNoTemporaryFiles(dir.path() / "out");
}

TEST(BadInput, Python2Syntax) {
  TempDir dir;
  dir.Write("dags/old.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.bash_operator import BashOperator\n"
            "\n"
            "dag = DAG('old', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
            "print \"loading\"\n"
            "try:\n"
            "    a = BashOperator(task_id='a', bash_command='true', dag=dag)\n"
            "except Exception, e:\n"
            "    pass\n");
  dir.Write("dags/old_exec.py", "from airflow import DAG\nexec \"x = 1\"\n");
  // Python 2 that tree-sitter's grammar accepts as it is: the parser looks for it.
  dir.Write("dags/old_literals.py",
            "import os\n"
            "from airflow import DAG\n"
            "os.chmod('/tmp/x', 0777)\n"
            "if os.sep <> '/':\n"
            "    raise ValueError, 'not POSIX'\n");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_TRUE(Has(inspect.err, "dags/old.py:6:1: error[DP102]: Python 2 syntax: print statement"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "dags/old.py:9:17: error[DP102]: Python 2 syntax: `except X, e`"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "dags/old_exec.py:2:1: error[DP102]: Python 2 syntax: exec"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "= hint: Airflow 2 needs Python 3: port the file"));
  EXPECT_TRUE(Has(inspect.err,
                  "dags/old_literals.py:3:20: error[DP102]: Python 2 syntax: an octal literal"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "dags/old_literals.py:4:11: error[DP102]: Python 2 syntax: `<>`"))
      << inspect.err;
  EXPECT_TRUE(
      Has(inspect.err, "dags/old_literals.py:5:5: error[DP102]: Python 2 syntax: `raise E, msg`"))
      << inspect.err;
  const auto before = Snapshot(dir.path() / "dags");
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 1);
  EXPECT_TRUE(Has(convert.err, "dags/old.py: error[DP210]: not converted")) << convert.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out/old.py"));
  EXPECT_FALSE(fs::exists(dir.path() / "out/old_exec.py"));
  EXPECT_FALSE(fs::exists(dir.path() / "out/old_literals.py"));
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
  ExpectNoTemporaryFiles(dir.path() / "out");
}

TEST(BadInput, CircularDependencies) {
  TempDir dir;
  dir.Write("dags/cycle.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.dummy_operator import DummyOperator\n"
            "\n"
            "dag = DAG('cyc', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
            "a = DummyOperator(task_id='a', dag=dag)\n"
            "b = DummyOperator(task_id='b', dag=dag)\n"
            "c = DummyOperator(task_id='c', dag=dag)\n"
            "a >> b >> c\n"
            "c >> a\n");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_TRUE(
      Has(inspect.err, "dags/cycle.py:10:1: error[DP150]: cycle in DAG 'cyc': a >> b >> c >> a"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "= hint: remove the dependency c >> a or another one in the cycle"));
  // The simulation leaves the DAG out, as Airflow would, and says so.
  auto simulate = RunChecked({"simulate", "dags"}, dir.path());
  EXPECT_EQ(simulate.exit_code, 0) << simulate.err;
  EXPECT_TRUE(Has(simulate.err, "dags/cycle.py:5:7: warning[DP303]")) << simulate.err;
  EXPECT_TRUE(Has(simulate.err, "0 task instances of 0 DAGs")) << simulate.err;
}

TEST(BadInput, DuplicateTaskIds) {
  TempDir dir;
  dir.Write("dags/dup.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.dummy_operator import DummyOperator\n"
            "\n"
            "dag = DAG('dup', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
            "a = DummyOperator(task_id='load', dag=dag)\n"
            "b = DummyOperator(task_id='load', dag=dag)\n");
  auto r = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(
      Has(r.err, "dags/dup.py:7:5: error[DP151]: task id 'load' is already in DAG 'dup' (line 6)"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "Airflow 2 raises DuplicateTaskIdFound")) << r.err;
  EXPECT_TRUE(Has(r.err, "= hint: give each task of a DAG its own task_id"));
}

TEST(BadInput, InvalidDagAndTaskIds) {
  TempDir dir;
  dir.Write("dags/slash.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "\n"
            "\n"
            "dag = DAG('team/etl', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n");
  dir.Write("dags/space.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.dummy_operator import DummyOperator\n"
            "\n"
            "dag = DAG('etl', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
            "a = DummyOperator(task_id='a b', dag=dag)\n");
  auto r = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r.err,
                  "dags/slash.py:5:7: error[DP125]: Airflow raises \"The key (team/etl) "
                  "has to be made of alphanumeric characters"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "for this DAG id, so it loads nothing from this file")) << r.err;
  EXPECT_TRUE(Has(r.err,
                  "dags/space.py:6:5: error[DP125]: Airflow raises \"The key (a b) has to "
                  "be made of alphanumeric characters"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "= hint: use only letters, digits, '_', '.' and '-'")) << r.err;
  EXPECT_TRUE(Has(r.err, "0 DAGs")) << r.err;
  // What the file holds is still shown, as not loaded.
  EXPECT_TRUE(Has(r.out,
                  "dags/space.py\n  no DAG loads: Airflow fails to import the file (DP125); as "
                  "written:\n  etl (not loaded)  schedule=@daily"))
      << r.out;
}

TEST(BadInput, LocalImportCycle) {
  // mod_a and mod_b import each other; Python (and Airflow) load them, as the name mod_b uses
  // is looked up only when its function runs.
  TempDir dir;
  dir.Write("dags/mod_a.py", "import mod_b\n\nA_VALUE = 'a'\n");
  dir.Write("dags/mod_b.py", "import mod_a\n\n\ndef b_value():\n    return mod_a.A_VALUE + 'b'\n");
  dir.Write("dags/etl.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.dummy_operator import DummyOperator\n"
            "from mod_a import A_VALUE\n"
            "\n"
            "dag = DAG('etl', start_date=datetime(2021, 1, 1), schedule_interval='@daily')\n"
            "t = DummyOperator(task_id='t_' + A_VALUE, dag=dag)\n");
  auto r = RunChecked({"inspect", "--format", "json", "dags"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "\"task_id\":\"t_a\"")) << r.out;
  auto text = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(Has(text.err,
                  "dags/mod_b.py:1:8: info[DP114]: import cycle: 'mod_a' is imported "
                  "while it is being imported"))
      << text.err;
  EXPECT_TRUE(Has(text.err, "= hint: names defined after the cyclic import are not visible here"));

  // With `from mod_a import A_VALUE` in mod_b, Python raises ImportError (the name is not
  // defined yet), and Airflow loads nothing from etl.py: an error where the import fails.
  dir.Write("dags/mod_b.py", "from mod_a import A_VALUE\n\nB_VALUE = A_VALUE + 'b'\n");
  auto failing = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_TRUE(Has(failing.err, "dags/mod_b.py:1:6: info[DP114]: import cycle")) << failing.err;
  EXPECT_TRUE(Has(failing.err,
                  "dags/mod_b.py:1:19: error[DP125]: cannot import name 'A_VALUE' from partially "
                  "initialized module 'mod_a' (an import cycle): Airflow loads nothing from this "
                  "file"))
      << failing.err;
  EXPECT_TRUE(Has(failing.err, "= hint: break the cycle")) << failing.err;
  EXPECT_TRUE(Has(failing.err, "0 DAGs")) << failing.err;
  EXPECT_TRUE(Has(failing.out, "dags/etl.py\n  no DAG\n")) << failing.out;  // fails before it
}

TEST(BadInput, SymbolicLinkLoopInTheFolder) {
  TempDir dir;
  dir.Write("dags/sub/ok.py", kOkDag);
  fs::create_directory_symlink("..", dir.path() / "dags/sub/back");       // to its parent
  fs::create_directory_symlink("../sub", dir.path() / "dags/sub/again");  // to itself
  // A link to a folder outside is followed, as Airflow's DagBag follows it.
  dir.Write("shared/team/other.py",
            std::string(kOkDag).replace(std::string(kOkDag).find("'ok'"), 4, "'other'"));
  fs::create_directory_symlink("../shared/team", dir.path() / "dags/team");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path());
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_TRUE(Has(inspect.err,
                  "dags/sub/back: warning[DP003]: folder already walked (symbolic "
                  "link loop or second link); skipped"))
      << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "dags/sub/again: warning[DP003]")) << inspect.err;
  EXPECT_TRUE(Has(inspect.err, "= hint: remove the link or add it to .airflowignore"));
  EXPECT_TRUE(Has(inspect.err, "2 files (2 with DAGs considered), 2 DAGs")) << inspect.err;
  const auto before = Snapshot(dir.path() / "dags");
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 0) << convert.err;
  EXPECT_TRUE(Has(convert.err,
                  "dags/sub/back: warning[DP003]: folder already walked (symbolic "
                  "link loop or second link); skipped"))
      << convert.err;
  EXPECT_TRUE(Has(convert.err, "dags/sub/again: warning[DP003]")) << convert.err;
  EXPECT_EQ(FilesBelow(dir.path() / "out"),
            (std::vector<std::string>{"requirements.txt", "sub/ok.py", "team/other.py"}));
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
  ExpectNoTemporaryFiles(dir.path() / "out");
}

TEST(BadInput, UnreadableFile) {
  // Root reads any file whatever its mode, so a file that cannot be read is made otherwise: a
  // dangling symbolic link, a link to itself, and a FIFO (which would block a reader forever).
  TempDir dir;
  dir.Write("dags/ok.py", kOkDag);
  fs::create_symlink("/nonexistent/dagport/x.py", dir.path() / "dags/dangling.py");
  fs::create_symlink("self.py", dir.path() / "dags/self.py");
  ASSERT_EQ(mkfifo((dir.path() / "dags/fifo.py").c_str(), 0644), 0);

  auto dangling = RunChecked({"inspect", "dags/dangling.py"}, dir.path());
  EXPECT_EQ(dangling.exit_code, 1);
  EXPECT_TRUE(Has(dangling.err,
                  "dags/dangling.py: error[DP001]: no such file or folder: No such "
                  "file or directory"))
      << dangling.err;
  EXPECT_TRUE(Has(dangling.err, "= hint: check the path"));
  auto self = RunChecked({"inspect", "dags/self.py"}, dir.path());
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_TRUE(Has(self.err,
                  "dags/self.py: error[DP001]: no such file or folder: Too many levels "
                  "of symbolic links"))
      << self.err;
  // A FIFO named directly is refused at once, not opened (which would wait for a writer).
  auto fifo = RunChecked({"inspect", "dags/fifo.py"}, dir.path(), 10);
  EXPECT_TRUE(Has(fifo.err,
                  "dags/fifo.py: error[DP001]: cannot read file: not a regular file "
                  "(a FIFO)"))
      << fifo.err;
  auto simulate_fifo = RunChecked({"simulate", "dags/fifo.py"}, dir.path(), 10);  // at once too
  EXPECT_EQ(simulate_fifo.exit_code, 1);
  EXPECT_TRUE(Has(simulate_fifo.err,
                  "dags/fifo.py: error[DP001]: cannot read file: not a regular "
                  "file (a FIFO)"))
      << simulate_fifo.err;
  auto convert_fifo = RunChecked({"convert", "dags/fifo.py", "-o", "fifo-out"}, dir.path(), 10);
  EXPECT_TRUE(Has(convert_fifo.err, "not a regular file")) << convert_fifo.err;
  auto convert_dangling = RunChecked({"convert", "dags/dangling.py", "-o", "out"}, dir.path());
  EXPECT_EQ(convert_dangling.exit_code, 1);
  EXPECT_TRUE(Has(convert_dangling.err, "dags/dangling.py: error[DP001]")) << convert_dangling.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out"));

  // Walking the folder, what is not a regular file is passed over, as Airflow's DagBag does.
  // Should dagport open the FIFO, a writer opened after 10 s lets it go on, and the test fails
  // on the time taken instead of hanging.
  std::atomic<bool> done{false};
  std::thread unblock([&] {
    const auto start = std::chrono::steady_clock::now();
    while (!done && std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    while (!done) {
      const int fd = ::open((dir.path() / "dags/fifo.py").c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  const auto before = Snapshot(dir.path() / "dags");
  auto inspect = RunChecked({"inspect", "dags"}, dir.path(), 10);
  auto convert = RunChecked({"convert", "dags", "-o", "out"}, dir.path(), 10);
  done = true;
  unblock.join();
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_TRUE(Has(inspect.out, "dags/ok.py\n  ok  schedule=@daily  tasks=1")) << inspect.out;
  EXPECT_TRUE(Has(inspect.err, "1 files (1 with DAGs considered)")) << inspect.err;
  // A link that points to nothing is skipped, as Airflow skips it, but not without a word.
  for (const auto* r : {&inspect, &convert}) {
    EXPECT_TRUE(Has(r->err,
                    "dags/dangling.py: warning[DP005]: broken symbolic link to "
                    "/nonexistent/dagport/x.py"))
        << r->err;
    EXPECT_TRUE(Has(r->err, "dags/self.py: warning[DP005]: broken symbolic link to self.py"))
        << r->err;
    EXPECT_TRUE(Has(r->err, "= hint: fix or remove the link")) << r->err;
  }
  EXPECT_EQ(convert.exit_code, 0) << convert.err;
  EXPECT_EQ(FilesBelow(dir.path() / "out"),
            (std::vector<std::string>{"ok.py", "requirements.txt"}));
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);

  if (geteuid() != 0) {  // a file its owner made unreadable
    const fs::path secret = dir.Write("private/secret.py", "from airflow import DAG\n");
    fs::permissions(secret, fs::perms::none);
    auto denied = RunChecked({"inspect", "private"}, dir.path());
    EXPECT_EQ(denied.exit_code, 1);
    EXPECT_TRUE(Has(denied.err,
                    "private/secret.py: error[DP001]: cannot read file: Permission "
                    "denied"))
        << denied.err;
  }
}

TEST(BadInput, StandardOutputThatCannotBeWritten) {
  // /dev/full: every write fails with ENOSPC. The results are lost, so it is not a success.
  TempDir dir;
  dir.Write("dags/ok.py", kOkDag);
  const std::string command = std::string(DAGPORT_BINARY) + " inspect " +
                              (dir.path() / "dags").string() + " > /dev/full 2> " +
                              (dir.path() / "err.txt").string();
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_TRUE(Has(testing::ReadFile(dir.path() / "err.txt"),
                  "dagport: error: cannot write to standard output: No space left on device"));
}

TEST(BadInput, OutputFolderNotWritable) {
  // An output path below a regular file fails with ENOTDIR, even for root.
  TempDir dir;
  dir.Write("dags/ok.py", kOkDag);
  dir.Write("legacy/dags/ok.py", kOkDag);
  dir.Write("blocker", "a file where a folder should be\n");
  const auto before = Snapshot(dir.path());
  auto convert = RunChecked({"convert", "dags", "-o", "blocker/out"}, dir.path());
  EXPECT_EQ(convert.exit_code, 1);
  EXPECT_TRUE(Has(convert.err,
                  "blocker/out/ok.py: error[DP004]: cannot write blocker/out/ok.py: "
                  "creating its folder: Not a directory"))
      << convert.err;
  EXPECT_TRUE(Has(convert.err, "blocker/out/requirements.txt: error[DP004]")) << convert.err;
  EXPECT_TRUE(Has(convert.err, "= hint: choose a writable output folder"));
  EXPECT_TRUE(Has(convert.err,
                  "1 files: 0 converted, 0 unchanged, 0 copied, 0 skipped, 1 not "
                  "written"))
      << convert.err;
  auto simulate = RunChecked({"simulate", "dags", "-o", "blocker/report.txt"}, dir.path());
  EXPECT_EQ(simulate.exit_code, 2);
  EXPECT_TRUE(Has(simulate.err,
                  "blocker/report.txt: error[DP004]: cannot write blocker/report.txt: creating "
                  "its folder: Not a directory"))
      << simulate.err;
  EXPECT_FALSE(Has(simulate.err, "cannot write blocker/report.txt: cannot write")) << simulate.err;
  EXPECT_TRUE(Has(simulate.err, "Not a directory")) << simulate.err;
  auto migrate =
      RunChecked({"migrate", "legacy", "-o", "blocker/out", "--replays", "1"}, dir.path(), 60);
  EXPECT_EQ(migrate.exit_code, 2);
  EXPECT_TRUE(Has(migrate.err,
                  "blocker/out/report.json: error[DP004]: cannot write blocker/out/report.json"))
      << migrate.err;
  EXPECT_TRUE(Has(migrate.err, "Not a directory")) << migrate.err;
  EXPECT_EQ(Snapshot(dir.path()), before);  // nothing written anywhere, the blocker untouched
}

/// Runs `dagport convert IN -o OUT` in `cwd` under `ulimit -f 4` with SIGXFSZ ignored, so that
/// writing past 4 KB fails with EFBIG as on a full disk. Its messages go through a pipe (not
/// limited) to `log`. Returns the exit code.
int ConvertWithFileSizeLimit(const fs::path& cwd, const std::string& in, const std::string& out,
                             const fs::path& log) {
  const std::string script =
      "{ trap '' XFSZ; ulimit -f 4; exec \"$1\" convert \"$2\" -o \"$3\"; } 2>&1 | cat > \"$4\"; "
      "exit \"${PIPESTATUS[0]}\"";
  std::vector<std::string> args{"bash", "-c", script, "bash", DAGPORT_BINARY, in, out, log};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int status = 0;
  const int failed = posix_spawnp(&pid, "bash", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(BadInput, FullDiskSimulated) {
  TempDir dir;
  dir.Write("dags/small.py", std::string(kOkDag));
  std::string padded = kOkDag;
  for (int i = 0; padded.size() < 6000; ++i)
    padded += "# a long comment line that makes the file larger than four kilobytes " +
              std::to_string(i) + "\n";
  dir.Write("dags/big.py", padded);
  dir.Write("dags/sql/small.sql", "SELECT 1;\n");
  dir.Write("dags/sql/big.sql", "SELECT 1;\n" + std::string(10000, '-') + "\n");
  const auto before = Snapshot(dir.path() / "dags");

  // What a convert without the limit writes: the complete files.
  auto reference = RunChecked({"convert", "dags", "-o", "reference"}, dir.path());
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  const auto start = std::chrono::steady_clock::now();
  const int exit_code = ConvertWithFileSizeLimit(dir.path(), "dags", "out", dir.path() / "log");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string log = testing::ReadFile(dir.path() / "log");
  EXPECT_LT(seconds, 30);
  EXPECT_TRUE(exit_code == 1 || exit_code == 2) << exit_code << "\n" << log;
  EXPECT_TRUE(
      Has(log, "out/big.py: error[DP004]: cannot write out/big.py: writing: File too large"))
      << log;
  EXPECT_TRUE(Has(log,
                  "out/sql/big.sql: error[DP004]: cannot write out/sql/big.sql: writing: "
                  "File too large"))
      << log;
  EXPECT_TRUE(Has(log, "= hint: choose a writable output folder")) << log;
  EXPECT_TRUE(Has(log, "4 files: 1 converted, 0 unchanged, 1 copied, 0 skipped, 2 not written"))
      << log;
  // Every file written is whole (as the reference has it); the others are not there at all.
  const std::vector<std::string> written = FilesBelow(dir.path() / "out");
  for (const std::string& f : written) {
    EXPECT_EQ(testing::ReadFile(dir.path() / "out" / f),
              testing::ReadFile(dir.path() / "reference" / f))
        << f << " is not complete";
  }
  EXPECT_EQ(written, (std::vector<std::string>{"requirements.txt", "small.py", "sql/small.sql"}));
  ExpectNoTemporaryFiles(dir.path() / "out");
  EXPECT_EQ(Snapshot(dir.path() / "dags"), before);
}

TEST(BadInput, MalformedConfigurationFile) {
  TempDir dir;
  dir.Write("dags/ok.py", kOkDag);
  dir.Write("dagport.json",
            "{\n"
            "  \"containers\": {\n"
            "    \"target\": \"ecs\",\n"
            "    \"deployment\": {\"cluster\": \"c\",}\n"
            "  }\n"
            "}\n");
  const auto before = Snapshot(dir.path());
  auto convert =
      RunChecked({"convert", "dags", "-o", "out", "--config", "dagport.json"}, dir.path());
  EXPECT_EQ(convert.exit_code, 2);
  EXPECT_TRUE(Has(convert.err, "dagport.json:4:35: error[DP220]: not valid JSON")) << convert.err;
  EXPECT_TRUE(Has(convert.err, "= hint: fix the syntax; docs/containers.md shows an example"))
      << convert.err;
  auto simulate = RunChecked({"simulate", "dags", "--config", "dagport.json"}, dir.path());
  EXPECT_EQ(simulate.exit_code, 2);
  EXPECT_TRUE(Has(simulate.err, "dagport.json:4:35: not valid JSON")) << simulate.err;
  EXPECT_EQ(Snapshot(dir.path()), before);  // nothing converted, nothing written
}

TEST(BadInput, MalformedDurationsFile) {
  TempDir dir;
  dir.Write("dags/ok.py", kOkDag);
  dir.Write("syntax.json", "{\n  \"ok.t\": {\"mean\": 10,\n}\n");
  dir.Write("types.json", "{\"ok.t\": {\"mean\": \"ten\"}}\n");
  auto syntax = RunChecked({"simulate", "dags", "--durations", "syntax.json"}, dir.path());
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_TRUE(Has(syntax.err, "dagport simulate: syntax.json:3:1: not valid JSON")) << syntax.err;
  EXPECT_TRUE(Has(syntax.err, "see 'dagport simulate --help'")) << syntax.err;
  EXPECT_EQ(syntax.out, "");
  auto types = RunChecked({"simulate", "dags", "--durations", "types.json"}, dir.path());
  EXPECT_EQ(types.exit_code, 2);
  EXPECT_TRUE(Has(types.err, "types.json:1:2: \"ok.t\".mean: expected a number")) << types.err;
  EXPECT_EQ(types.out, "");
}

TEST(BadInput, CorruptStateDatabase) {
  TempDir dir;
  dir.Write("dags/hello.py",
            "from datetime import datetime\n"
            "from airflow import DAG\n"
            "from airflow.operators.bash import BashOperator\n"
            "\n"
            "with DAG('hello', start_date=datetime(2025, 1, 1), schedule='@daily') as dag:\n"
            "    BashOperator(task_id='say', bash_command='echo hi')\n");
  std::mt19937 random(20251127);
  std::string bytes(8192, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  dir.Write("state/state.sqlite", bytes);
  auto run = RunChecked({"run", "dags", "--dag", "hello", "--date", "2025-01-02", "--state",
                         "state/state.sqlite", "--home", "home", "--isolation", "process"},
                        dir.path());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Has(run.err,
                  "state/state.sqlite is not a dagport state file: state database: file "
                  "is not a database"))
      << run.err;
  EXPECT_FALSE(fs::exists(dir.path() / "home"));  // no task ran, nothing was made
  EXPECT_FALSE(fs::exists(dir.path() / "state/state.sqlite.lock"));
  auto runs = RunChecked({"runs", "list", "--state", "state/state.sqlite"}, dir.path());
  EXPECT_EQ(runs.exit_code, 2);
  EXPECT_TRUE(Has(runs.err, "state/state.sqlite is not a dagport state file")) << runs.err;
  EXPECT_EQ(testing::ReadFile(dir.path() / "state/state.sqlite"), bytes);
}

}  // namespace
}  // namespace dagport
