#include "parser/edge_set.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <utility>
#include <vector>

namespace dagport::parser {
namespace {

TEST(EdgeSet, EachDependencyOnceInEitherDirection) {
  // Only the addresses matter: the set never looks into the tasks.
  std::vector<std::max_align_t> tasks(3);  // aligned storage: only the addresses are used
  const auto* a = reinterpret_cast<const TaskObj*>(&tasks[0]);
  const auto* b = reinterpret_cast<const TaskObj*>(&tasks[1]);
  const auto* c = reinterpret_cast<const TaskObj*>(&tasks[2]);
  EdgeSet edges;
  EXPECT_TRUE(edges.Insert(a, b));
  EXPECT_FALSE(edges.Insert(a, b));
  EXPECT_TRUE(edges.Insert(b, a));  // the other direction is another dependency
  EXPECT_TRUE(edges.Insert(a, c));
  EXPECT_FALSE(edges.Insert(b, a));
  EXPECT_EQ(edges.size(), 3u);
}

TEST(EdgeSet, AgreesWithAnOrderedSetThroughManyGrowths) {
  std::vector<std::max_align_t> tasks(300);
  EdgeSet edges;
  std::set<std::pair<const void*, const void*>> reference;
  for (size_t i = 0; i < 20000; ++i) {
    const size_t u = (i * 7919) % tasks.size(), d = (i * 104729 + 13) % tasks.size();
    const auto* up = reinterpret_cast<const TaskObj*>(&tasks[u]);
    const auto* down = reinterpret_cast<const TaskObj*>(&tasks[d]);
    ASSERT_EQ(edges.Insert(up, down), reference.insert({up, down}).second) << i;
  }
  EXPECT_EQ(edges.size(), reference.size());
}

}  // namespace
}  // namespace dagport::parser
