#include "parser/pair_set.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dagport::parser {
namespace {

struct Task {
  int id = 0;
};

TEST(PairSet, EachPairOnceInEitherOrder) {
  const Task tasks[3];
  const Task *a = &tasks[0], *b = &tasks[1], *c = &tasks[2];
  PairSet<const Task*> edges;
  EXPECT_TRUE(edges.Insert(a, b));
  EXPECT_FALSE(edges.Insert(a, b));
  EXPECT_TRUE(edges.Insert(b, a));  // the other direction is another dependency
  EXPECT_TRUE(edges.Insert(a, c));
  EXPECT_FALSE(edges.Insert(b, a));
  EXPECT_EQ(edges.size(), 3u);
}

TEST(PairSet, ComparesStringViewsByTheirText) {
  const std::string x1 = "extract", x2 = "extract", y = "load";
  PairSet<std::string_view> seen;
  EXPECT_TRUE(seen.Insert(x1, y));
  EXPECT_FALSE(seen.Insert(x2, y));  // the same text in another string
  EXPECT_TRUE(seen.Insert(y, x1));
  EXPECT_TRUE(seen.Insert("", ""));  // an empty pair is a pair like any other
  EXPECT_FALSE(seen.Insert("", ""));
}

TEST(PairSet, AgreesWithAnOrderedSetThroughManyGrowths) {
  const std::vector<Task> tasks(300);
  PairSet<const Task*> edges;
  std::set<std::pair<const Task*, const Task*>> reference;
  for (size_t i = 0; i < 20000; ++i) {
    const size_t u = (i * 7919) % tasks.size(), d = (i * 104729 + 13) % tasks.size();
    const Task* up = &tasks[u];
    const Task* down = &tasks[d];
    ASSERT_EQ(edges.Insert(up, down), reference.insert({up, down}).second) << i;
  }
  EXPECT_EQ(edges.size(), reference.size());
}

}  // namespace
}  // namespace dagport::parser
