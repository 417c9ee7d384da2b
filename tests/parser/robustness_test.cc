// Inputs that must neither crash nor hang the parser, nor take quadratic time.
#include <gtest/gtest.h>

#include <string>

#include "parser/file_analyzer.h"
#include "parser/module_loader.h"

namespace dagport::parser {
namespace {

FileAnalysis Analyze(const std::string& text) {
  static ModuleLoader loader({"/nonexistent-dagport-test-root"}, {});
  return AnalyzeSource("input.py", text, loader);
}

bool Has(const FileAnalysis& a, std::string_view code) {
  for (const auto& d : a.file.diagnostics) {
    if (d.code == code) return true;
  }
  return false;
}

TEST(Robustness, TwentyThousandTaskChainFromALoop) {
  auto a = Analyze(
      "from airflow import DAG\nfrom airflow.operators.dummy_operator import DummyOperator\n"
      "from datetime import datetime\ndag = DAG('big', start_date=datetime(2020, 1, 1))\nprev = "
      "None\n"
      "for i in range(20000):\n    t = DummyOperator(task_id='t%d' % i, dag=dag)\n"
      "    if prev is not None:\n        prev >> t\n    prev = t\n");
  ASSERT_EQ(a.file.dags.size(), 1u);
  EXPECT_EQ(a.file.dags[0].tasks.size(), 20000u);
  EXPECT_EQ(a.file.dags[0].edges.size(), 19999u);
}

TEST(Robustness, TenThousandDeepNesting) {
  for (const char* open_close : {"()", "[]", "{}"}) {
    std::string text = "from airflow import DAG\nx = " + std::string(10000, open_close[0]) +
                       (open_close[0] == '(' ? "1" : "") + std::string(10000, open_close[1]) + "\n";
    auto a = Analyze(text);
    EXPECT_TRUE(a.file.dags.empty());
    EXPECT_FALSE(a.file.diagnostics.empty()) << open_close;
  }
}

TEST(Robustness, RunawayLoopsAndRecursionEnd) {
  auto a = Analyze(
      "from airflow import DAG\nn = 0\nwhile True:\n    n += 1\n"
      "def f(x):\n    return f(x + 1)\nf(0)\n");
  EXPECT_TRUE(Has(a, "DP105"));
}

TEST(Robustness, ExponentialCallsHitTheStepBound) {
  auto a = Analyze(
      "from airflow import DAG\ndef f(n):\n    if n == 0:\n        return 0\n"
      "    return f(n - 1) + f(n - 1)\nx = f(40)\n");
  EXPECT_TRUE(Has(a, "DP105"));
}

TEST(Robustness, SyntaxErrorsEverywhere) {
  const std::string dag =
      "from airflow import DAG\nfrom airflow.operators.dummy_operator import DummyOperator\n"
      "from datetime import datetime\ndag = DAG('d', start_date=datetime(2020, 1, 1))\n"
      "a = DummyOperator(task_id='a', dag=dag)\n";
  for (const std::string& text : {"def (:\n" + dag, dag + "x = = 1\n" + dag, dag + "if x\n"}) {
    auto a = Analyze(text);
    EXPECT_TRUE(Has(a, "DP101")) << text;
    EXPECT_TRUE(a.file.dags.empty()) << text;  // Airflow would not import the file
  }
}

}  // namespace
}  // namespace dagport::parser
