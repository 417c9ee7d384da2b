#include "parser/tree_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "parser/syntax_tree.h"

namespace dagport::parser {
namespace {

bool Aligned(const void* p) {
  return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

// Blocks are placed one after the other, aligned as malloc's, each keeping what was written to
// it while the arena lives, over as many chunks as it takes.
TEST(TreeArena, BlocksAreAlignedDistinctAndKeepTheirContents) {
  TreeArena arena(0);  // the smallest first chunk: 5,000 blocks need several
  std::vector<unsigned char*> blocks;
  for (size_t i = 0; i < 5000; ++i) {
    const size_t bytes = 1 + i % 200;
    auto* b = static_cast<unsigned char*>(arena.Allocate(bytes));
    ASSERT_TRUE(Aligned(b));
    std::memset(b, static_cast<int>(i & 0xff), bytes);
    blocks.push_back(b);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const size_t bytes = 1 + i % 200;
    for (size_t k = 0; k < bytes; ++k)
      ASSERT_EQ(blocks[i][k], i & 0xff) << "block " << i << " byte " << k;
  }
  EXPECT_GE(arena.used(), 5000u * (16 + 16));
  // A block larger than any chunk so far gets a chunk of its own.
  auto* large = static_cast<unsigned char*>(arena.Allocate(8 << 20));
  ASSERT_TRUE(Aligned(large));
  std::memset(large, 1, 8 << 20);
  EXPECT_EQ(blocks[0][0], 0);
}

// Only the last block grows where it is, and only while its chunk has room.
TEST(TreeArena, OnlyTheLastBlockGrowsInPlace) {
  TreeArena arena(0);
  void* first = arena.Allocate(32);
  void* last = arena.Allocate(32);
  EXPECT_FALSE(arena.GrowInPlace(first, 32, 64));
  EXPECT_TRUE(arena.GrowInPlace(last, 32, 64));
  void* next = arena.Allocate(16);
  EXPECT_EQ(static_cast<char*>(next), static_cast<char*>(last) + 64 + 16);  // after its header
  EXPECT_FALSE(arena.GrowInPlace(next, 16, size_t{1} << 30));  // no chunk has that room
}

// A dropped arena's chunk serves the next arena on the thread that needs no more than it holds:
// sizes are rounded up to powers of two, so files of about the same size share chunks.
TEST(TreeArena, ChunksAreReusedByTheNextArenas) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "nothing is kept for reuse under AddressSanitizer";
#else
  std::thread([] {  // a thread of its own: no spare chunks from other tests
    void* first = nullptr;
    {
      TreeArena arena(100 << 10);
      first = arena.Allocate(64);
    }
    {
      TreeArena arena(120 << 10);  // 128 KiB, as the first
      EXPECT_EQ(arena.Allocate(64), first);
    }
    {
      TreeArena larger(300 << 10);  // the spare is too small: a chunk of its own
      EXPECT_NE(larger.Allocate(64), first);
      TreeArena same(100 << 10);
      EXPECT_EQ(same.Allocate(64), first);
    }
  })
      .join();
#endif
}

// tree-sitter's blocks in a parse are the arena's: the parse's own temporary blocks and the
// tree. A tree read after its parse reads the same as ever.
TEST(TreeArena, ATreeParsedInItsArenaReadsTheSameOnAnyThread) {
  std::string source;
  for (int i = 0; i < 2000; ++i)
    source += "t" + std::to_string(i) + " = BashOperator(task_id='t" + std::to_string(i) +
              "', bash_command='echo {{ ds }}')\n";
  const SyntaxTree tree = SyntaxTree::Parse(source);
  const std::string sexp = NodeSexp(tree.root());
  EXPECT_EQ(ts_node_named_child_count(tree.root()), 2000u);
  EXPECT_FALSE(ts_node_has_error(tree.root()));
  // Parsed and dropped on other threads, and dropped on another thread than it was parsed on.
  std::optional<SyntaxTree> moved;
  std::thread([&] {
    const SyntaxTree again = SyntaxTree::Parse(source);
    EXPECT_EQ(NodeSexp(again.root()), sexp);
    moved.emplace(SyntaxTree::Parse(source));
  }).join();
  EXPECT_EQ(NodeSexp(moved->root()), sexp);
  moved.reset();
  // The chunks the thread's arenas kept for reuse were freed when it ended (LeakSanitizer
  // checks it in CI); this thread's next parses reuse its own.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(NodeSexp(SyntaxTree::Parse(source).root()), sexp);
}

// An incremental parse shares the nodes the edits left alone with the old tree: the new tree
// stays whole after the old one is gone (AddressSanitizer in CI sees a read of freed memory if
// the old tree's arena went with it).
TEST(TreeArena, AReparsedTreeOutlivesTheTreeItCameFrom) {
  std::string before;
  for (int i = 0; i < 300; ++i) before += "x" + std::to_string(i) + " = [1, 2, 3]\n";
  std::optional<SyntaxTree> old(SyntaxTree::Parse(before));
  const std::string after = "y = 0\n" + before;
  std::optional<SyntaxTree> reparsed(SyntaxTree::Reparse(*old, after, {{0, 0, "y = 0\n"}}));
  const std::string expected = NodeSexp(SyntaxTree::Parse(after).root());
  old.reset();
  // Parses that would reuse the old tree's chunks, were they free, and write over them.
  std::string other;
  for (int i = 0; i < 300; ++i) other += "def f" + std::to_string(i) + "(): pass\n";
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(ts_node_has_error(SyntaxTree::Parse(other).root()));
  const SyntaxTree kept = SyntaxTree::Parse(other);
  EXPECT_EQ(NodeSexp(reparsed->root()), expected);
  // A tree reparsed from a reparsed tree keeps both ancestors' nodes.
  const std::string third = "z = 1\n" + after;
  const SyntaxTree again = SyntaxTree::Reparse(*reparsed, third, {{0, 0, "z = 1\n"}});
  reparsed.reset();
  EXPECT_EQ(NodeSexp(again.root()), NodeSexp(SyntaxTree::Parse(third).root()));
}

}  // namespace
}  // namespace dagport::parser
