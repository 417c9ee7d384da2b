#include "ir/ir_json.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dagport::ir {
namespace {

Project SampleProject() {
  Task extract;
  extract.task_id = "extract";
  extract.operator_class = "airflow.operators.bash_operator.BashOperator";
  extract.arguments = {{"task_id", Value::String("extract")},
                       {"bash_command", Value::Template("run.sh {{ ds }}")}};
  extract.effective_arguments = extract.arguments;
  extract.effective_arguments.emplace_back("retries", Value::Int(3));
  extract.where = {10, 5, 13, 6};
  extract.footprint = {{"/tmp/venvs/pricing",
                        "create",
                        "virtualenv",
                        false,
                        false,
                        "plugins/venv.py",
                        {30, 9, 30, 70}},
                       {"<tempfile.mkdtemp()>/out_{{ ds }}.csv",
                        "write",
                        "file",
                        true,
                        true,
                        "plugins/venv.py",
                        {}}};
  Task load = extract;
  load.task_id = "Variable.get('table')";
  load.dynamic = true;
  load.task_group = "loads";

  Dag dag;
  dag.dag_id = "etl";
  dag.arguments = {{"dag_id", Value::String("etl")},
                   {"schedule_interval", Value::String("0 5 * * *")},
                   {"default_args", Value::Dict({{Value::String("retries"), Value::Int(3)}})}};
  dag.tasks = {extract, load};
  dag.edges = {{"extract", "Variable.get('table')", {20, 1, 20, 30}}};
  dag.task_groups = {{"loads", "", {15, 1, 15, 20}}};
  dag.where = {5, 1, 8, 2};

  Dag sub;
  sub.dag_id = "etl.section";
  sub.parent_dag = "etl";

  DagFile file;
  file.path = "dags/etl.py";
  file.dags = {dag, sub};
  file.imports = {{"airflow.operators.bash_operator", "BashOperator", "", {1, 1, 1, 60}}};
  OperatorClass venv;
  venv.path = "venv_operator.VirtualenvTaskOperator";
  venv.file = "plugins/venv_operator.py";
  venv.bases = {"airflow.models.BaseOperator"};
  venv.init_parameters = {{"project", "positional", false, Value::None()},
                          {"python_version", "positional", true, Value::String("3.7")},
                          {"kwargs", "var_keyword", false, Value::None()}};
  venv.template_fields = {"command"};
  venv.where = {3, 1, 20, 1};
  venv.execute = {10, 5, 20, 1};
  file.operator_classes = {venv};
  Dag refused;
  refused.dag_id = "cyclic";
  file.recovered_dags = {refused};
  file.diagnostics = {
      MakeDiagnostic("DP153", "dags/etl.py", {20, 1, 20, 30}, "unknown task", "hint")};
  return Project{{file},
                 {Plugin{"venv_plugin",
                         "venv_operator.VenvPlugin",
                         "plugins/venv_operator.py",
                         {"venv_operator.VirtualenvTaskOperator"},
                         {},
                         {}}}};
}

TEST(IrJson, RoundTripsAProject) {
  const Project p = SampleProject();
  const Json j = ProjectToJson(p);
  EXPECT_EQ(ProjectFromJson(Json::parse(j.dump(2))), p);
}

// The writer copies a task's effective argument from where an equal value was written already
// (the task's own arguments, the previous task's effective arguments). Each task of a DAG must
// read exactly as the same task written on its own.
Dag DagWithSharedArguments() {
  const auto task = [](std::string id, Arguments own, Arguments defaults) {
    Task t;
    t.task_id = id;
    t.operator_class = "airflow.operators.bash_operator.BashOperator";
    t.arguments = own;
    t.arguments.insert(t.arguments.begin(), {"task_id", Value::String(id)});
    t.effective_arguments = defaults;
    for (const auto& [k, v] : t.arguments) {
      auto it = std::find_if(t.effective_arguments.begin(), t.effective_arguments.end(),
                             [&](const auto& e) { return e.first == k; });
      if (it == t.effective_arguments.end()) {
        t.effective_arguments.emplace_back(k, v);
      } else {
        it->second = v;
      }
    }
    return t;
  };
  const Arguments defaults = {
      {"owner", Value::String("data \"team\"\n")},
      {"retries", Value::Int(2)},
      {"retry_delay", Value::Timedelta(300'000'000)},
      {"weight", Value::Float(0.0)},
      {"params", Value::Dict({{Value::String("ratio"), Value::Float(0.5)},
                              {Value::String("list"), Value::List({Value::Float(0.0)})}})}};
  Arguments negative_zero = defaults;
  negative_zero[3].second = Value::Float(-0.0);  // equal to 0.0, written differently
  negative_zero[4].second =
      Value::Dict({{Value::String("ratio"), Value::Float(0.5)},
                   {Value::String("list"), Value::List({Value::Float(-0.0)})}});
  Arguments other = defaults;
  other[1].second = Value::Int(5);
  Dag dag;
  dag.dag_id = "copies";
  dag.tasks = {
      task("a", {{"bash_command", Value::String("run.sh")}}, defaults),
      task("b", {{"bash_command", Value::String("run.sh")}, {"retries", Value::Int(2)}}, defaults),
      task("c", {}, negative_zero),
      task("d", {{"retries", Value::Int(7)}}, other),
      task("e", {}, defaults),
      task("f", {{"owner", Value::String("someone else")}, {"weight", Value::Float(-0.0)}},
           defaults),
  };
  return dag;
}

TEST(IrJson, EffectiveArgumentsCopiedFromEarlierTasksReadAsWrittenAlone) {
  const Dag dag = DagWithSharedArguments();
  std::string whole;
  {
    JsonWriter w(whole);
    WriteDag(w, dag);
  }
  const Json tasks = Json::parse(whole)["tasks"];
  ASSERT_EQ(tasks.size(), dag.tasks.size());
  for (size_t i = 0; i < dag.tasks.size(); ++i) {
    std::string alone;
    JsonWriter w(alone);
    WriteTask(w, dag.tasks[i]);
    // Compared as text: -0.0 and 0.0 are equal JSON numbers, but not the same output.
    EXPECT_EQ(tasks[i].dump(), Json::parse(alone).dump()) << dag.tasks[i].task_id;
  }
  EXPECT_EQ(tasks[2]["effective_arguments"]["weight"].dump(), "-0.0");
  EXPECT_EQ(tasks[3]["effective_arguments"]["retries"], 7);
  EXPECT_EQ(tasks[4]["effective_arguments"]["weight"].dump(), "0.0");
  EXPECT_EQ(tasks[5]["effective_arguments"]["owner"], "someone else");
}

// A writer that flushes as it goes gives the same bytes, whatever the size of its pieces: a
// value to copy that was flushed already is written again instead.
TEST(IrJson, StreamedOutputIsTheSameWhateverThePieces) {
  const Dag dag = DagWithSharedArguments();
  std::string whole;
  {
    JsonWriter w(whole);
    WriteDag(w, dag);
  }
  for (const size_t threshold : {1, 7, 64, 300, 1 << 20}) {
    std::string streamed, buffer;
    size_t pieces = 0;
    JsonWriter w(
        buffer, [&](std::string_view piece) { streamed += piece, ++pieces; }, threshold);
    WriteDag(w, dag);
    w.Flush();
    EXPECT_EQ(streamed, whole) << "threshold " << threshold;
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(pieces > 1, threshold < whole.size()) << "threshold " << threshold;
  }
  DagFile file;
  file.path = "dags/copies.py";
  file.dags = {dag};
  std::string streamed;
  StreamDagFileJson(file, [&](std::string_view piece) { streamed += piece; });
  EXPECT_EQ(streamed, DagFileJsonText(file));
}

TEST(IrJson, HasTheDocumentedStableKeys) {
  const Json j = ProjectToJson(SampleProject());
  EXPECT_EQ(j["schema"], "dagport.ir/1");
  const Json& dag = j["files"][0]["dags"][0];
  EXPECT_EQ(j["files"][0]["path"], "dags/etl.py");
  EXPECT_EQ(dag["dag_id"], "etl");
  EXPECT_EQ(dag["schedule"], "0 5 * * *");
  EXPECT_EQ(dag["schedule_is_default"], false);
  EXPECT_EQ(dag["catchup"], true);
  EXPECT_EQ(dag["max_active_tasks"], 16);
  EXPECT_EQ(dag["tasks"][0]["task_id"], "extract");
  EXPECT_EQ(dag["tasks"][0]["operator"], "airflow.operators.bash_operator.BashOperator");
  EXPECT_EQ(dag["tasks"][0]["retries"], 3);
  EXPECT_EQ(dag["tasks"][0]["trigger_rule"], "all_success");
  EXPECT_EQ(dag["tasks"][0]["retry_delay"]["microseconds"], 300'000'000);
  EXPECT_EQ(dag["tasks"][1]["dynamic"], true);
  EXPECT_EQ(dag["edges"][0]["from"], "extract");
  EXPECT_EQ(dag["edges"][0]["to"], "Variable.get('table')");
  EXPECT_EQ(j["files"][0]["diagnostics"][0]["code"], "DP153");
  EXPECT_EQ(j["files"][0]["dags"][1]["parent_dag"], "etl");
  EXPECT_EQ(j["files"][0]["recovered_dags"][0]["dag_id"], "cyclic");
  EXPECT_EQ(j["files"][0]["operator_classes"][0]["path"], "venv_operator.VirtualenvTaskOperator");
}

TEST(IrJson, UnsetScheduleIsDailyAsInAirflow1) {
  Dag d;
  d.dag_id = "x";
  EXPECT_TRUE(d.schedule_is_default());
  const Json j = DagToJson(d);
  EXPECT_EQ(j["schedule"]["kind"], "timedelta");
  EXPECT_EQ(j["schedule"]["microseconds"], 86'400'000'000LL);
  d.arguments = {{"schedule_interval", Value::None()}};
  EXPECT_FALSE(d.schedule_is_default());
  EXPECT_TRUE(DagToJson(d)["schedule"].is_null());
}

TEST(IrJson, StartDateFallsBackToDefaultArgs) {
  Dag d;
  Datetime dt{2021, 1, 1, 0, 0, 0, 0, ""};
  d.arguments = {
      {"default_args", Value::Dict({{Value::String("start_date"), Value::MakeDatetime(dt)}})}};
  EXPECT_EQ(d.Setting("start_date"), Value::MakeDatetime(dt));
  d.arguments.emplace_back("concurrency", Value::Int(4));
  EXPECT_EQ(d.Setting("max_active_tasks"), Value::Int(4));
}

// A task's settings by position are its settings by name, set or defaulted, and its JSON holds
// each under its name.
TEST(IrJson, TaskSettingsByPositionAreTheSettingsByName) {
  Task t;
  t.task_id = "t";
  t.effective_arguments = {{"retries", Value::Int(3)},
                           {"queue", Value::String("reports")},
                           {"execution_timeout", Value::Timedelta(60'000'000)}};
  const Json j = TaskToJson(t);
  const std::vector<std::string_view>& names = Task::SettingNames();
  ASSERT_EQ(names.size(), 10u);
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(t.Setting(i), t.Setting(names[i])) << names[i];
    EXPECT_TRUE(j.contains(std::string(names[i]))) << names[i];
  }
  EXPECT_EQ(j["retries"], 3);
  EXPECT_EQ(j["queue"], "reports");
  EXPECT_EQ(j["pool"], "default_pool");
  EXPECT_THROW((void)t.Setting(names.size()), std::out_of_range);
}

TEST(IrJson, RejectsOtherSchemasAndBadShapes) {
  EXPECT_THROW(ProjectFromJson(Json::parse(R"({"schema":"dagport.ir/9","files":[]})")),
               IrFormatError);
  EXPECT_THROW(ProjectFromJson(Json::parse(R"([1,2])")), IrFormatError);
  try {
    ProjectFromJson(Json::parse(
        R"({"schema":"dagport.ir/1","files":[{"path":"a.py","dags":[{"tasks":[]}]}]})"));
    FAIL();
  } catch (const IrFormatError& e) {
    EXPECT_STREQ(e.what(), "/files/0/dags/0: missing \"dag_id\"");
  }
}

}  // namespace
}  // namespace dagport::ir
