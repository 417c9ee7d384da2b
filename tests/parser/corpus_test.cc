// The parser against the corpus in tests/parser/corpus: a realistic Airflow 1.x deployment whose
// expected results (what Airflow 1.10's DagBag collects) were worked out independently of
// dagport. Every file must match exactly; each file's whole IR is also kept as a golden file.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "ir/ir_json.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "tests/test_support.h"

namespace dagport::parser {
namespace {

namespace fs = std::filesystem;

using TaskSet = std::set<std::tuple<std::string, std::string, std::string>>;  // dag, task, operator
using EdgeSet = std::set<std::tuple<std::string, std::string, std::string>>;  // dag, from, to

const fs::path kCorpus = "tests/parser/corpus";

std::string TaskKey(const ir::Task& t) {
  return t.dynamic ? "<dynamic>:" + t.task_id : t.task_id;
}

void Collect(const std::vector<ir::Dag>& dags, TaskSet& tasks, EdgeSet& edges) {
  for (const ir::Dag& d : dags) {
    std::map<std::string, std::string> keys;
    for (const ir::Task& t : d.tasks) {
      keys[t.task_id] = TaskKey(t);
      tasks.emplace(d.dag_id, TaskKey(t), t.operator_class);
    }
    for (const ir::Edge& e : d.edges) {
      edges.emplace(d.dag_id, keys.contains(e.from) ? keys[e.from] : e.from,
                    keys.contains(e.to) ? keys[e.to] : e.to);
    }
  }
}

void Expected(const ir::Json& dags, TaskSet& tasks, EdgeSet& edges) {
  for (const auto& [dag_id, d] : dags.items()) {
    for (const auto& [task_id, op] : d["tasks"].items())
      tasks.emplace(dag_id, task_id, op.get<std::string>());
    for (const auto& e : d["edges"])
      edges.emplace(dag_id, e[0].get<std::string>(), e[1].get<std::string>());
  }
}

double F1(const auto& truth, const auto& got) {
  if (truth.empty() && got.empty()) return 1.0;
  size_t hit = 0;
  for (const auto& x : got) hit += truth.contains(x);
  if (hit == 0) return 0.0;
  const double p = static_cast<double>(hit) / got.size(),
               r = static_cast<double>(hit) / truth.size();
  return 2 * p * r / (p + r);
}

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kCorpus / "dags")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".expected.json")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Corpus, HasAtLeastFortyDagFiles) {
  EXPECT_GE(CorpusFiles().size(), 40u);
}

TEST(Corpus, EveryFileMatchesWhatDagBagCollects) {
  ModuleLoader loader({(kCorpus / "dags").string()}, {(kCorpus / "plugins").string()});
  double task_f1 = 0, edge_f1 = 0;
  size_t exact = 0;
  const std::vector<fs::path> files = CorpusFiles();
  for (const fs::path& expected_path : files) {
    std::string py = expected_path.string();
    py.replace(py.size() - std::string(".expected.json").size(), std::string::npos, ".py");
    SCOPED_TRACE(py);
    const ir::Json expected = ir::Json::parse(testing::ReadFile(expected_path));
    FileAnalysis analysis = AnalyzeFile(py, loader);
    ASSERT_TRUE(analysis.might_contain_dag);

    TaskSet want_tasks, got_tasks;
    EdgeSet want_edges, got_edges;
    Expected(expected["dags"], want_tasks, want_edges);
    Collect(analysis.file.dags, got_tasks, got_edges);
    EXPECT_EQ(got_tasks, want_tasks);
    EXPECT_EQ(got_edges, want_edges);
    task_f1 += F1(want_tasks, got_tasks);
    edge_f1 += F1(want_edges, got_edges);
    exact += got_tasks == want_tasks && got_edges == want_edges;

    if (expected.contains("recoverable")) {
      TaskSet want_recovered, got_recovered;
      EdgeSet want_recovered_edges, got_recovered_edges;
      Expected(expected["recoverable"], want_recovered, want_recovered_edges);
      Collect(analysis.file.recovered_dags, got_recovered, got_recovered_edges);
      // tree-sitter's recovery may keep more than a hand-edited file; it must keep these.
      for (const auto& t : want_recovered) EXPECT_TRUE(got_recovered.contains(t)) << std::get<1>(t);
    }
    if (expected.value("python2", false)) {
      EXPECT_TRUE(std::any_of(analysis.file.diagnostics.begin(), analysis.file.diagnostics.end(),
                              [](const ir::Diagnostic& d) { return d.code == "DP102"; }));
    }
    // What `inspect --format json` prints is the golden document, compact.
    const std::string compact = ir::DagFileJsonText(analysis.file);
    const ir::Json document = ir::Json::parse(compact);
    EXPECT_EQ(compact, document.dump()) << py;
    testing::ExpectGolden("parser/" + fs::path(py).stem().string() + ".ir.json",
                          document.dump(2) + "\n");
  }
  const double n = static_cast<double>(files.size());
  std::printf("corpus: %zu files, %zu exactly right, mean task F1 %.3f, mean edge F1 %.3f\n",
              files.size(), exact, task_f1 / n, edge_f1 / n);
}

TEST(Corpus, PluginsAndWhatTheyRegister) {
  ModuleLoader loader({(kCorpus / "dags").string()}, {(kCorpus / "plugins").string()});
  std::map<std::string, ir::Plugin> by_name;
  for (ir::Plugin& p : ListPlugins(loader)) by_name.emplace(p.name, std::move(p));
  ASSERT_EQ(by_name.size(), 3u);
  ASSERT_TRUE(by_name.contains("company_operators"));
  ASSERT_TRUE(by_name.contains("custom_sensors"));
  ASSERT_TRUE(by_name.contains("data_quality"));
  EXPECT_FALSE(by_name["company_operators"].operators.empty());
  EXPECT_FALSE(by_name["custom_sensors"].sensors.empty());
  for (const auto& [name, p] : by_name) {
    for (const std::string& op : p.operators) EXPECT_FALSE(op.starts_with("airflow.")) << op;
  }
}

}  // namespace
}  // namespace dagport::parser
