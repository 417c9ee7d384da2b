#include "ir/graph_svg.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dagport::ir {
namespace {

Dag MakeDag(const std::vector<std::string>& tasks,
            const std::vector<std::pair<std::string, std::string>>& edges) {
  Dag d;
  d.dag_id = "example";
  for (const auto& t : tasks) {
    Task task;
    task.task_id = t;
    task.operator_class = "airflow.operators.bash_operator.BashOperator";
    d.tasks.push_back(task);
  }
  for (const auto& [a, b] : edges) d.edges.push_back({a, b, {}});
  return d;
}

struct NodeAt {
  int x = 0;
  int y = 0;
};

/// Every `<g class="node ..." data-task="ID" transform="translate(X,Y)">`, by (escaped) ID.
std::map<std::string, NodeAt> Nodes(const std::string& svg) {
  std::map<std::string, NodeAt> nodes;
  const std::string open = "<g class=\"node";
  for (size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const size_t id_start = svg.find("data-task=\"", at) + 11;
    const size_t id_end = svg.find('"', id_start);
    const size_t xy = svg.find("translate(", id_end) + 10;
    NodeAt node;
    EXPECT_EQ(std::sscanf(svg.c_str() + xy, "%d,%d", &node.x, &node.y), 2);
    nodes[svg.substr(id_start, id_end - id_start)] = node;
  }
  return nodes;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(GraphSvg, AChainGoesLeftToRight) {
  const std::string svg = DagToSvg(MakeDag({"c", "b", "a"}, {{"a", "b"}, {"b", "c"}}));
  auto nodes = Nodes(svg);
  ASSERT_EQ(nodes.size(), 3u) << svg;
  EXPECT_LT(nodes["a"].x, nodes["b"].x);
  EXPECT_LT(nodes["b"].x, nodes["c"].x);
  EXPECT_EQ(Count(svg, "class=\"edge\""), 2u);
  EXPECT_NE(svg.find("marker-end=\"url(#dagport-arrow-"), std::string::npos);
}

TEST(GraphSvg, ADiamondPutsTheMiddleTasksInOneColumn) {
  auto nodes = Nodes(
      DagToSvg(MakeDag({"a", "b", "c", "d"}, {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}})));
  EXPECT_EQ(nodes["b"].x, nodes["c"].x);
  EXPECT_NE(nodes["b"].y, nodes["c"].y);
  EXPECT_LT(nodes["a"].x, nodes["b"].x);
  EXPECT_LT(nodes["b"].x, nodes["d"].x);
}

TEST(GraphSvg, ALongEdgeDoesNotPullItsTargetLeft) {
  // a >> d directly and through b >> c: d sits after the longest path.
  const std::string svg =
      DagToSvg(MakeDag({"a", "b", "c", "d"}, {{"a", "d"}, {"a", "b"}, {"b", "c"}, {"c", "d"}}));
  auto nodes = Nodes(svg);
  EXPECT_LT(nodes["c"].x, nodes["d"].x);
  // a >> d runs straight across the columns of b and c, beside them rather than through them.
  const size_t edges = svg.find("<g class=\"edges\">");
  ASSERT_NE(edges, std::string::npos);
  EXPECT_EQ(Count(svg.substr(edges, svg.find("</g>", edges) - edges), " L"), 2u) << svg;
}

TEST(GraphSvg, NodesDoNotOverlapAndFitTheViewBox) {
  std::vector<std::string> tasks;
  std::vector<std::pair<std::string, std::string>> edges;
  for (int i = 0; i < 30; ++i) {
    tasks.push_back("t" + std::to_string(i));
    if (i > 0) edges.emplace_back("t" + std::to_string(i / 3), "t" + std::to_string(i));
  }
  const std::string svg = DagToSvg(MakeDag(tasks, edges));
  int width = 0, height = 0;
  const size_t view_box = svg.find("viewBox=\"0 0 ");
  ASSERT_NE(view_box, std::string::npos);
  ASSERT_EQ(std::sscanf(svg.c_str() + view_box + 13, "%d %d", &width, &height), 2);
  EXPECT_NE(svg.find("width=\"" + std::to_string(width) + "\""), std::string::npos);
  EXPECT_NE(svg.find("height=\"" + std::to_string(height) + "\""), std::string::npos);

  auto nodes = Nodes(svg);
  ASSERT_EQ(nodes.size(), 30u);
  const int w = 180, h = 44;  // the node box of graph_svg.cc
  for (const auto& [id, p] : nodes) {
    EXPECT_GE(p.x, 0);
    EXPECT_GE(p.y, 0);
    EXPECT_LE(p.x + w, width) << id;
    EXPECT_LE(p.y + h, height) << id;
    for (const auto& [other, q] : nodes) {
      if (other == id) continue;
      const bool apart = p.x + w <= q.x || q.x + w <= p.x || p.y + h <= q.y || q.y + h <= p.y;
      EXPECT_TRUE(apart) << id << " overlaps " << other;
    }
  }
}

TEST(GraphSvg, EscapesEveryText) {
  Dag dag = MakeDag({"x<&\">'", "plain"}, {{"x<&\">'", "plain"}});
  dag.dag_id = "d<&>";
  dag.tasks[0].operator_class = "my.ops.Op<T>";
  const std::string svg = DagToSvg(dag);
  EXPECT_NE(svg.find("data-task=\"x&lt;&amp;&quot;&gt;&#39;\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">x&lt;&amp;&quot;&gt;&#39;</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">Op&lt;T&gt;</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("aria-label=\"DAG d&lt;&amp;&gt;\""), std::string::npos) << svg;
  EXPECT_EQ(svg.find("x<&"), std::string::npos);
  EXPECT_EQ(svg.find("d<&"), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"edge\""), 1u);
}

TEST(GraphSvg, TruncatesLongLabelsAndKeepsTheFullTextInTheTitle) {
  const std::string id(60, 'a');
  const std::string svg = DagToSvg(MakeDag({id}, {}));
  EXPECT_NE(svg.find("<title>" + id + "\nairflow.operators.bash_operator.BashOperator</title>"),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find(">" + std::string(21, 'a') + "\u2026</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">BashOperator</text>"), std::string::npos);
}

TEST(GraphSvg, CyclesAndUnknownTasksStillDrawEveryTask) {
  const Dag dag = MakeDag({"a", "b", "c", "d"}, {{"a", "b"},
                                                 {"b", "c"},
                                                 {"c", "a"},
                                                 {"c", "c"},
                                                 {"c", "ghost"},
                                                 {"nobody", "d"},
                                                 {"a", "b"}});
  const std::string svg = DagToSvg(dag);
  auto nodes = Nodes(svg);
  ASSERT_EQ(nodes.size(), 4u) << svg;
  EXPECT_LT(nodes["a"].x, nodes["b"].x);
  EXPECT_LT(nodes["b"].x, nodes["c"].x);
  EXPECT_EQ(Count(svg, "class=\"edge\""), 2u);       // a>>b (once), b>>c
  EXPECT_EQ(Count(svg, "class=\"edge back\""), 2u);  // c>>a, c>>c
  EXPECT_EQ(svg.find("ghost"), std::string::npos);
}

TEST(GraphSvg, AddsTheTaskClasses) {
  SvgOptions options;
  options.task_classes = {{"b", "container"}, {"c", "blocked"}};
  Dag dag = MakeDag({"a", "b", "c"}, {{"a", "b"}, {"a", "c"}});
  dag.tasks[0].dynamic = true;
  const std::string svg = DagToSvg(dag, options);
  EXPECT_NE(svg.find("<g class=\"node dynamic\" data-task=\"a\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("<g class=\"node container\" data-task=\"b\""), std::string::npos);
  EXPECT_NE(svg.find("<g class=\"node blocked\" data-task=\"c\""), std::string::npos);
}

TEST(GraphSvg, TooManyTasksGivesANote) {
  SvgOptions options;
  options.max_tasks = 2;
  const std::string svg = DagToSvg(MakeDag({"a", "b", "c"}, {{"a", "b"}}), options);
  EXPECT_NE(svg.find("3 tasks not drawn (more than 2)"), std::string::npos) << svg;
  EXPECT_TRUE(Nodes(svg).empty());
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
}

TEST(GraphSvg, AnEmptyDagSaysSo) {
  const std::string svg = DagToSvg(MakeDag({}, {}));
  EXPECT_NE(svg.find(">no tasks</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
}

TEST(GraphSvg, IsSelfContainedAccessibleAndWellFormed) {
  const std::string svg = DagToSvg(
      MakeDag({"a", "b", "c", "d"}, {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "a"}}));
  EXPECT_EQ(Count(svg, "<g"), Count(svg, "</g>"));
  EXPECT_EQ(Count(svg, "<svg"), 1u);
  EXPECT_EQ(Count(svg, "</svg>"), 1u);
  EXPECT_EQ(Count(svg, "<text"), Count(svg, "</text>"));
  EXPECT_EQ(Count(svg, "<title>"), Count(svg, "</title>"));
  EXPECT_NE(svg.find("role=\"img\" aria-label=\"DAG example\""), std::string::npos);
  EXPECT_NE(svg.find("<style>"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_EQ(svg.find("@import"), std::string::npos);
}

TEST(GraphSvg, IsDeterministic) {
  std::vector<std::string> tasks;
  std::vector<std::pair<std::string, std::string>> edges;
  for (int i = 0; i < 200; ++i) {
    tasks.push_back("task_" + std::to_string((i * 37) % 200));
    edges.emplace_back("task_" + std::to_string(i), "task_" + std::to_string((i * 7 + 3) % 200));
  }
  const Dag dag = MakeDag(tasks, edges);
  const std::string first = DagToSvg(dag);
  EXPECT_EQ(first, DagToSvg(dag));
  EXPECT_EQ(Nodes(first).size(), 200u);
}

}  // namespace
}  // namespace dagport::ir
