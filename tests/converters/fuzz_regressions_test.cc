// Inputs the fuzzers (tests/fuzz/converter_fuzzer.cc) found that the converter mishandled,
// each reduced to a few lines, with what the conversion gives now.
#include <gtest/gtest.h>

#include <string>

#include "converters/airflow2/file_converter.h"
#include "converters/containers/container_config.h"
#include "parser/syntax_tree.h"

namespace dagport::converters::airflow2 {
namespace {

FileConversion Convert(const std::string& text) {
  ConvertOptions options;
  options.target = *AirflowVersion::Parse("2.10.3");
  options.today = "2021-03-01";
  return ConvertFile("input.py", text, options, {});
}

// `DAG()` with no argument got schedule= and catchup= both inserted right after the bracket,
// with no comma between them: the converted file was not valid Python.
TEST(ConverterFuzzRegressions, TwoArgumentsAppendedToAnEmptyCall) {
  const FileConversion c = Convert("from airflow import DAG\nDAG()");
  ASSERT_TRUE(c.converted);
  EXPECT_EQ(c.text,
            "from airflow import DAG\nfrom datetime import timedelta\n"
            "DAG(schedule=timedelta(days=1), catchup=False)");
  EXPECT_TRUE(parser::SyntaxTree::Parse(c.text).SyntaxErrors("input.py").empty());

  // A call with only a comment inside keeps it after the new arguments.
  const FileConversion commented = Convert("from airflow import DAG\nDAG(  # none\n)\n");
  EXPECT_EQ(commented.text,
            "from airflow import DAG\nfrom datetime import timedelta\n"
            "DAG(schedule=timedelta(days=1), catchup=False  # none\n)\n");
}

// A file with two statements on one line and no `;` between them was taken as valid Python
// (parser/fuzz_regressions_test.cc) and converted; two rules then edited the same bytes. It is
// now refused as not valid Python 3, as Airflow would refuse to load it.
TEST(ConverterFuzzRegressions, StatementsRunTogetherAreNotConverted) {
  const FileConversion c = Convert(
      "from airflow.models import DAG\n"
      "from airflow.operators.bash_operator import BashOperator\n"
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "\n"
      "def region_rollup_subdag(parent_dag_id, child_dag_id, default_args, region):\n"
      "    subdag = DAG(dag_id='%s.%s' % (parent_dag_id, child_dag_id))\n"
      "    extract >> r.bash_operator import BashOperator\n"
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "exported = DummyOperator(task_id='rollup_ready', dag=subdag)\n");
  EXPECT_FALSE(c.converted);
  ASSERT_FALSE(c.diagnostics.empty());
  EXPECT_EQ(c.diagnostics[0].code, "DP101");
  EXPECT_EQ(c.diagnostics[0].where.line, 7u);
}

// The same reduced to valid Python: a class imported twice had each use renamed once per
// import statement, so two edits replaced the same bytes and the file was not converted ("a
// bug in dagport"). Its uses are renamed once now.
TEST(ConverterFuzzRegressions, AClassImportedTwice) {
  const FileConversion c = Convert(
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "exported = DummyOperator(task_id='rollup_ready')\n");
  ASSERT_TRUE(c.converted);
  EXPECT_TRUE(c.diagnostics.empty());
  EXPECT_EQ(c.text,
            "from airflow.operators.empty import EmptyOperator\n"
            "from airflow.operators.empty import EmptyOperator\n"
            "exported = EmptyOperator(task_id='rollup_ready')\n");
}

// A number too large for a double is nlohmann's out_of_range error, not a parse_error: it
// escaped the dagport.json reader, whose errors are diagnostics (found by config_fuzzer).
TEST(ConverterFuzzRegressions, ContainerConfigNumberOutOfRange) {
  std::vector<ir::Diagnostic> diagnostics;
  EXPECT_FALSE(containers::ParseContainerConfig(
      "{\n  \"as_of\": \"2026-06\",\n  \"sou_gb_hour\": 0.004E454\n,  \"x\": 2}}\n}",
      "dagport.json", diagnostics));
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "DP220");
  EXPECT_EQ(diagnostics[0].message, "not valid JSON: number overflow parsing '0.004E454'");
  EXPECT_EQ(diagnostics[0].where.line, 3u);
  EXPECT_EQ(diagnostics[0].where.column, 18u);
}

}  // namespace
}  // namespace dagport::converters::airflow2
