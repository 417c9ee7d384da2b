// The evaluator's Heap: objects placed in blocks, each destroyed once when the heap goes.

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "parser/object.h"

namespace dagport::parser {
namespace {

int destroyed = 0;

struct Small : HeapItem {
  int value = 7;
  ~Small() override { ++destroyed; }
};

struct alignas(64) Aligned : HeapItem {
  char byte = 0;
  ~Aligned() override { ++destroyed; }
};

struct Large : HeapItem {  // larger than a block
  char data[200 << 10] = {};
  ~Large() override { ++destroyed; }
};

TEST(Heap, PlacesObjectsAlignedApartAndDestroysEachOnce) {
  destroyed = 0;
  size_t made = 0;
  {
    Heap heap;
    std::set<const void*> seen;
    std::vector<Small*> smalls;
    for (int i = 0; i < 20000; ++i) {  // several blocks
      Small* s = heap.Make<Small>();
      EXPECT_EQ(s->value, 7);
      s->value = i;
      smalls.push_back(s);
      EXPECT_TRUE(seen.insert(s).second);
      if (i % 1000 == 0) {
        Aligned* a = heap.Make<Aligned>();
        EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
        EXPECT_TRUE(seen.insert(a).second);
      }
      if (i == 5000) {
        Large* l = heap.Make<Large>();
        EXPECT_EQ(l->data[sizeof l->data - 1], 0);
        l->data[sizeof l->data - 1] = 1;
        EXPECT_TRUE(seen.insert(l).second);
      }
    }
    for (int i = 0; i < 20000; ++i) ASSERT_EQ(smalls[i]->value, i);  // nothing overwritten
    made = heap.size();
    EXPECT_EQ(made, seen.size());
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(static_cast<size_t>(destroyed), made);
}

}  // namespace
}  // namespace dagport::parser
