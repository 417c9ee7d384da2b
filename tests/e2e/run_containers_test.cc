// `dagport run` on container tasks of converted DAGs: a legacy virtualenv operator converted by
// `dagport convert`, then run locally. The environment is built once with pip (from a wheel
// written here, through the user's pip configuration: PIP_NO_INDEX, PIP_FIND_LINKS), mounted
// read-only, and two tasks that shared one virtualenv and one /tmp file on a Celery worker run
// side by side without interfering; without isolation the same tasks do interfere.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::RunDagport;
using testing::TempDir;

// Two tasks of one project: the legacy operator gave them the same virtualenv folder; their
// script writes the same /tmp file, waits until the other task has written it too (or 2 s),
// and reads it back.
constexpr const char* kLegacyDag = R"PY(
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonVirtualenvOperator
from airflow.operators.venv_plugin import VirtualenvTaskOperator

dag = DAG('shared_venv', start_date=datetime(2025, 1, 1), schedule_interval='@daily')

for name in ['left', 'right']:
    VirtualenvTaskOperator(
        task_id='probe_' + name,
        project='probe',
        requirements=['dagport-probe==1.0'],
        command='/usr/local/airflow/dags/scripts/probe.py ' + name + ' {{ var.value.probe_token }}',
        python_version='3.11',
        dag=dag,
    )

FACTOR = 3


def compute(n, ds=None, **kwargs):
    import dagport_probe
    print('compute', dagport_probe.VALUE, ds, kwargs['params'])
    return {'n': n * FACTOR, 'ds': ds}


show = BashOperator(task_id='show', bash_command='echo "got $X"',
                    env={'X': "{{ ti.xcom_pull(task_ids='compute') }}"}, dag=dag)

PythonVirtualenvOperator(
    task_id='compute',
    python_callable=compute,
    requirements=['dagport-probe==1.0'],
    python_version='3.11',
    op_args=[14],
    params={'p': 1},
    dag=dag,
) >> show
)PY";

constexpr const char* kProbe = R"PY(
import os, sys, sysconfig, time
import dagport_probe

who, token = sys.argv[1], sys.argv[2]
other = 'right' if who == 'left' else 'left'
print('probe', who, dagport_probe.VALUE, 'project', os.environ.get('PROJECT'), 'cwd', os.getcwd())
scratch = '/tmp/dagport_probe_%s.txt' % token
with open(scratch, 'w') as f:
    f.write(who)
open('/tmp/dagport_probe_%s_%s' % (token, who), 'w').close()
deadline = time.time() + 2
while time.time() < deadline and not os.path.exists('/tmp/dagport_probe_%s_%s' % (token, other)):
    time.sleep(0.05)
try:
    open(os.path.join(sysconfig.get_paths()['purelib'], 'dagport_probe', 'x.py'), 'w').close()
    print('venv writable')
except OSError as e:
    print('venv not writable:', e.strerror)
with open(scratch) as f:
    seen = f.read()
print('scratch', seen)
sys.exit(0 if seen == who else 1)
)PY";

/// A wheel of `dagport-probe` 1.0 in `folder`, written with Python's zipfile.
void WriteWheel(const fs::path& folder) {
  fs::create_directories(folder);
  const std::string script =
      "import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1] + '/dagport_probe-1.0-py3-none-any.whl', 'w')\n"
      "files = {'dagport_probe/__init__.py': \"VALUE = 'probe-1.0'\\n\",\n"
      "  'dagport_probe-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: "
      "dagport-probe\\nVersion: 1.0\\n',\n"
      "  'dagport_probe-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: test\\n"
      "Root-Is-Purelib: true\\nTag: py3-none-any\\n'}\n"
      "for name, text in files.items(): z.writestr(name, text)\n"
      "z.writestr('dagport_probe-1.0.dist-info/RECORD', ''.join(n + ',,\\n' for n in files) + "
      "'dagport_probe-1.0.dist-info/RECORD,,\\n')\n"
      "z.close()\n";
  testing::WriteFile(folder / "make_wheel.py", script);
  ASSERT_EQ(std::system(
                ("python3 " + (folder / "make_wheel.py").string() + " " + folder.string()).c_str()),
            0);
}

/// The legacy tree (the sample's virtualenv operator and dagport.json), converted to `out`.
void ConvertLegacy(const TempDir& dir, const std::string& legacy_dag, const fs::path& out,
                   const std::vector<std::string>& extra = {}) {
  const fs::path samples = testing::SourceDir() / "samples" / "legacy_dags";
  dir.Write("legacy/dags/shared_venv.py", legacy_dag);
  dir.Write("legacy/dags/scripts/probe.py", kProbe);
  dir.Write("legacy/plugins/venv_operator.py",
            testing::ReadFile(samples / "plugins" / "venv_operator.py"));
  dir.Write("legacy/dagport.json", testing::ReadFile(samples / "dagport.json"));
  std::vector<std::string> args = {"convert", (dir.path() / "legacy").string(), "-o", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = RunDagport(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

std::string Log(const fs::path& home, const std::string& run, const std::string& task) {
  return testing::ReadFile(home / "logs" / "dag_id=shared_venv" / ("run_id=" + run) /
                           ("task_id=" + task) / "attempt=1.log");
}

bool BwrapWorks(const TempDir& dir) {
  dir.Write("probe/p.py",
            "from airflow import DAG\nfrom airflow.operators.bash import BashOperator\n"
            "from datetime import datetime\n"
            "with DAG('p', start_date=datetime(2025, 1, 1)) as dag:\n"
            "    BashOperator(task_id='t', bash_command='true')\n");
  auto r = RunDagport({"run", (dir.path() / "probe").string(), "--isolation", "bwrap", "--home",
                       (dir.path() / "probe-home").string(), "--state",
                       (dir.path() / "probe-home" / "s.sqlite").string(), "--date", "2025-01-02"});
  return r.exit_code == 0;
}

class RunContainers : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteWheel(dir_.path() / "wheels");
    token_ = "t" + std::to_string(::getpid());
    env_ = {"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + (dir_.path() / "wheels").string(),
            "AIRFLOW_VAR_PROBE_TOKEN=" + token_};
  }
  void TearDown() override {
    std::error_code ec;
    for (const char* suffix : {".txt", "_left", "_right"})
      fs::remove(fs::path("/tmp") / ("dagport_probe_" + token_ + suffix), ec);
  }
  testing::CommandResult Run(const fs::path& dags, const std::string& date,
                             const std::string& isolation, const std::string& jobs = "3") {
    const std::vector<std::string> args = {"run",         dags.string(),
                                           "--dag",       "shared_venv",
                                           "--date",      date,
                                           "-j",          jobs,
                                           "--isolation", isolation,
                                           "--home",      home().string(),
                                           "--state",     (home() / "state.sqlite").string(),
                                           "--env-cache", envs().string()};
    return RunDagport(args, {}, env_);
  }
  fs::path home() const { return dir_.path() / "home"; }
  fs::path envs() const { return dir_.path() / "envs"; }

  TempDir dir_;
  std::string token_;
  std::vector<std::string> env_;
};

TEST_F(RunContainers, ConvertedTasksShareNothingAndTheEnvironmentIsBuiltOnce) {
  if (!BwrapWorks(dir_)) GTEST_SKIP() << "bubblewrap cannot create namespaces here";
  const fs::path out = dir_.path() / "converted";
  ConvertLegacy(dir_, kLegacyDag, out);
  auto r = Run(out / "dags", "2025-01-06", "bwrap");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string run = "manual__2025-01-06T00:00:00+00:00";
  for (const std::string who : {"left", "right"}) {
    const std::string log = Log(home(), run, "probe_" + who);
    // The requirement is installed, the DAG folder is where the image has it, the project
    // moved into the environment, the environment is read-only, /tmp is the task's own.
    EXPECT_NE(log.find("probe " + who + " probe-1.0 project probe cwd /usr/local/airflow/dags"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("venv not writable: Read-only file system"), std::string::npos) << log;
    EXPECT_NE(log.find("scratch " + who), std::string::npos) << log;
  }
  // One environment, built once for the three tasks, before they ran.
  int environments = 0;
  for (const auto& e : fs::directory_iterator(envs())) environments += e.is_directory() ? 1 : 0;
  EXPECT_EQ(environments, 1);
  EXPECT_NE(r.err.find("built in"), std::string::npos) << r.err;
  // The moved callable ran in it; its return value is the XCom.
  EXPECT_NE(Log(home(), run, "compute").find("compute probe-1.0 2025-01-06 {'p': 1}"),
            std::string::npos)
      << Log(home(), run, "compute");
  EXPECT_NE(Log(home(), run, "show").find(R"(got {"n": 42, "ds": "2025-01-06"})"),
            std::string::npos)
      << Log(home(), run, "show");
  // A second run takes the environment from the cache.
  auto again = Run(out / "dags", "2025-01-07", "bwrap");
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.err.find("built in"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("in the cache"), std::string::npos) << again.err;
}

TEST_F(RunContainers, WithoutIsolationTheSameTasksInterfere) {
  // The control: as plain processes the two tasks share /tmp, as they shared a Celery
  // worker's disk, and one of them reads the other's scratch file.
  const fs::path out = dir_.path() / "converted";
  std::string dag = kLegacyDag;
  dag.replace(dag.find("/usr/local/airflow/dags/"), 24, "");  // relative to the DAG folder
  ConvertLegacy(dir_, dag, out);
  auto r = Run(out / "dags", "2025-01-06", "process");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string run = "manual__2025-01-06T00:00:00+00:00";
  const bool left = Log(home(), run, "probe_left").find("scratch left") != std::string::npos;
  const bool right = Log(home(), run, "probe_right").find("scratch right") != std::string::npos;
  EXPECT_NE(left, right) << Log(home(), run, "probe_left") << Log(home(), run, "probe_right");
}

TEST_F(RunContainers, TargetOperatorsWithoutTheWrapperRunToo) {
  for (const std::string target : {"ecs", "kubernetes", "docker"}) {
    SCOPED_TRACE(target);
    const fs::path out = dir_.path() / ("converted-" + target);
    std::string dag = kLegacyDag;
    dag.replace(dag.find("/usr/local/airflow/dags/"), 24, "");
    ConvertLegacy(dir_, dag, out, {"--containers", target, "--no-wrapper"});
    const std::string text = testing::ReadFile(out / "dags" / "shared_venv.py");
    ASSERT_EQ(text.find("ContainerTaskOperator(\n        task_id='probe_"), std::string::npos)
        << text;
    // Run one task at a time: these tasks share /tmp outside bwrap.
    auto r = Run(out / "dags", "2025-01-06", "process", "1");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    fs::remove_all(home());
  }
}

TEST_F(RunContainers, ARequirementPipCannotInstallFailsItsTasksByName) {
  const fs::path out = dir_.path() / "converted";
  std::string dag = kLegacyDag;
  for (size_t at; (at = dag.find("dagport-probe==1.0")) != std::string::npos;)
    dag.replace(at, 18, "dagport-missing==9.9");
  ConvertLegacy(dir_, dag, out);
  auto r = Run(out / "dags", "2025-01-06", "process");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("probe_left"), std::string::npos);
  EXPECT_NE(r.out.find("pip could not install 'dagport-missing==9.9': no version of it can be "
                       "found"),
            std::string::npos)
      << r.out;
  // No half-built environment is left to be mistaken for a good one.
  for (const auto& e : fs::directory_iterator(envs())) EXPECT_FALSE(e.is_directory()) << e.path();
}

}  // namespace
}  // namespace dagport
