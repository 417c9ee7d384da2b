// `dagport convert` on the sample deployment with each container target: the output tree is
// compared with the committed golden output, byte for byte, and checked for what the issue
// asks: every venv-operator task rewritten, Python that compiles, the same bytes on every run.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_support.h"

namespace dagport {
namespace {

namespace fs = std::filesystem;
using testing::RunDagport;
using testing::TempDir;

std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file())
      files[entry.path().lexically_relative(root).generic_string()] =
          testing::ReadFile(entry.path());
  }
  return files;
}

/// Compares `actual` with the golden folder (only the files `keep` selects); rewrites the
/// folder with DAGPORT_UPDATE_GOLDEN=1.
void ExpectGoldenTree(const fs::path& golden, const std::map<std::string, std::string>& actual,
                      bool (*keep)(const std::string&, const std::string&)) {
  std::map<std::string, std::string> selected;
  for (const auto& [path, text] : actual) {
    if (keep(path, text)) selected[path] = text;
  }
  const char* update = std::getenv("DAGPORT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::remove_all(golden);
    for (const auto& [path, text] : selected) testing::WriteFile(golden / path, text);
    return;
  }
  ASSERT_TRUE(fs::is_directory(golden))
      << golden << " is missing (run the test with DAGPORT_UPDATE_GOLDEN=1 to create it)";
  const std::map<std::string, std::string> expected = Tree(golden);
  for (const auto& [path, text] : expected) {
    auto it = selected.find(path);
    if (it == selected.end()) {
      ADD_FAILURE() << "not written: " << path;
    } else if (it->second != text) {
      ADD_FAILURE() << path << " differs from " << (golden / path)
                    << " (DAGPORT_UPDATE_GOLDEN=1 updates it):\n"
                    << it->second;
    }
  }
  for (const auto& [path, text] : selected) {
    if (!expected.contains(path)) ADD_FAILURE() << "written but not in the golden output: " << path;
  }
}

/// The sample converts with exit code 1: one file needs a person (a TriggerDagRunOperator
/// python_callable, DP201), whatever the container target.
constexpr int kSampleExit = 1;

testing::CommandResult ConvertSamples(const fs::path& out, const std::string& target) {
  return RunDagport({"convert", "samples/legacy_dags", "-o", out.string(), "--days-ago-from",
                     "2024-01-01", "--containers", target},
                    testing::SourceDir(), {"NO_COLOR=1"});
}

/// What the conversion changed or added: files copied as they are (README, helpers) are
/// checked against their input instead of being kept twice in the repository.
bool ChangedOrNew(const std::string& path, const std::string& text) {
  const fs::path input = testing::SourceDir() / "samples/legacy_dags" / path;
  return !fs::exists(input) || testing::ReadFile(input) != text;
}
bool ContainerFiles(const std::string& path, const std::string&) {
  return path.starts_with("containers/") || path == "plugins/dagport_container.py";
}

TEST(ContainersE2E, EcsOutputMatchesTheGoldenTree) {
  TempDir out;
  const auto r = ConvertSamples(out.path(), "ecs");
  EXPECT_EQ(r.exit_code, kSampleExit) << r.err;
  const auto tree = Tree(out.path());
  ExpectGoldenTree(testing::SourceDir() / "tests/golden/containers/ecs", tree, ChangedOrNew);

  // Every task of the venv operator is a container task now.
  for (const auto& [path, text] : tree) {
    if (path.starts_with("dags/")) {
      EXPECT_EQ(text.find("VirtualenvTaskOperator"), std::string::npos) << path;
    }
  }
  const auto manifest = nlohmann::json::parse(tree.at("containers/manifest.json"));
  EXPECT_EQ(manifest["format"], "dagport.containers/1");
  EXPECT_EQ(manifest["tasks"].size(), 7u);  // 1 + 1 + 2 + 3 tasks in four DAGs
  for (const auto& env : manifest["environments"]) {
    const std::string dir = "containers/env-" + env["id"].get<std::string>() + "/";
    for (const char* file :
         {"Dockerfile", "requirements.txt", "dagport-entrypoint", "task-definition.json"})
      EXPECT_TRUE(tree.contains(dir + file)) << dir << file;
  }
  // The sample's dagport.json is used: no placeholder warnings, its subnets in the wrapper.
  EXPECT_EQ(r.err.find("DP225"), std::string::npos) << r.err;
  EXPECT_NE(tree.at("plugins/dagport_container.py").find("subnet-00000000000000001"),
            std::string::npos);
  // Files handed over through /tmp between a bash task and a container task are reported, and
  // so is the scratch file the operator's execute() wrote around the command.
  EXPECT_NE(r.err.find("DP226"), std::string::npos);
  EXPECT_NE(r.err.find("DP229"), std::string::npos);
  EXPECT_NE(tree.at("requirements.txt").find("apache-airflow-providers-amazon"), std::string::npos);
}

TEST(ContainersE2E, KubernetesAndDockerTargetsMatchTheirGoldenFiles) {
  for (const std::string target : {"kubernetes", "docker"}) {
    SCOPED_TRACE(target);
    TempDir out;
    const auto r = ConvertSamples(out.path(), target);
    EXPECT_EQ(r.exit_code, kSampleExit) << r.err;
    const auto tree = Tree(out.path());
    ExpectGoldenTree(testing::SourceDir() / "tests/golden/containers" / target, tree,
                     ContainerFiles);
    for (const auto& [path, text] : tree)
      EXPECT_FALSE(path.ends_with("task-definition.json")) << path;
  }
}

TEST(ContainersE2E, SameInputSameBytesAndPythonThatCompiles) {
  ASSERT_EQ(std::system("python3 --version > /dev/null 2>&1"), 0) << "python3 is missing";
  TempDir a, b;
  ASSERT_EQ(ConvertSamples(a.path(), "ecs").exit_code, kSampleExit);
  ASSERT_EQ(ConvertSamples(b.path(), "ecs").exit_code, kSampleExit);
  EXPECT_EQ(Tree(a.path()), Tree(b.path()));
  for (const auto& [path, text] : Tree(a.path())) {
    if (!path.ends_with(".py")) continue;
    const std::string command = "python3 -m py_compile '" + (a.path() / path).string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << path;
  }
  const std::string sh = "sh -n '" + (a.path() / "containers/build.sh").string() + "'";
  EXPECT_EQ(std::system(sh.c_str()), 0);
}

TEST(ContainersE2E, NoneLeavesTheVenvOperatorAndAnInvalidConfigStopsEverything) {
  TempDir out;
  auto r = ConvertSamples(out.path(), "none");
  EXPECT_EQ(r.exit_code, kSampleExit) << r.err;
  EXPECT_FALSE(fs::exists(out.path() / "containers"));
  EXPECT_NE(testing::ReadFile(out.path() / "dags/geo_enrichment.py").find("VirtualenvTaskOperator"),
            std::string::npos);

  TempDir in, out2;
  in.Write("dags/x.py", "from airflow import DAG\n");
  const fs::path config = in.Write("dagport.json", "{\n  \"containers\": {\"target\": 3}\n}\n");
  r = RunDagport({"convert", in.path().string(), "-o", out2.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(config.string() + ":2:28: error[DP220]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out2.path() / "x.py"));
}

}  // namespace
}  // namespace dagport

namespace dagport {
namespace {

TEST(ContainersE2E, BashTasksThatInstallRunInTheirOwnContainerTheOthersStay) {
  TempDir in, out;
  in.Write("dags/b.py", R"PY(from datetime import datetime
from airflow import DAG
from airflow.operators.bash_operator import BashOperator

with DAG('bash_venv', start_date=datetime(2021, 1, 1), schedule_interval='@daily') as dag:
    for name in ['daily', 'weekly']:
        report = BashOperator(
            task_id='report_' + name,
            bash_command='virtualenv /tmp/venv_report && /tmp/venv_report/bin/pip install jinja2==2.11'
                         ' && /tmp/venv_report/bin/python /opt/report.py --kind ' + name,
        )
    hello = BashOperator(task_id='hello', bash_command='echo {{ ds }} > /tmp/hello.txt')
    report >> hello
)PY");
  const auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string dag = testing::ReadFile(out.path() / "dags/b.py");
  EXPECT_NE(dag.find("report = ContainerTaskOperator(\n            task_id='report_' + name,\n"
                     "            command='virtualenv"),
            std::string::npos)
      << dag;
  EXPECT_NE(dag.find("hello = BashOperator(task_id='hello', bash_command="), std::string::npos)
      << dag;
  EXPECT_TRUE(fs::exists(out.path() / "dags/dagport_container.py"));  // no plugins folder
  const auto manifest =
      nlohmann::json::parse(testing::ReadFile(out.path() / "containers/manifest.json"));
  ASSERT_EQ(manifest["tasks"].size(), 2u);
  EXPECT_EQ(manifest["tasks"][0]["command_style"], "shell");
  ASSERT_EQ(manifest["environments"].size(), 1u);
  const std::string id = manifest["environments"][0]["id"];
  EXPECT_NE(testing::ReadFile(out.path() / "containers" / ("env-" + id) / "Dockerfile")
                .find("RUN pip install virtualenv"),
            std::string::npos);
  // Without a dagport.json, every deployment placeholder is reported.
  EXPECT_NE(r.err.find("DP225"), std::string::npos);
}

}  // namespace
}  // namespace dagport

namespace dagport {
namespace {

TEST(ContainersE2E, PythonVirtualenvCallablesMoveIntoTheImageAndRunThere) {
  ASSERT_EQ(std::system("python3 --version > /dev/null 2>&1"), 0) << "python3 is missing";
  TempDir in, out;
  in.Write("dags/p.py", R"PY(import json
from datetime import datetime

from airflow import DAG
from airflow.operators.python_operator import PythonVirtualenvOperator

THRESHOLD = 0.8
UNUSED = object()


def _keep(rows):
    return [r for r in rows if r > THRESHOLD]


def compute(table, ds=None, params=None, **kwargs):
    return {'table': table, 'ds': ds, 'kept': _keep([0.5, 0.9]), 'p': params,
            'run': kwargs.get('run_id'), 'json': json.dumps([1])}


with DAG('pv', start_date=datetime(2021, 1, 1), schedule_interval='@daily') as dag:
    t = PythonVirtualenvOperator(
        task_id='compute',
        python_callable=compute,
        requirements=['six==1.16.0'],
        op_kwargs={'table': 'orders'},
        system_site_packages=False,
    )
    u = PythonVirtualenvOperator(task_id='lam', python_callable=lambda: 1, requirements=[])
    t >> u
)PY");
  const auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string dag = testing::ReadFile(out.path() / "dags/p.py");
  EXPECT_NE(dag.find("command='p__compute:compute',"), std::string::npos) << dag;
  EXPECT_NE(dag.find("op_kwargs={'table': 'orders'},\n        command_style='callable',\n    )"),
            std::string::npos)
      << dag;
  EXPECT_EQ(dag.find("system_site_packages"), std::string::npos);
  // The lambda cannot move: that task stays, reported.
  EXPECT_NE(dag.find("u = PythonVirtualenvOperator(task_id='lam'"), std::string::npos);
  EXPECT_NE(r.err.find("DP227"), std::string::npos);

  const fs::path callables = out.path() / "containers/callables";
  const std::string module = testing::ReadFile(callables / "p__compute.py");
  EXPECT_NE(module.find("THRESHOLD = 0.8"), std::string::npos) << module;
  EXPECT_NE(module.find("def _keep(rows):"), std::string::npos);
  EXPECT_EQ(module.find("UNUSED"), std::string::npos) << module;
  EXPECT_EQ(module.find("airflow"), std::string::npos) << module;

  // Run it as the container does, with the spec the wrapper renders.
  const std::string spec =
      R"({"callable": "p__compute:compute", "args": [], "kwargs": {"table": "orders"}, )"
      R"("context": {"ds": "2024-01-02", "run_id": "scheduled__2024-01-02"}})";
  const std::string command = "cd '" + callables.string() +
                              "' && DAGPORT_PARAMS='{\"x\": 1}' python3 dagport_run.py '" + spec +
                              "' > '" + (out.path() / "result.txt").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string printed = testing::ReadFile(out.path() / "result.txt");
  printed = printed.substr(0, printed.find_last_not_of('\n') + 1);
  const std::string last = printed.substr(printed.rfind('\n') + 1);
  EXPECT_EQ(nlohmann::json::parse(last),
            nlohmann::json::parse(R"({"table": "orders", "ds": "2024-01-02", "kept": [0.9],
                                      "p": {"x": 1}, "run": "scheduled__2024-01-02",
                                      "json": "[1]"})"));
  const auto manifest =
      nlohmann::json::parse(testing::ReadFile(out.path() / "containers/manifest.json"));
  ASSERT_EQ(manifest["tasks"].size(), 1u);
  EXPECT_EQ(manifest["tasks"][0]["command_style"], "callable");
  const std::string id = manifest["environments"][0]["id"];
  EXPECT_NE(testing::ReadFile(out.path() / "containers" / ("env-" + id) / "Dockerfile")
                .find("COPY containers/callables/ /opt/dagport/callables/"),
            std::string::npos);
}

}  // namespace
}  // namespace dagport

namespace dagport {
namespace {

TEST(ContainersE2E, NoWrapperWritesTheTargetsOperatorItself) {
  ASSERT_EQ(std::system("python3 --version > /dev/null 2>&1"), 0) << "python3 is missing";
  for (const std::string target : {"ecs", "kubernetes", "docker"}) {
    SCOPED_TRACE(target);
    TempDir out;
    const auto r =
        RunDagport({"convert", "samples/legacy_dags", "-o", out.path().string(), "--days-ago-from",
                    "2024-01-01", "--containers", target, "--no-wrapper"},
                   testing::SourceDir(), {"NO_COLOR=1"});
    EXPECT_EQ(r.exit_code, 1) << r.err;  // the sample's one file that needs a person
    EXPECT_EQ(r.err.find("DP209"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("DP213"), std::string::npos) << r.err;
    const auto manifest =
        nlohmann::json::parse(testing::ReadFile(out.path() / "containers/manifest.json"));
    EXPECT_EQ(manifest["wrapper"], "");
    for (const auto& task : manifest["tasks"]) {
      const std::string dag = testing::ReadFile(
          out.path() / "dags" / fs::path(task["file"].get<std::string>()).filename());
      EXPECT_EQ(dag.find("ContainerTaskOperator"), std::string::npos) << dag;
      const std::string env = task["environment"];
      const std::string reference =
          target == "ecs" ? "task_definition=\"dagport-" + env + "\"" : ":env-" + env + "\"";
      EXPECT_NE(dag.find(reference), std::string::npos) << reference << "\n" << dag;
      const std::string compile =
          "python3 -m py_compile '" +
          (out.path() / "dags" / fs::path(task["file"].get<std::string>()).filename()).string() +
          "'";
      EXPECT_EQ(std::system(compile.c_str()), 0);
    }
  }
}

}  // namespace
}  // namespace dagport

namespace dagport {
namespace {

TEST(ContainersE2E, NoWrapperKeepsTheWrapperWhereItMustAndSaysWhy) {
  TempDir in, out;
  in.Write("dags/p.py", R"PY(from datetime import datetime
from airflow import DAG
from airflow.models import Variable
from airflow.operators.python_operator import PythonVirtualenvOperator
from airflow.operators.bash_operator import BashOperator

def work():
    return 1

with DAG('p', start_date=datetime(2021, 1, 1), schedule_interval=None) as dag:
    a = PythonVirtualenvOperator(task_id='a', python_callable=work, requirements=['six'])
    b = BashOperator(task_id='b', bash_command='pip install six && python -c "import six"')
    a >> b
)PY");
  const auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string(), "--no-wrapper"}, {},
                 {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string dag = testing::ReadFile(out.path() / "dags/p.py");
  EXPECT_NE(dag.find("a = ContainerTaskOperator(task_id='a', command='p__work:work'"),
            std::string::npos)
      << dag;
  EXPECT_NE(dag.find("b = EcsRunTaskOperator(task_id='b', cluster="), std::string::npos) << dag;
  EXPECT_NE(r.err.find("DP228"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("it runs a Python callable"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dagport

namespace dagport {
namespace {

TEST(ContainersE2E, TaskFactoriesInHelperModulesAreRewrittenToo) {
  TempDir in, out;
  in.Write(
      "plugins/venv_operator.py",
      testing::ReadFile(testing::SourceDir() / "samples/legacy_dags/plugins/venv_operator.py"));
  in.Write("dags/common/__init__.py", "");
  in.Write("dags/common/factory.py",
           R"PY(from airflow.operators.venv_plugin import VirtualenvTaskOperator


def venv_task(dag, name):
    return VirtualenvTaskOperator(
        task_id='run_' + name,
        project='p',
        requirements=['six==1.16.0'],
        command='/opt/{}.py'.format(name),
        dag=dag,
    )
)PY");
  in.Write("dags/d.py", R"PY(from datetime import datetime
from airflow import DAG
from common.factory import venv_task

dag = DAG('tf', start_date=datetime(2021, 1, 1), schedule_interval=None)
a = venv_task(dag, 'a')
b = venv_task(dag, 'b')
a >> b
)PY");
  const auto r =
      RunDagport({"convert", in.path().string(), "-o", out.path().string()}, {}, {"NO_COLOR=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("DP209"), std::string::npos) << r.err;
  const std::string factory = testing::ReadFile(out.path() / "dags/common/factory.py");
  EXPECT_NE(factory.find("return ContainerTaskOperator(\n        task_id='run_' + name,"),
            std::string::npos)
      << factory;
  EXPECT_NE(factory.find("from dagport_container import ContainerTaskOperator"), std::string::npos);
  const auto manifest =
      nlohmann::json::parse(testing::ReadFile(out.path() / "containers/manifest.json"));
  EXPECT_EQ(manifest["tasks"].size(), 2u);
}

}  // namespace
}  // namespace dagport
