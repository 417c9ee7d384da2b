#include "ir/graph_checks.h"

#include <gtest/gtest.h>

#include <string>

#include "ir/airflow_id.h"

namespace dagport::ir {
namespace {

Dag MakeDag(const std::vector<std::string>& tasks,
            const std::vector<std::pair<std::string, std::string>>& edges) {
  Dag d;
  d.dag_id = "example";
  uint32_t line = 1;
  for (const auto& t : tasks) {
    Task task;
    task.task_id = t;
    task.where = {line++, 1, line, 1};
    d.tasks.push_back(task);
  }
  for (const auto& [a, b] : edges) d.edges.push_back({a, b, {line++, 1, line, 1}});
  return d;
}

std::vector<std::string> Codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> codes;
  for (const auto& d : ds) codes.push_back(d.code);
  return codes;
}

TEST(GraphChecks, AValidDagHasNoFindings) {
  EXPECT_TRUE(
      CheckDag(MakeDag({"a", "b", "c"}, {{"a", "b"}, {"a", "c"}, {"b", "c"}}), "f.py").empty());
}

TEST(GraphChecks, NamesTheCycle) {
  auto ds = CheckDag(MakeDag({"a", "b", "c"}, {{"a", "b"}, {"b", "c"}, {"c", "a"}}), "f.py");
  ASSERT_EQ(Codes(ds), std::vector<std::string>{"DP150"});
  EXPECT_NE(ds[0].message.find("a >> b >> c >> a"), std::string::npos) << ds[0].message;
  EXPECT_EQ(ds[0].where.line, 6u);  // the edge that closes the cycle: c >> a
}

TEST(GraphChecks, SelfLoopIsACycle) {
  auto ds = CheckDag(MakeDag({"a"}, {{"a", "a"}}), "f.py");
  ASSERT_EQ(Codes(ds), std::vector<std::string>{"DP150"});
  EXPECT_NE(ds[0].message.find("a >> a"), std::string::npos);
}

TEST(GraphChecks, DeepChainsDoNotOverflowTheStack) {
  std::vector<std::string> tasks;
  std::vector<std::pair<std::string, std::string>> edges;
  for (int i = 0; i < 100'000; ++i) tasks.push_back("t" + std::to_string(i));
  for (int i = 0; i + 1 < 100'000; ++i) edges.emplace_back(tasks[i], tasks[i + 1]);
  edges.emplace_back(tasks.back(), tasks.front());
  auto ds = CheckDag(MakeDag(tasks, edges), "f.py");
  ASSERT_EQ(Codes(ds), std::vector<std::string>{"DP150"});
}

TEST(GraphChecks, DuplicateIdsPointAtTheSecondTask) {
  auto ds = CheckDag(MakeDag({"a", "b", "a"}, {}), "f.py");
  ASSERT_EQ(Codes(ds), std::vector<std::string>{"DP151"});
  EXPECT_EQ(ds[0].where.line, 3u);
  EXPECT_NE(ds[0].message.find("(line 1)"), std::string::npos);
}

TEST(GraphChecks, InvalidIds) {
  EXPECT_TRUE(IsValidAirflowId("load_2.part-a"));
  EXPECT_FALSE(IsValidAirflowId(""));
  EXPECT_FALSE(IsValidAirflowId("has space"));
  EXPECT_FALSE(IsValidAirflowId("caf\xc3\xa9"));
  EXPECT_TRUE(IsValidAirflowId(std::string(250, 'x')));
  EXPECT_FALSE(IsValidAirflowId(std::string(251, 'x')));
  Dag d = MakeDag({"ok", "not ok"}, {});
  d.dag_id = "bad/id";
  EXPECT_EQ(Codes(CheckDag(d, "f.py")), (std::vector<std::string>{"DP152", "DP152"}));
}

TEST(GraphChecks, DynamicIdsAreNotJudged) {
  Dag d = MakeDag({"f'x_{Variable.get(1)}'"}, {});
  d.tasks[0].dynamic = true;
  EXPECT_TRUE(CheckDag(d, "f.py").empty());
}

TEST(GraphChecks, EdgesToUnknownTasks) {
  auto ds = CheckDag(MakeDag({"a"}, {{"a", "ghost"}}), "f.py");
  ASSERT_EQ(Codes(ds), std::vector<std::string>{"DP153"});
  EXPECT_NE(ds[0].message.find("'ghost'"), std::string::npos);
}

}  // namespace
}  // namespace dagport::ir
