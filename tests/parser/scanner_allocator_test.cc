#include "parser/scanner_allocator.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>

namespace dagport::parser {
namespace {

// The scanner frees its indent stack and string delimiters and allocates them again each time
// its state is restored: the blocks come back instead of going through the C library.
TEST(ScannerAllocator, TheBlocksTheScannerFreedComeBackWhenTheyFit) {
  std::jthread([] {  // a thread of its own: nothing kept from other tests
    void* indents = dagport_scanner_malloc(16);
    void* delimiters = dagport_scanner_malloc(2);
    ASSERT_NE(indents, nullptr);
    ASSERT_NE(delimiters, nullptr);
    dagport_scanner_free(delimiters);
    dagport_scanner_free(indents);
    // Each request gets a kept block that holds it, the larger one for the larger request.
    void* again_indents = dagport_scanner_malloc(16);
    void* again_delimiters = dagport_scanner_malloc(2);
    EXPECT_EQ(again_indents, indents);
    EXPECT_EQ(again_delimiters, delimiters);
    std::memset(again_indents, 0xab, 16);
    std::memset(again_delimiters, 0xcd, 2);
    // A request larger than any kept block is the C library's; growing a block is too.
    dagport_scanner_free(again_delimiters);
    void* large = dagport_scanner_malloc(4096);
    EXPECT_NE(large, again_delimiters);
    std::memset(large, 0, 4096);
    void* grown = dagport_scanner_realloc(again_indents, 64);
    ASSERT_NE(grown, nullptr);
    EXPECT_EQ(static_cast<unsigned char*>(grown)[15], 0xab);  // realloc keeps the contents
    dagport_scanner_free(grown);
    dagport_scanner_free(large);  // two kept already: freed for good
    dagport_scanner_free(nullptr);
    // What is kept is freed when the thread ends (LeakSanitizer checks it in CI).
  })
      .join();
}

// A thread's parser is a thread_local made before the allocator's own: destroyed after it,
// its scanner frees its blocks once nothing is kept any more. They must go to the C library,
// not into a slot no one frees (LeakSanitizer checks it in CI).
TEST(ScannerAllocator, WhatIsFreedAfterTheThreadsReleaseIsNotKept) {
  struct FreesAtThreadEnd {
    void* block = nullptr;
    ~FreesAtThreadEnd() { dagport_scanner_free(block); }
  };
  std::jthread([] {
    thread_local FreesAtThreadEnd parser;  // made first, destroyed last
    parser.block = dagport_scanner_malloc(16);
    dagport_scanner_free(dagport_scanner_malloc(16));  // the first block kept: release set up
    void* again = dagport_scanner_malloc(16);          // the kept block comes back
    EXPECT_NE(again, nullptr);
    dagport_scanner_free(again);
  }).join();
}

TEST(ScannerAllocator, CallocIsZeroed) {
  auto* bytes = static_cast<unsigned char*>(dagport_scanner_calloc(4, 8));
  ASSERT_NE(bytes, nullptr);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(bytes[i], 0);
  dagport_scanner_free(bytes);
}

}  // namespace
}  // namespace dagport::parser
