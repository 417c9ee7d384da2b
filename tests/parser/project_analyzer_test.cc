#include "parser/project_analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_support.h"

namespace dagport::parser {
namespace {

/// Two DAG files (one with an error) and a file without a DAG, analysed on 2 threads.
class ProjectAnalyzerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("a.py",
               "from datetime import datetime\n"
               "from airflow import DAG\n"
               "from airflow.operators.bash_operator import BashOperator\n"
               "dag = DAG('a', start_date=datetime(2021, 1, 1))\n"
               "x = BashOperator(task_id='x', bash_command='true', dag=dag)\n"
               "y = BashOperator(task_id='y', bash_command='true', dag=dag)\n"
               "z = BashOperator(task_id='z', bash_command='true', dag=dag)\n"
               "x >> y >> z\n");
    dir_.Write("b.py",
               "from datetime import datetime\n"
               "from airflow import DAG\n"
               "from airflow.operators.dummy_operator import DummyOperator\n"
               "dag = DAG('b', start_date=datetime(2021, 1, 1))\n"
               "DummyOperator(task_id='only', dag=dag)\n"
               "DummyOperator(task_id='only', dag=dag)\n");  // a task id used twice
    dir_.Write("helper.py", "VALUE = 1\n");
    options_.paths = {dir_.path().string()};
    options_.jobs = 2;
    options_.render = [](const ir::DagFile& f) {
      return f.path + ":" + std::to_string(f.dags.size());
    };
  }

  struct Seen {
    std::vector<std::string> paths, rendered;
    size_t dags = 0, diagnostics = 0;
  };
  Seen Run(ProjectSummary* summary) {
    Seen seen;
    *summary = AnalyzeProject(options_, [&](ir::DagFile&& file, std::string&& rendered) {
      seen.paths.push_back(file.path);
      seen.rendered.push_back(rendered);
      seen.dags += file.dags.size();
      seen.diagnostics += file.diagnostics.size();
    });
    return seen;
  }

  testing::TempDir dir_;
  ProjectOptions options_;
};

TEST_F(ProjectAnalyzerTest, CountsTheGraphsAndHandsOnEachFileInOrder) {
  ProjectSummary summary;
  const Seen seen = Run(&summary);
  ASSERT_EQ(seen.paths.size(), 2u);  // helper.py holds no DAG
  EXPECT_TRUE(seen.paths[0].ends_with("a.py"));
  EXPECT_TRUE(seen.paths[1].ends_with("b.py"));
  EXPECT_EQ(seen.rendered[0], seen.paths[0] + ":1");
  EXPECT_EQ(seen.dags, 2u);
  EXPECT_GE(seen.diagnostics, 1u);  // DP151, the task id used twice
  EXPECT_EQ(summary.files_listed, 3u);
  EXPECT_EQ(summary.files_analysed, 2u);
  EXPECT_EQ(summary.dags, 2u);
  EXPECT_EQ(summary.tasks, 4u);
  EXPECT_EQ(summary.edges, 2u);
}

TEST_F(ProjectAnalyzerTest, RenderedOnlyHandsOnThePathDiagnosticsAndTextButNoGraph) {
  ProjectSummary full_summary;
  const Seen full = Run(&full_summary);
  options_.rendered_only = true;
  ProjectSummary summary;
  const Seen seen = Run(&summary);
  EXPECT_EQ(seen.paths, full.paths);
  EXPECT_EQ(seen.rendered, full.rendered);  // rendered before the graph is freed
  EXPECT_EQ(seen.diagnostics, full.diagnostics);
  EXPECT_EQ(seen.dags, 0u);
  EXPECT_EQ(summary.dags, 2u);
  EXPECT_EQ(summary.tasks, 4u);
  EXPECT_EQ(summary.edges, 2u);
}

}  // namespace
}  // namespace dagport::parser
