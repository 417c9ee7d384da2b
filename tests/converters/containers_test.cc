// The container conversion's parts: content hashes, Fargate sizes, the configuration file, the
// environment names the wrapper computes too, the generated wrapper and task definitions, and
// the call rewrite.

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "converters/airflow2/file_converter.h"
#include "converters/containers/container_artifacts.h"
#include "converters/containers/container_config.h"
#include "converters/containers/container_plan.h"
#include "converters/containers/fargate_sizes.h"
#include "converters/containers/sha256.h"
#include "converters/containers/wrapper_module.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "tests/test_support.h"

namespace dagport::converters::containers {
namespace {

using testing::TempDir;

TEST(Sha256, KnownDigestsAcrossBlockBoundaries) {
  // From Python's hashlib.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(Sha256Hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(Sha256Hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  EXPECT_EQ(Sha256Hex(std::string(119, 'a')),
            "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  EXPECT_EQ(Sha256Hex(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(FargateSizes, RoundsUpToTheSmallestLegalSize) {
  EXPECT_EQ(RoundUpToFargate(1000, 3000), (FargateSize{1024, 3072}));
  EXPECT_EQ(RoundUpToFargate(256, 1500), (FargateSize{256, 2048}));  // no 1.5 GB at 0.25 vCPU
  EXPECT_EQ(RoundUpToFargate(256, 3000), (FargateSize{512, 3072}));
  EXPECT_EQ(RoundUpToFargate(4096, 40000), (FargateSize{8192, 40960}));
  EXPECT_EQ(RoundUpToFargate(100, 100), (FargateSize{256, 512}));
  EXPECT_FALSE(RoundUpToFargate(16384, 130000));
  EXPECT_FALSE(IsLegalFargateSize({256, 1536}));
  EXPECT_FALSE(IsLegalFargateSize({1024, 1024}));
  EXPECT_TRUE(IsLegalFargateSize({16384, 122880}));
  for (int cpu = 1; cpu <= 16384; cpu += 97) {
    for (int memory = 1; memory <= 122880; memory += 1013) {
      if (auto size = RoundUpToFargate(cpu, memory)) {
        EXPECT_TRUE(IsLegalFargateSize(*size)) << size->cpu << "/" << size->memory;
        EXPECT_GE(size->cpu, cpu);
        EXPECT_GE(size->memory, memory);
      }
    }
  }
}

TEST(ContainerConfig, ReadsEveryKey) {
  std::vector<ir::Diagnostic> d;
  auto c = ParseContainerConfig(R"({"containers": {
    "target": "kubernetes", "detect": false, "python_version": "3.9", "cpu": 512, "memory": 4096,
    "operators": {"VenvOp": {"command": "script", "command_style": "python",
                             "environment_variables": {"project": "PROJECT"}, "drop": ["venv"]}},
    "deployment": {"cluster": "c", "subnets": ["s1"], "security_groups": ["g"],
                   "execution_role_arn": "arn:x", "registry": "r.example", "namespace": "ns"}}})",
                                "dagport.json", d);
  ASSERT_TRUE(c) << (d.empty() ? "" : d[0].message);
  EXPECT_EQ(c->target, Target::kKubernetes);
  EXPECT_FALSE(c->detect);
  EXPECT_EQ(c->python_version, "3.9");
  EXPECT_EQ(c->cpu, 512);
  EXPECT_EQ(c->operators.at("VenvOp").command, "script");
  EXPECT_EQ(c->operators.at("VenvOp").environment_variables.at("project"), "PROJECT");
  EXPECT_EQ(c->deployment.namespace_, "ns");
  EXPECT_TRUE(c->Placeholders().empty());
  EXPECT_FALSE(ContainerConfig{}.Placeholders().empty());
}

TEST(ContainerConfig, ErrorsNameTheLineColumnAndKey) {
  auto error = [](const std::string& text) {
    std::vector<ir::Diagnostic> d;
    EXPECT_FALSE(ParseContainerConfig(text, "dagport.json", d));
    EXPECT_EQ(d.size(), 1u);
    return d.empty() ? ir::Diagnostic{} : d[0];
  };
  ir::Diagnostic d = error("{\n  \"containers\": {\n    \"targt\": \"ecs\"\n  }\n}\n");
  EXPECT_EQ(d.code, "DP220");
  EXPECT_EQ(d.file, "dagport.json");
  EXPECT_EQ(d.where.line, 3u);
  EXPECT_EQ(d.where.column, 14u);
  EXPECT_NE(d.message.find("unknown key 'targt'"), std::string::npos) << d.message;

  d = error("{\"containers\": {\"cpu\": \"big\"}}");
  EXPECT_NE(d.message.find("/containers/cpu: expected a whole number"), std::string::npos)
      << d.message;
  EXPECT_EQ(d.where.column, 24u);

  d = error("{\"containers\": {\"target\": \"lambda\"}}");
  EXPECT_NE(d.message.find("\"ecs\", \"kubernetes\" or \"docker\""), std::string::npos);

  d = error("{\"containers\": {\"operators\": {\"X\": {\"requirements\": \"r\"}}}}");
  EXPECT_NE(d.message.find("which argument holds the command"), std::string::npos);

  d = error("{\n\"containers\": {,}\n}");
  EXPECT_NE(d.message.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(d.where.line, 2u);
  EXPECT_EQ(d.where.column, 16u);
}

TEST(Environments, NamesIgnoreOrderWhitespaceAndRepeats) {
  const std::string id = EnvironmentId("3.8", {"pandas==1.1.5", "numpy==1.19.5"});
  EXPECT_EQ(id.size(), 12u);
  EXPECT_EQ(EnvironmentId("3.8", {" numpy==1.19.5", "pandas==1.1.5", "numpy==1.19.5", ""}), id);
  EXPECT_NE(EnvironmentId("3.9", {"pandas==1.1.5", "numpy==1.19.5"}), id);
  EXPECT_NE(EnvironmentId("3.8", {"pandas==1.1.4", "numpy==1.19.5"}), id);
  EXPECT_EQ(EnvironmentKey("3.8", {"b", "a"}), "python=3.8\na\nb\n");
}

TEST(Environments, TheWrapperComputesTheSameNames) {
  ASSERT_EQ(std::system("python3 --version > /dev/null 2>&1"), 0) << "python3 is missing";
  TempDir dir;
  ContainerConfig config;
  testing::WriteFile(dir.path() / "dagport_container.py",
                     WrapperModule(config, airflow2::AirflowVersion{2, 10, 3}));
  // A stand-in for the amazon provider: records what the wrapper passes it.
  dir.Write("airflow/__init__.py", "");
  dir.Write("airflow/providers/__init__.py", "");
  dir.Write("airflow/providers/amazon/__init__.py", "");
  dir.Write("airflow/providers/amazon/aws/__init__.py", "");
  dir.Write("airflow/providers/amazon/aws/operators/__init__.py", "");
  dir.Write("airflow/providers/amazon/aws/operators/ecs.py",
            "class EcsRunTaskOperator:\n"
            "    def __init__(self, **kwargs):\n"
            "        self.passed = kwargs\n");
  dir.Write("check.py", R"PY(import json, sys
from dagport_container import ContainerTaskOperator, environment_id
cases = [("3.8", ["pandas==1.1.5", "numpy==1.19.5"]), ("3.7", ["b", " a", "b", ""]),
         ("3.10", "x==1\n# comment\ny==2\n"), ("3.8", []), ("3.8", ["caf\u00e9==1"])]
ids = [environment_id(v, r) for v, r in cases]
op = ContainerTaskOperator(task_id="t", command="run.py --date {{ ds }}", command_style="python",
                           requirements=["pandas==1.1.5"], environment={"STAGE": "prod"},
                           memory=3000)
print(json.dumps({"ids": ids, "passed": op.passed, "env": op.environment_id}))
)PY");
  const std::string command = "cd '" + dir.path().string() + "' && python3 check.py > out.json";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const auto out = nlohmann::json::parse(testing::ReadFile(dir.path() / "out.json"));
  EXPECT_EQ(out["ids"][0], EnvironmentId("3.8", {"pandas==1.1.5", "numpy==1.19.5"}));
  EXPECT_EQ(out["ids"][1], EnvironmentId("3.7", {"b", " a", "b", ""}));
  EXPECT_EQ(out["ids"][2], EnvironmentId("3.10", {"x==1", "y==2"}));
  EXPECT_EQ(out["ids"][3], EnvironmentId("3.8", {}));
  EXPECT_EQ(out["ids"][4], EnvironmentId("3.8", {"caf\xC3\xA9==1"}));
  const auto& passed = out["passed"];
  EXPECT_EQ(passed["launch_type"], "FARGATE");
  EXPECT_EQ(passed["task_definition"], "dagport-" + EnvironmentId("3.8", {"pandas==1.1.5"}));
  EXPECT_EQ(passed["overrides"]["containerOverrides"][0]["command"],
            (nlohmann::json{"python", "run.py --date {{ ds }}"}));
  EXPECT_EQ(passed["overrides"]["containerOverrides"][0]["environment"][0]["name"], "STAGE");
  EXPECT_EQ(passed["overrides"]["cpu"], "1024");  // the default CPU, memory rounded up
  EXPECT_EQ(passed["overrides"]["memory"], "3072");
  EXPECT_EQ(passed["awslogs_stream_prefix"], "dagport/task");
  EXPECT_EQ(passed["network_configuration"]["awsvpcConfiguration"]["assignPublicIp"], "DISABLED");
  EXPECT_TRUE(passed.contains("region_name")) << passed.dump();
}

TEST(Wrapper, EveryTargetOnEveryAirflowVersionPassesOnlyKeywordsItsOperatorTakes) {
  ASSERT_EQ(std::system("python3 --version > /dev/null 2>&1"), 0) << "python3 is missing";
  TempDir dir;
  for (const std::string& v : airflow2::Api::Get().targets()) {
    const airflow2::AirflowVersion version = *airflow2::AirflowVersion::Parse(v);
    for (Target target : {Target::kEcs, Target::kKubernetes, Target::kDocker}) {
      SCOPED_TRACE(std::string(TargetName(target)) + " on " + v);
      // Throws when a keyword is not in the API data's signature of the operator.
      TargetOperator op;
      ASSERT_NO_THROW(op = TargetOperatorFor(target, version));
      // The module index is Airflow 2.10's (older providers had other module names).
      if (version.minor == 10) {
        EXPECT_TRUE(airflow2::Api::Get().ModuleDefines(op.module, op.name))
            << op.module << "." << op.name;
      }
      EXPECT_FALSE(op.provider.empty());
      ContainerConfig config;
      config.target = target;
      const auto file = dir.path() / ("w_" + std::string(TargetName(target)) + ".py");
      testing::WriteFile(file, WrapperModule(config, version));
      const std::string compile = "python3 -m py_compile '" + file.string() + "'";
      EXPECT_EQ(std::system(compile.c_str()), 0);
    }
  }
  // The ECS region argument follows the amazon provider of each Airflow version.
  const auto old_ecs = TargetOperatorFor(Target::kEcs, {2, 5, 1});
  const auto new_ecs = TargetOperatorFor(Target::kEcs, {2, 10, 3});
  auto has = [](const TargetOperator& op, const char* k) {
    for (const auto& [name, e] : op.keywords) {
      if (name == k) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(old_ecs, "region"));
  EXPECT_TRUE(has(new_ecs, "region_name"));
}

TEST(TaskDefinition, HasTheRegisterTaskDefinitionShape) {
  ContainerConfig config;
  config.deployment.task_role_arn = "arn:aws:iam::1:role/t";
  Environment env;
  env.id = EnvironmentId("3.8", {"a==1"});
  env.python_version = "3.8";
  env.requirements = {"a==1"};
  env.cpu = 700;
  env.memory = 3000;
  const auto td = nlohmann::json::parse(TaskDefinitionJson(config, env));
  // Only RegisterTaskDefinition input members.
  const std::set<std::string> allowed = {"family",
                                         "taskRoleArn",
                                         "executionRoleArn",
                                         "networkMode",
                                         "containerDefinitions",
                                         "volumes",
                                         "placementConstraints",
                                         "requiresCompatibilities",
                                         "cpu",
                                         "memory",
                                         "tags",
                                         "pidMode",
                                         "ipcMode",
                                         "proxyConfiguration",
                                         "inferenceAccelerators",
                                         "ephemeralStorage",
                                         "runtimePlatform"};
  for (const auto& [key, value] : td.items()) EXPECT_TRUE(allowed.contains(key)) << key;
  EXPECT_EQ(td["family"], "dagport-" + env.id);
  EXPECT_EQ(td["requiresCompatibilities"], nlohmann::json::array({"FARGATE"}));
  EXPECT_EQ(td["networkMode"], "awsvpc");  // required by Fargate
  ASSERT_TRUE(td["cpu"].is_string());
  ASSERT_TRUE(td["memory"].is_string());
  EXPECT_TRUE(IsLegalFargateSize(
      {std::stoi(td["cpu"].get<std::string>()), std::stoi(td["memory"].get<std::string>())}));
  EXPECT_EQ(td["cpu"], "1024");
  EXPECT_EQ(td["memory"], "3072");
  EXPECT_EQ(td["taskRoleArn"], "arn:aws:iam::1:role/t");
  ASSERT_EQ(td["containerDefinitions"].size(), 1u);
  const auto& c = td["containerDefinitions"][0];
  EXPECT_EQ(c["name"], kContainerName);
  EXPECT_TRUE(c["essential"].get<bool>());
  EXPECT_EQ(c["image"], ImageName(config, env));
  EXPECT_EQ(c["logConfiguration"]["logDriver"], "awslogs");
  for (const char* option : {"awslogs-group", "awslogs-region", "awslogs-stream-prefix"})
    EXPECT_TRUE(c["logConfiguration"]["options"].contains(option)) << option;
  // The family is a legal name: letters, digits, hyphens and underscores, up to 255.
  const std::string family = td["family"];
  EXPECT_EQ(
      family.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"),
      std::string::npos);
}

/// Converts `dag` (a DAG file using the plugin class venv_operator.VenvOp) with the class as a
/// container class.
std::string Rewrite(const std::string& dag, OperatorMapping mapping) {
  airflow2::ProjectFacts facts;
  facts.plugins.push_back(ir::Plugin{"venv_plugin",
                                     "venv_operator.VenvPlugin",
                                     "venv_operator.py",
                                     {"venv_operator.VenvOp"},
                                     {},
                                     {}});
  facts.containers.classes["venv_operator.VenvOp"] = std::move(mapping);
  airflow2::ConvertOptions options;
  options.today = "2024-01-01";
  return airflow2::ConvertFile("d.py", dag, options, facts).text;
}

TEST(ContainerTasksRule, RenamesMovesAndDropsArguments) {
  OperatorMapping m;
  m.command = "script";
  m.requirements = "packages";
  m.python_version = "python_version";
  m.command_style = "python";
  m.environment_variables = {{"project", "PROJECT"}};
  m.drop = {"venv_dir"};
  m.parameters = {"project", "packages", "script", "python_version", "venv_dir"};
  m.python_version_default = "3.7";
  const std::string out = Rewrite(R"PY(from airflow import DAG
from airflow.operators.venv_plugin import VenvOp
from datetime import datetime

dag = DAG('d', start_date=datetime(2021, 1, 1), schedule_interval=None)
a = VenvOp(
    task_id='a',
    project='pricing',
    packages=['pandas==1.1.5'],  # pinned for the model
    script='score.py --date {{ ds }}',
    venv_dir='/tmp/v',
    dag=dag,
)
b = VenvOp('analytics', [], 'run.py', task_id='b', dag=dag)
)PY",
                                  m);
  EXPECT_NE(out.find("from dagport_container import ContainerTaskOperator"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("VenvOp"), std::string::npos) << out;
  EXPECT_NE(out.find("a = ContainerTaskOperator(\n    task_id='a',\n"
                     "    requirements=['pandas==1.1.5'],  # pinned for the model\n"
                     "    command='score.py --date {{ ds }}',\n    dag=dag,\n"
                     "    environment={'PROJECT': 'pricing'},\n    python_version='3.7',\n"
                     "    command_style='python',\n)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("b = ContainerTaskOperator(requirements=[], command='run.py', task_id='b', "
                     "dag=dag, environment={'PROJECT': 'analytics'}, python_version='3.7', "
                     "command_style='python')"),
            std::string::npos)
      << out;
  // Idempotent: a second conversion changes nothing.
  EXPECT_EQ(Rewrite(out, m), out);
}

}  // namespace
}  // namespace dagport::converters::containers

namespace dagport::converters::containers {
namespace {

TEST(ContainerPlan, PositionalArgumentsNameTheSameEnvironmentAsTheWrapper) {
  parser::ModuleLoader loader({}, {});
  const std::string source = R"PY(import subprocess
from datetime import datetime
from airflow import DAG
from airflow.models import BaseOperator

class VenvOp(BaseOperator):
    def __init__(self, project, requirements, command, python_version='3.7', *args, **kwargs):
        super(VenvOp, self).__init__(*args, **kwargs)
        self.project = project
        self.requirements = requirements
        self.command = command

    def execute(self, context):
        subprocess.check_call(['virtualenv', '/tmp/venvs/' + self.project])

dag = DAG('d', start_date=datetime(2021, 1, 1))
VenvOp('analytics', ['x==1', 'y==2'], 'run.py --date {{ ds }}', task_id='a', dag=dag)
)PY";
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(source);
  const ir::DagFile file = parser::AnalyzeTree("venv_dag.py", tree, loader, {}).file;
  std::vector<ir::Diagnostic> diagnostics;
  ContainerConfig config;
  FileContainers found = ContainersOf(file, config, diagnostics);
  ASSERT_TRUE(found.classes.contains("venv_dag.VenvOp"));
  const OperatorMapping& m = found.classes.at("venv_dag.VenvOp");
  EXPECT_EQ(m.command, "command");
  EXPECT_EQ(m.python_version_default, "3.7");
  EXPECT_EQ(m.drop, (std::vector<std::string>{"project"}));
  ContainerPlan plan;
  AddToPlan(file, tree, found, config, plan, diagnostics);
  ASSERT_EQ(plan.tasks.size(), 1u);
  EXPECT_EQ(plan.tasks[0].command, "run.py --date {{ ds }}");
  EXPECT_EQ(plan.tasks[0].environment, EnvironmentId("3.7", {"x==1", "y==2"}));
  // The class's own module is not imported by the DAG file: the rewrite rule finds the call by
  // the class defined in the file, and writes the positional arguments as keywords.
  airflow2::ProjectFacts facts;
  facts.containers = found;
  airflow2::ConvertOptions options;
  const std::string out = airflow2::ConvertFile("venv_dag.py", source, options, facts).text;
  EXPECT_NE(out.find("ContainerTaskOperator(requirements=['x==1', 'y==2'], "
                     "command='run.py --date {{ ds }}', task_id='a', dag=dag, "
                     "python_version='3.7')"),
            std::string::npos)
      << out;
}

TEST(ContainerConfig, ACommandOrACallableNotBoth) {
  std::vector<ir::Diagnostic> d;
  EXPECT_FALSE(ParseContainerConfig(
      R"({"containers": {"operators": {"X": {"command": "c", "python_callable": "f"}}}})",
      "dagport.json", d));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("not both"), std::string::npos) << d[0].message;
}

TEST(ContainerPlan, ConfiguredCustomCallablesMoveIntoTheImage) {
  parser::ModuleLoader loader({}, {});
  const std::string source = R"PY(from datetime import datetime
from airflow import DAG
from airflow.models import BaseOperator

LIMIT = 3

class VenvCallableOp(BaseOperator):
    def __init__(self, fn, packages, project, *args, **kwargs):
        super(VenvCallableOp, self).__init__(*args, **kwargs)
        self.fn = fn

    def execute(self, context):
        return self.fn()

def top():
    return list(range(LIMIT))

dag = DAG('d', start_date=datetime(2021, 1, 1))
VenvCallableOp(fn=top, packages=['six==1.16.0'], project='x', task_id='a', dag=dag)
)PY";
  std::vector<ir::Diagnostic> diagnostics;
  auto config = ParseContainerConfig(
      R"({"containers": {"operators": {"VenvCallableOp": {"python_callable": "fn",
          "requirements": "packages", "python_version": "py"}}}})",
      "dagport.json", diagnostics);
  ASSERT_TRUE(config) << diagnostics[0].message;
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(source);
  const ir::DagFile file = parser::AnalyzeTree("ops.py", tree, loader, {}).file;
  FileContainers found = ContainersOf(file, *config, diagnostics);
  ASSERT_EQ(found.calls.size(), 1u);
  ContainerPlan plan;
  AddToPlan(file, tree, found, *config, plan, diagnostics);
  ASSERT_EQ(plan.tasks.size(), 1u);
  EXPECT_EQ(plan.tasks[0].command, "ops__top:top");
  EXPECT_EQ(plan.tasks[0].environment, EnvironmentId(config->python_version, {"six==1.16.0"}));
  ASSERT_TRUE(plan.callables.contains("ops__top"));
  EXPECT_NE(plan.callables.at("ops__top").find("LIMIT = 3"), std::string::npos);
  airflow2::ProjectFacts facts;
  facts.containers = found;
  const std::string out = airflow2::ConvertFile("ops.py", source, {}, facts).text;
  EXPECT_NE(out.find("ContainerTaskOperator(command='ops__top:top', requirements=['six==1.16.0'], "
                     "task_id='a', dag=dag, command_style='callable')"),
            std::string::npos)
      << out;
  for (const ir::Diagnostic& d : diagnostics) {
    if (d.code != "DP224") ADD_FAILURE() << d.code << " " << d.message;
  }
}

}  // namespace
}  // namespace dagport::converters::containers

namespace dagport::converters::containers {
namespace {

TEST(ContainerPlan, CommandRunnersThatWriteFixedPathsAreContainerClassesOthersAreNot) {
  parser::ModuleLoader loader({}, {});
  const std::string source = R"PY(import os
import subprocess
from datetime import datetime
from airflow import DAG
from airflow.models import BaseOperator

class ScriptOp(BaseOperator):
    def __init__(self, command, *args, **kwargs):
        super(ScriptOp, self).__init__(*args, **kwargs)
        self.command = command

    def execute(self, context):
        with open('/tmp/run_{}.lock'.format(context['ds']), 'w') as f:
            f.write('1')
        subprocess.check_call(self.command, shell=True)

class UploadOp(BaseOperator):
    def __init__(self, key, *args, **kwargs):
        super(UploadOp, self).__init__(*args, **kwargs)
        self.key = key

    def execute(self, context):
        with open('/tmp/upload.json', 'w') as f:
            f.write(self.key)

dag = DAG('d', start_date=datetime(2021, 1, 1))
ScriptOp(command='run.sh', task_id='a', dag=dag)
UploadOp(key='k', task_id='b', dag=dag)
)PY";
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(source);
  const ir::DagFile file = parser::AnalyzeTree("ops.py", tree, loader, {}).file;
  std::vector<ir::Diagnostic> diagnostics;
  const FileContainers found = ContainersOf(file, ContainerConfig{}, diagnostics);
  EXPECT_TRUE(found.classes.contains("ops.ScriptOp"));
  EXPECT_FALSE(found.classes.contains("ops.UploadOp"));
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(found.classes.at("ops.ScriptOp").command_style, "shell");
}

}  // namespace
}  // namespace dagport::converters::containers
