// The allocator of the tree-sitter-python grammar's external scanner (its `ts_malloc`,
// `ts_calloc`, `ts_realloc` and `ts_free` hooks, set in cmake/TreeSitterPython.cmake).
//
// Each time the parser restores the scanner's state (`deserialize`: before every external
// token, about 1,300 times per file) the scanner frees its indent stack and allocates a new one
// of the same size: 200,000 malloc/free pairs for 150 files, 2% of `dagport inspect`. Each
// thread keeps the last two blocks the scanner freed and gives them back to the next
// allocations they fit. Anything else is the C library's.

#include "parser/scanner_allocator.h"

#include <malloc.h>

#include <cstdlib>

namespace {

/// A block and how many bytes it can hold.
struct Block {
  void* at = nullptr;
  size_t size = 0;
};

/// This thread's blocks: the last two the scanner freed (its indent stack and its string
/// delimiters), and the last two it was given, whose sizes are then known without asking the C
/// library.
struct ScannerBlocks {
  Block freed[2];
  Block given[2];
  bool releases = false;  ///< whether `release` is set up on this thread
  bool released = false;  ///< `release` has run: the thread is ending, nothing more is kept
};

constinit thread_local ScannerBlocks blocks;

/// Frees the thread's kept blocks when the thread ends. The thread's parser (and its scanner)
/// may be destroyed after this: what it frees then goes straight to the C library.
struct Release {
  ~Release() {
    for (Block& b : blocks.freed) {
      std::free(b.at);
      b = {};
    }
    blocks.released = true;
  }
};

thread_local Release release;

void* Given(void* at, size_t size) {
  blocks.given[1] = blocks.given[0];
  blocks.given[0] = {at, size};
  return at;
}

}  // namespace

extern "C" {

void* dagport_scanner_realloc(void* block, size_t size) {
  if (block == nullptr) {
    for (Block& b : blocks.freed) {
      if (b.at == nullptr || b.size < size) continue;
      const Block reused = b;
      b = {};
      return Given(reused.at, reused.size);
    }
  }
  void* allocated = std::realloc(block, size);
  return allocated != nullptr ? Given(allocated, size) : nullptr;
}

void* dagport_scanner_malloc(size_t size) {
  return dagport_scanner_realloc(nullptr, size);
}

void* dagport_scanner_calloc(size_t count, size_t size) {
  return std::calloc(count, size);
}

void dagport_scanner_free(void* block) {
  if (block == nullptr) return;
  if (blocks.released) {
    std::free(block);
    return;
  }
  for (Block& b : blocks.freed) {
    if (b.at != nullptr) continue;
    if (!blocks.releases) {
      (void)&release;  // its destructor runs when the thread ends
      blocks.releases = true;
    }
    size_t size = 0;
    if (block == blocks.given[0].at) {
      size = blocks.given[0].size;
    } else if (block == blocks.given[1].at) {
      size = blocks.given[1].size;
    } else {
      size = malloc_usable_size(block);
    }
    b = {block, size};
    return;
  }
  std::free(block);
}

}  // extern "C"
