#include "parser/ordered_parallel.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

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

}  // namespace
}  // namespace dagport::parser
