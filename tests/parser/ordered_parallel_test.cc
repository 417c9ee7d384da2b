#include "parser/ordered_parallel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace dagport::parser {
namespace {

TEST(ForEachOrdered, ConsumesInIndexOrderWhateverTheJobCount) {
  for (unsigned jobs : {1u, 2u, 4u, 8u}) {
    std::vector<size_t> seen;
    ForEachOrdered(
        200, jobs,
        [](size_t i) {
          // Later items finish first now and then, to shuffle completion order.
          if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
          return i * i;
        },
        [&](size_t i, size_t v) {
          EXPECT_EQ(v, i * i);
          seen.push_back(i);
        },
        /*window=*/8);
    ASSERT_EQ(seen.size(), 200u);
    for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i) << "jobs=" << jobs;
  }
}

TEST(ForEachOrdered, PropagatesTheFirstFailure) {
  auto run = [](unsigned jobs) {
    ForEachOrdered(
        100, jobs,
        [](size_t i) -> int {
          if (i == 42) throw std::runtime_error("boom");
          return 0;
        },
        [](size_t, int) {}, 4);
  };
  EXPECT_THROW(run(1), std::runtime_error);
  EXPECT_THROW(run(3), std::runtime_error);
}

TEST(ForEachOrdered, AConsumerFailureStopsTheWorkers) {
  EXPECT_THROW(ForEachOrdered(
                   1000, 2, [](size_t i) { return i; },
                   [](size_t i, size_t) {
                     if (i == 3) throw std::runtime_error("stop");
                   },
                   2),
               std::runtime_error);
}

TEST(ForEachOrdered, ConsumeCallsNeverOverlapWhicheverThreadMakesThem) {
  // Any thread may consume; two never do at once, and each sees what the one before it wrote.
  for (size_t window : {1u, 3u, 64u}) {
    std::atomic<int> inside{0};
    size_t consumed = 0;  // written by consume calls on several threads, without a lock
    std::vector<std::thread::id> consumers;
    ForEachOrdered(
        300, 4,
        [](size_t i) {
          if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
          return i;
        },
        [&](size_t i, size_t v) {
          EXPECT_EQ(inside.fetch_add(1), 0);
          EXPECT_EQ(v, i);
          EXPECT_EQ(consumed, i);
          ++consumed;
          if (i % 17 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
          if (std::find(consumers.begin(), consumers.end(), std::this_thread::get_id()) ==
              consumers.end())
            consumers.push_back(std::this_thread::get_id());
          inside.fetch_sub(1);
        },
        window);
    EXPECT_EQ(consumed, 300u) << "window=" << window;
    EXPECT_FALSE(consumers.empty());
  }
}

TEST(ForEachOrdered, MoreThreadsThanItems) {
  std::vector<size_t> seen;
  ForEachOrdered(
      3, 8, [](size_t i) { return i; }, [&](size_t i, size_t) { seen.push_back(i); }, 1);
  EXPECT_EQ(seen, (std::vector<size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace dagport::parser
