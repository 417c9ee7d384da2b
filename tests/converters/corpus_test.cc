// The converter against tests/converters/corpus: a realistic Airflow 1.10 deployment (dags/ with
// a helper package, plugins/), converted for Airflow 2.10.3 as `dagport convert` does. Checks
// what expected.json says of each file (substrings that must and must not be in the result, the
// 1.10 graph), that nothing was lost, that every output byte-compiles with python3 and uses only
// imports and arguments the Airflow 2 API data has, and that converting again changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "converters/airflow2/api_check.h"
#include "converters/airflow2/project_converter.h"
#include "ir/ir_json.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "tests/test_support.h"

namespace dagport::converters::airflow2 {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = "tests/converters/corpus";

/// The 1.10 graph of expected.json as Airflow 2 holds it when the conversion turned a
/// SubDagOperator into a TaskGroup (its sub-DAG is gone from the converted file and its group
/// is there): the sub-DAG's tasks join the parent as `<task_id>.<task>`, and the
/// SubDagOperator's dependencies go to the sub-DAG's first and last tasks.
ir::Json FoldSubdagsIntoGroups(ir::Json graph, const std::map<std::string, const ir::Dag*>& dags) {
  std::vector<std::string> subdags;
  for (const auto& [dag_id, g] : graph.items()) {
    const size_t dot = dag_id.rfind('.');
    if (dot == std::string::npos || dags.contains(dag_id)) continue;
    const auto parent = dags.find(dag_id.substr(0, dot));
    if (parent == dags.end()) continue;
    const std::string group = dag_id.substr(dot + 1);
    const auto& groups = parent->second->task_groups;
    if (std::none_of(groups.begin(), groups.end(),
                     [&](const ir::TaskGroup& tg) { return tg.group_id == group; }))
      continue;
    subdags.push_back(dag_id);
  }
  for (const std::string& dag_id : subdags) {
    const size_t dot = dag_id.rfind('.');
    const std::string group = dag_id.substr(dot + 1);
    ir::Json& parent = graph[dag_id.substr(0, dot)];
    const ir::Json sub = graph[dag_id];
    std::set<std::string> roots, leaves;
    for (const auto& [task, op] : sub["tasks"].items()) {
      parent["tasks"][group + "." + task] = op;
      roots.insert(task);
      leaves.insert(task);
    }
    ir::Json edges = ir::Json::array();
    for (const auto& edge : sub["edges"]) {
      edges.push_back(
          {group + "." + edge[0].get<std::string>(), group + "." + edge[1].get<std::string>()});
      roots.erase(edge[1].get<std::string>());
      leaves.erase(edge[0].get<std::string>());
    }
    for (const auto& edge : parent["edges"]) {
      const std::string from = edge[0], to = edge[1];
      if (to == group) {
        for (const std::string& r : roots) edges.push_back({from, group + "." + r});
      } else if (from == group) {
        for (const std::string& l : leaves) edges.push_back({group + "." + l, to});
      } else {
        edges.push_back(edge);
      }
    }
    parent["edges"] = edges;
    parent["tasks"].erase(group);
    graph.erase(dag_id);
  }
  return graph;
}

ProjectOptions Options(const fs::path& in, const fs::path& out) {
  ProjectOptions options;
  options.paths = {in.string()};
  options.output = out.string();
  options.convert.target = *AirflowVersion::Parse("2.10.3");
  options.convert.today = "2026-11-26";
  options.jobs = 2;
  options.keep_texts = true;
  return options;
}

class ConverterCorpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    out_ = new testing::TempDir;
    result_ = new ProjectResult(ConvertProject(Options(kCorpus, out_->path())));
    expected_ = new ir::Json(ir::Json::parse(testing::ReadFile(kCorpus / "expected.json")));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete expected_;
    delete out_;
  }
  static const FileResult* Find(const std::string& relative) {
    for (const FileResult& f : result_->files) {
      if (fs::path(f.input).lexically_relative(kCorpus) == fs::path(relative)) return &f;
    }
    return nullptr;
  }
  static testing::TempDir* out_;
  static ProjectResult* result_;
  static ir::Json* expected_;
};

testing::TempDir* ConverterCorpus::out_ = nullptr;
ProjectResult* ConverterCorpus::result_ = nullptr;
ir::Json* ConverterCorpus::expected_ = nullptr;

TEST_F(ConverterCorpus, EveryFileIsAccountedFor) {
  ASSERT_GE(expected_->size(), 30u);
  for (const auto& [relative, e] : expected_->items()) {
    const FileResult* f = Find(relative);
    ASSERT_NE(f, nullptr) << relative;
    const fs::path out = out_->path() / relative;
    if (e.value("skip", false)) {
      EXPECT_EQ(f->status, FileStatus::kSkipped) << relative;
      EXPECT_FALSE(fs::exists(out)) << relative << " was written although not converted";
      continue;
    }
    EXPECT_TRUE(f->status == FileStatus::kConverted || f->status == FileStatus::kUnchanged)
        << relative << ": " << StatusName(f->status);
    ASSERT_TRUE(fs::exists(out)) << relative;
    const std::string text = testing::ReadFile(out);
    for (const auto& s : e.value("must_contain_after", ir::Json::array()))
      EXPECT_NE(text.find(s.get<std::string>()), std::string::npos)
          << relative << " lacks " << s.get<std::string>();
    for (const auto& s : e.value("must_not_contain_after", ir::Json::array()))
      EXPECT_EQ(text.find(s.get<std::string>()), std::string::npos)
          << relative << " still has " << s.get<std::string>();
    if (e.value("unchanged", false)) {
      EXPECT_EQ(f->status, FileStatus::kUnchanged) << relative;
    }
  }
  // Everything else of the tree is mirrored too.
  EXPECT_TRUE(fs::exists(out_->path() / "README.md"));
  EXPECT_TRUE(fs::exists(out_->path() / "requirements.txt"));
}

TEST_F(ConverterCorpus, NoDagLosesATaskADependencyOrAnOperator) {
  // Every converted DAG file, analysed with Airflow 2 semantics from the output folder, holds
  // the graph Airflow 1.10 loaded from the original (expected.json), operators mapped.
  parser::ModuleLoader loader({(out_->path() / "dags").string(), out_->path().string()},
                              {(out_->path() / "plugins").string()});
  parser::EvaluationLimits limits;
  limits.airflow_major = 2;
  const Api& api = Api::Get();
  const AirflowVersion target = *AirflowVersion::Parse("2.10.3");
  size_t dag_files = 0;
  for (const auto& [relative, e] : expected_->items()) {
    if (e.value("skip", false) || !e.contains("graph") || e["graph"].empty()) continue;
    ++dag_files;
    const parser::FileAnalysis a =
        parser::AnalyzeFile((out_->path() / relative).string(), loader, limits);
    std::map<std::string, const ir::Dag*> dags;
    for (const ir::Dag& d : a.file.dags) dags[d.dag_id] = &d;
    const ir::Json graph = FoldSubdagsIntoGroups(e["graph"], dags);
    for (const auto& [dag_id, g] : graph.items()) {
      ASSERT_TRUE(dags.contains(dag_id)) << relative << ": DAG " << dag_id;
      const ir::Dag& dag = *dags[dag_id];
      std::map<std::string, std::string> tasks;
      for (const ir::Task& t : dag.tasks) tasks[t.task_id] = t.operator_class;
      EXPECT_EQ(tasks.size(), g["tasks"].size()) << relative << " " << dag_id;
      for (const auto& [task_id, op] : g["tasks"].items()) {
        ASSERT_TRUE(tasks.contains(task_id)) << relative << " " << dag_id << "." << task_id;
        std::string want = TargetPath(api, op.get<std::string>(), target);
        if (want.empty()) want = op.get<std::string>();
        EXPECT_EQ(tasks[task_id], want) << relative << " " << dag_id << "." << task_id;
      }
      std::set<std::pair<std::string, std::string>> edges, want_edges;
      for (const ir::Edge& edge : dag.edges) edges.emplace(edge.from, edge.to);
      for (const auto& edge : g["edges"])
        want_edges.emplace(edge[0].get<std::string>(), edge[1].get<std::string>());
      EXPECT_EQ(edges, want_edges) << relative << " " << dag_id;
    }
  }
  EXPECT_GE(dag_files, 25u);
  for (const FileResult& f : result_->files)
    EXPECT_NE(f.status, FileStatus::kFailed) << f.input << " failed the graph check";
}

TEST_F(ConverterCorpus, EveryOutputByteCompilesWithPython3) {
  // python3 is installed by scripts/install-deps (Debian package python3).
  ASSERT_EQ(std::system("python3 --version > /dev/null 2>&1"), 0) << "python3 is missing";
  size_t compiled = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out_->path())) {
    if (entry.path().extension() != ".py") continue;
    const std::string command =
        "python3 -c \"import ast,sys; ast.parse(open(sys.argv[1], 'rb').read(), sys.argv[1])\" '" +
        entry.path().string() + "' 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << entry.path();
    ++compiled;
  }
  EXPECT_GE(compiled, 35u);
}

TEST_F(ConverterCorpus, EveryImportAndArgumentExistsInAirflow2) {
  const AirflowVersion target = *AirflowVersion::Parse("2.10.3");
  for (const FileResult& f : result_->files) {
    if (!f.python || (f.status != FileStatus::kConverted && f.status != FileStatus::kUnchanged))
      continue;
    // What the conversion already reported (an unknown argument the DAG passes, say) is the
    // user's to fix; anything else would be a wrong conversion.
    for (const ApiFinding& finding : CheckAgainstApi(f.input, f.converted, target, {})) {
      if (finding.KnownFrom(f.diagnostics)) continue;
      ADD_FAILURE() << finding.diagnostic.file << ": " << finding.diagnostic.message;
    }
  }
}

TEST_F(ConverterCorpus, ConvertingTheOutputAgainChangesNothing) {
  testing::TempDir again;
  const ProjectResult second = ConvertProject(Options(out_->path(), again.path()));
  for (const FileResult& f : second.files) {
    EXPECT_NE(f.status, FileStatus::kConverted) << f.input << " changed again";
  }
}

TEST_F(ConverterCorpus, RequirementsNameTheProvidersWithTheConstraintsFile) {
  const std::string requirements = testing::ReadFile(out_->path() / "requirements.txt");
  EXPECT_NE(requirements.find("--constraint \"https://raw.githubusercontent.com/apache/airflow/"
                              "constraints-2.10.3/constraints-3.11.txt\""),
            std::string::npos);
  for (const char* p :
       {"apache-airflow-providers-amazon", "apache-airflow-providers-postgres",
        "apache-airflow-providers-cncf-kubernetes", "apache-airflow-providers-docker"}) {
    EXPECT_NE(requirements.find(p), std::string::npos) << p;
  }
}

TEST(ConverterRequirements, PinnedToTheConstraintsOfOlderTargets) {
  testing::TempDir in, out;
  in.Write("dags/ecs.py",
           "from airflow import DAG\n"
           "from airflow.contrib.operators.ecs_operator import ECSOperator\n");
  ProjectOptions options = Options(in.path(), out.path());
  options.convert.target = *AirflowVersion::Parse("2.7.2");
  ConvertProject(options);
  const std::string requirements = testing::ReadFile(out.path() / "requirements.txt");
  EXPECT_NE(requirements.find("apache-airflow-providers-amazon==8.7.1"), std::string::npos)
      << requirements;
  EXPECT_NE(requirements.find("constraints-2.7.2/constraints-3.11.txt"), std::string::npos);
}

}  // namespace
}  // namespace dagport::converters::airflow2
