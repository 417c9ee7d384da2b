#pragma once
/// glibc's allocator keeps at most 7 freed blocks of each size per thread (its tcache); past
/// that, every free and malloc goes through the arena's bins. dagport frees a whole syntax tree
/// and a file's evaluation at once, then allocates the next file's: thousands of same-sized
/// blocks. With a larger per-thread cache (10,000 blocks) those blocks are reused directly (-7%
/// instructions on `inspect`; bench/ and docs/performance.md). It costs little memory because
/// each file's IR is freed on the worker thread that built it (ProjectOptions::rendered_only):
/// 43 MB at -j 2 on 10,000 files, against 133 MB when the writing thread freed it.
///
/// glibc reads its tunables only when a process starts, so `TuneAllocator` re-executes dagport
/// once with `GLIBC_TUNABLES` extended; the re-executed process puts the variable back as it
/// was, so that the tasks `dagport run` starts see the user's environment. Nothing happens when
/// DAGPORT_NO_MALLOC_TUNING is set, when the user already sets the tcache size, in sanitizer
/// builds and under valgrind (their allocator is not glibc's), or when the re-execution fails.

namespace dagport::cli {

/// Call first in main(). Returns only in the process that goes on (the tuned one, or the
/// original when tuning is off or fails).
void TuneAllocator(char** argv);

}  // namespace dagport::cli
