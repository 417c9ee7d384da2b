#pragma once
/// The memory of tree-sitter's runtime: its parsers and syntax trees (parser/tree_allocator.cc).

#include <cstddef>
#include <memory>
#include <vector>

namespace dagport::parser {

/// Makes tree-sitter allocate through this file's functions. Idempotent and thread-safe; it must
/// run before the first tree-sitter object is created, so every parser in dagport is created
/// after calling it (parser/syntax_tree.cc).
void UseTreeAllocator();

/// Frees a block tree-sitter allocated and handed over (`ts_node_string`), which the C library's
/// `free` must not be given once `UseTreeAllocator` has run.
void FreeTreeBlock(void* block);

/// The memory of one parse: the parser made for it and the tree it builds. Blocks are placed one
/// after the other in large chunks and never freed one by one; the chunks go back (to this
/// thread's spare chunks, or to the C library) when the arena is destroyed. A tree in an arena is
/// therefore dropped without `ts_tree_delete`, which would walk every node to free it.
class TreeArena {
 public:
  /// `expected_bytes`: how much the parse will likely allocate (the first chunk's size).
  explicit TreeArena(size_t expected_bytes, std::shared_ptr<const TreeArena> parent = nullptr);
  ~TreeArena();
  TreeArena(const TreeArena&) = delete;
  TreeArena& operator=(const TreeArena&) = delete;

  void* Allocate(size_t bytes);
  /// Grows `block` (the last one allocated) where it is, when it is the last one and there is
  /// room; false otherwise.
  bool GrowInPlace(void* block, size_t old_bytes, size_t new_bytes);
  /// Bytes handed out, headers included.
  size_t used() const { return used_; }

 private:
  struct Chunk {
    std::byte* data;
    size_t size;
  };
  void AddChunk(size_t at_least);

  std::vector<Chunk> chunks_;
  std::byte* next_ = nullptr;  ///< where the next block goes in the last chunk
  std::byte* end_ = nullptr;   ///< end of the last chunk
  size_t used_ = 0;
  /// An incremental parse's tree shares the nodes the edit left alone with the old tree: the old
  /// tree's arena lives as long as this one.
  std::shared_ptr<const TreeArena> parent_;
};

/// While it lives, tree-sitter's new blocks on this thread come from `arena`.
class TreeArenaScope {
 public:
  explicit TreeArenaScope(TreeArena& arena);
  ~TreeArenaScope();
  TreeArenaScope(const TreeArenaScope&) = delete;
  TreeArenaScope& operator=(const TreeArenaScope&) = delete;

 private:
  TreeArena* previous_;
};

}  // namespace dagport::parser
