// Container tasks as the local runtime reads them: dagport's wrapper and the target operators
// `dagport convert --no-wrapper` writes, their environments, the local entrypoint, and what
// pip's log says when a requirement cannot be installed.

#include "runtime/container_task.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "runtime/environment_cache.h"
#include "runtime/sandbox.h"
#include "tests/test_support.h"

namespace dagport::runtime {
namespace {

using ir::Value;

TemplateEnvironment Env() {
  TemplateEnvironment env;
  env.context = {"d", "t", 0, sched::kDay, 1, "manual__x", {}, {}, {}};
  env.params = {{"region", "eu"}};
  return env;
}

ContainerLayout Layout() {
  ContainerLayout layout;
  layout.root = "/srv/converted";
  layout.dag_folder = "/srv/converted/dags";
  layout.callables = "/srv/converted/containers/callables";
  layout.default_python = "3.9";
  layout.manifest = nlohmann::json::parse(R"({
    "format": "dagport.containers/1",
    "environments": [{
      "id": "48dd2647e8a4", "python_version": "3.11", "requirements": ["dagport-probe==1.0"],
      "image": "registry/dagport-tasks:env-48dd2647e8a4",
      "task_definition": "dagport-48dd2647e8a4"}]})");
  return layout;
}

ir::Task Task(const std::string& operator_class, ir::Arguments arguments) {
  ir::Task t;
  t.task_id = "t";
  t.operator_class = operator_class;
  t.effective_arguments = std::move(arguments);
  return t;
}

TEST(ContainerTask, TheWrapperWithItsArgumentsRendered) {
  const ir::Task t =
      Task("dagport_container.ContainerTaskOperator",
           {{"command", Value::Template("scripts/run.py --date {{ ds }}")},
            {"command_style", Value::String("python")},
            {"requirements", Value::List({Value::String("pandas==1.1.5"), Value::String("six")})},
            {"environment",
             Value::Dict({{Value::String("REGION"), Value::Template("{{ params.region }}")}})}});
  const ContainerLayout layout = Layout();
  ASSERT_TRUE(IsContainerTask(t, layout));
  std::string why;
  auto c = ContainerCommandFor(t, layout, Env(), &why);
  ASSERT_TRUE(c.has_value()) << why;
  EXPECT_EQ(c->style, "python");
  EXPECT_EQ(c->command, "scripts/run.py --date 1970-01-01");
  EXPECT_EQ(c->env, std::vector<std::string>{"REGION=eu"});
  EXPECT_TRUE(c->push_xcom);                        // EcsRunTaskOperator pushes the last line
  EXPECT_EQ(c->environment.python_version, "3.9");  // the wrapper's default
  EXPECT_EQ(c->environment.requirements, (std::vector<std::string>{"pandas==1.1.5", "six"}));
}

TEST(ContainerTask, RequirementsAsOneStringAndUnknownOnes) {
  const ContainerLayout layout = Layout();
  std::string why;
  auto e = ContainerEnvironmentOf(
      Task("ContainerTaskOperator",
           {{"requirements", Value::String("# pinned\nsix==1.16\n\n  attrs \n")},
            {"python_version", Value::String("3.11")}}),
      layout, &why);
  ASSERT_TRUE(e.has_value()) << why;
  EXPECT_EQ(e->requirements, (std::vector<std::string>{"six==1.16", "attrs"}));
  EXPECT_EQ(e->python_version, "3.11");
  EXPECT_FALSE(ContainerEnvironmentOf(
                   Task("ContainerTaskOperator",
                        {{"requirements", Value::MakeUnresolved("Variable.get('r')", "runtime")}}),
                   layout, &why)
                   .has_value());
  EXPECT_NE(why.find("not known statically"), std::string::npos) << why;
}

TEST(ContainerTask, TargetOperatorsNamingAnEnvironmentOfTheManifest) {
  const ContainerLayout layout = Layout();
  std::string why;
  const Value style_and_command =
      Value::List({Value::String("shell"), Value::Template("echo {{ ds_nodash }}")});
  const ir::Task ecs =
      Task("airflow.providers.amazon.aws.operators.ecs.EcsRunTaskOperator",
           {{"task_definition", Value::String("dagport-48dd2647e8a4")},
            {"overrides",
             Value::Dict({{Value::String("containerOverrides"),
                           Value::List({Value::Dict(
                               {{Value::String("name"), Value::String("task")},
                                {Value::String("command"), style_and_command},
                                {Value::String("environment"),
                                 Value::List({Value::Dict(
                                     {{Value::String("name"), Value::String("A")},
                                      {Value::String("value"), Value::String("1")}})})}})})}})}});
  auto c = ContainerCommandFor(ecs, layout, Env(), &why);
  ASSERT_TRUE(c.has_value()) << why;
  EXPECT_EQ(c->style, "shell");
  EXPECT_EQ(c->command, "echo 19700101");
  EXPECT_EQ(c->env, std::vector<std::string>{"A=1"});
  EXPECT_EQ(c->environment.python_version, "3.11");
  EXPECT_EQ(c->environment.requirements, std::vector<std::string>{"dagport-probe==1.0"});

  const ir::Task pod =
      Task("airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator",
           {{"image", Value::String("registry/dagport-tasks:env-48dd2647e8a4")},
            {"arguments", style_and_command},
            {"env_vars", Value::Dict({{Value::String("B"), Value::String("2")}})}});
  c = ContainerCommandFor(pod, layout, Env(), &why);
  ASSERT_TRUE(c.has_value()) << why;
  EXPECT_EQ(c->env, std::vector<std::string>{"B=2"});
  EXPECT_FALSE(c->push_xcom);  // KubernetesPodOperator's default

  const ir::Task docker = Task("airflow.providers.docker.operators.docker.DockerOperator",
                               {{"image", Value::String("registry/dagport-tasks:env-48dd2647e8a4")},
                                {"command", style_and_command}});
  c = ContainerCommandFor(docker, layout, Env(), &why);
  ASSERT_TRUE(c.has_value()) << why;
  EXPECT_TRUE(c->push_xcom);

  // A target operator of another image is a cloud operator, not a container task of dagport.
  EXPECT_FALSE(
      IsContainerTask(Task("DockerOperator", {{"image", Value::String("redis:7")}}), layout));
  EXPECT_FALSE(IsContainerTask(
      Task("EcsRunTaskOperator", {{"task_definition", Value::String("other-family")}}), layout));
}

TEST(ContainerTask, CallableStyleBuildsTheSpecOfDagportRun) {
  const ir::Task t = Task("ContainerTaskOperator",
                          {{"command", Value::String("pyvenv__compute:compute")},
                           {"command_style", Value::String("callable")},
                           {"op_args", Value::List({Value::Int(14)})},
                           {"op_kwargs", Value::Dict({{Value::String("k"), Value::String("v")}})}});
  std::string why;
  auto c = ContainerCommandFor(t, Layout(), Env(), &why);
  ASSERT_TRUE(c.has_value()) << why;
  const nlohmann::json spec = nlohmann::json::parse(c->command);
  EXPECT_EQ(spec["callable"], "pyvenv__compute:compute");
  EXPECT_EQ(spec["args"], nlohmann::json::array({14}));
  EXPECT_EQ(spec["kwargs"]["k"], "v");
  EXPECT_EQ(spec["context"]["ds"], "1970-01-01");
  EXPECT_EQ(spec["context"]["task_id"], "t");
  EXPECT_EQ(c->env, std::vector<std::string>{R"(DAGPORT_PARAMS={"region": "eu"})"});
  ContainerLayout no_callables = Layout();
  no_callables.callables.clear();
  EXPECT_FALSE(ContainerCommandFor(t, no_callables, Env(), &why).has_value());
  EXPECT_NE(why.find("containers/callables"), std::string::npos) << why;
}

TEST(ContainerTask, TheContainersMemoryIsTheTasksTheWrappersDefaultOrTheManifests) {
  ContainerLayout layout = Layout();
  layout.default_memory_mb = 2048;
  layout.manifest["environments"][0]["memory"] = 8192;
  std::string why;
  auto own =
      ContainerCommandFor(Task("dagport_container.ContainerTaskOperator",
                               {{"command", Value::String("true")}, {"memory", Value::Int(4096)}}),
                          layout, Env(), &why);
  ASSERT_TRUE(own.has_value()) << why;
  EXPECT_EQ(own->memory_mb, 4096u);
  auto by_default = ContainerCommandFor(
      Task("dagport_container.ContainerTaskOperator", {{"command", Value::String("true")}}), layout,
      Env(), &why);
  ASSERT_TRUE(by_default.has_value()) << why;
  EXPECT_EQ(by_default->memory_mb, 2048u);
  auto ecs = ContainerCommandFor(
      Task("airflow.providers.amazon.aws.operators.ecs.EcsRunTaskOperator",
           {{"task_definition", Value::String("dagport-48dd2647e8a4")},
            {"overrides",
             Value::Dict(
                 {{Value::String("containerOverrides"),
                   Value::List({Value::Dict(
                       {{Value::String("command"),
                         Value::List({Value::String("shell"), Value::String("true")})}})})}})}}),
      layout, Env(), &why);
  ASSERT_TRUE(ecs.has_value()) << why;
  EXPECT_EQ(ecs->memory_mb, 8192u);
}

TEST(ContainerTask, FindsTheManifestAndTheWrappersDefaultPython) {
  testing::TempDir dir;
  dir.Write("out/containers/manifest.json", R"({"environments": []})");
  dir.Write("out/plugins/dagport_container.py",
            "SETTINGS = {\n    \"python_version\": \"3.10\",\n    \"cpu\": 512,\n"
            "    \"memory\": 1024,\n}\n");
  const auto dag = dir.Write("out/dags/sub/x.py", "");
  const ContainerLayout layout = FindContainerLayout(dag.string());
  EXPECT_EQ(layout.root, (dir.path() / "out").string());
  EXPECT_EQ(layout.dag_folder, (dir.path() / "out" / "dags").string());
  EXPECT_EQ(layout.default_python, "3.10");
  EXPECT_EQ(layout.default_memory_mb, 1024u);
  EXPECT_TRUE(layout.callables.empty());
  dir.Write("bad/containers/manifest.json", "{");
  const auto bad = dir.Write("bad/dags/y.py", "");
  try {
    FindContainerLayout(bad.string());
    ADD_FAILURE() << "a manifest that is not JSON must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("manifest.json"), std::string::npos) << e.what();
  }
}

TEST(ContainerTask, TheLocalEntrypointRunsEachStyleInTheDagFolder) {
  testing::TempDir dir;
  dir.Write("dags/hello.py", "import sys\nprint('hello', *sys.argv[1:])\n");
  // `python` is the environment's (a virtualenv has one; this machine may only have python3).
  std::filesystem::create_directories(dir.path() / "bin");
  std::filesystem::create_symlink(FindOnPath("python3"), dir.path() / "bin" / "python");
  auto run = [&](const std::string& style, const std::string& command) {
    std::string line = "cd / && DAGPORT_DAG_FOLDER='" + (dir.path() / "dags").string() + "'";
    for (const std::string& a : EntrypointArgv(style, command)) {
      std::string quoted;
      for (char ch : a) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      line += " '" + quoted + "'";
    }
    std::string out;
    if (FILE* p = ::popen(("PATH=" + (dir.path() / "bin").string() +
                           ":/usr/bin:/bin; export PATH; " + line + " 2>&1")
                              .c_str(),
                          "r")) {
      char buffer[256];
      while (std::fgets(buffer, sizeof buffer, p) != nullptr) out += buffer;
      ::pclose(p);
    }
    return out;
  };
  EXPECT_EQ(run("shell", "pwd"), (dir.path() / "dags").string() + "\n");
  // python: the arguments of `python`, split by the shell as shlex.split did.
  EXPECT_EQ(run("python", "hello.py 'a b' c"), "hello a b c\n");
  EXPECT_NE(run("bogus", "x").find("unknown style 'bogus'"), std::string::npos);
}

TEST(ContainerTask, PipFailureNamesTheRequirement) {
  EXPECT_EQ(PipFailure("Looking in links: /w\n"
                       "ERROR: Could not find a version that satisfies the requirement "
                       "pandas==1.1.5 (from versions: none)\n"
                       "ERROR: No matching distribution found for pandas==1.1.5\n"),
            "'pandas==1.1.5': no version of it can be found (from versions: none)");
  EXPECT_EQ(PipFailure("ERROR: Invalid requirement: 'pandas=1.0'\n"),
            "'pandas=1.0' is not a valid requirement");
  EXPECT_EQ(PipFailure("ERROR: Something else went wrong\n"), "Something else went wrong");
  EXPECT_EQ(PipFailure("all good\n"), "");
}

}  // namespace
}  // namespace dagport::runtime
