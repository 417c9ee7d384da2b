#include "parser/syntax_tree.h"

#include <gtest/gtest.h>

namespace dagport::parser {
namespace {

TEST(SyntaxTree, TheInstalledRuntimeLoadsTheGrammar) {
  EXPECT_EQ(CheckPythonGrammar(), "");
}

TEST(SyntaxTree, ParsesValidPythonWithoutErrors) {
  SyntaxTree t = SyntaxTree::Parse("from airflow import DAG\ndag = DAG('x')\n");
  EXPECT_STREQ(ts_node_type(t.root()), "module");
  EXPECT_TRUE(t.SyntaxErrors("f.py").empty());
  EXPECT_EQ(t.NodeText(ts_node_named_child(t.root(), 1)), "dag = DAG('x')");
}

TEST(SyntaxTree, ReportsErrorsWithLocation) {
  SyntaxTree t = SyntaxTree::Parse("a = 1\nb = (2 +\nc = 3\n");
  auto errors = t.SyntaxErrors("f.py");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].code, "DP101");
  EXPECT_EQ(errors[0].file, "f.py");
  EXPECT_GE(errors[0].where.line, 2u);
}

TEST(SyntaxTree, RecognisesPython2) {
  for (const char* src : {"print 'hello'\n", "try:\n  x()\nexcept ValueError, e:\n  pass\n"}) {
    auto errors = SyntaxTree::Parse(src).SyntaxErrors("f.py");
    ASSERT_FALSE(errors.empty()) << src;
    EXPECT_EQ(errors[0].code, "DP102") << src;
  }
}

TEST(SyntaxTree, ColumnsCountCodePoints) {
  SyntaxTree t = SyntaxTree::Parse("x = 'é'; y = 1\n");
  TSNode second = ts_node_named_child(t.root(), 1);
  EXPECT_EQ(t.NodeText(second), "y = 1");
  EXPECT_EQ(t.Range(second).column, 10u);  // 'é' is two bytes but one column
}

TEST(SyntaxTree, DeepNestingDoesNotCrash) {
  std::string deep = "x = " + std::string(10'000, '(') + "1" + std::string(10'000, ')') + "\n";
  SyntaxTree t = SyntaxTree::Parse(deep);
  (void)t.SyntaxErrors("deep.py");
  SUCCEED();
}

}  // namespace
}  // namespace dagport::parser
