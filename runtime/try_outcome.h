#pragma once
/// What a try's end says, read from its exit status and its log: why it failed, whether it ran
/// out of memory, and a BashOperator's XCom (the last line of its output).

#include <cstddef>
#include <string>

namespace dagport::runtime {

/// Why a try's process ended with a failure: its exit code, or the signal that killed it
/// (named; a shell's 128+N exit code names the signal that killed its command).
std::string ExitReason(int status, size_t memory_limit_mb);

/// "; out of memory ..." when the end of the log shows an allocation that failed under
/// --memory-limit (Python's MemoryError, bash's xmalloc, C++'s bad_alloc, malloc's ENOMEM).
std::string OutOfMemory(const std::string& log, size_t memory_limit_mb);

/// A BashOperator's XCom: the last line of its output, stdout and stderr together, without
/// trailing white space, even when empty (Airflow's SubprocessHook reads both streams through
/// one pipe and keeps the last line it read).
std::string LastLine(const std::string& path);

}  // namespace dagport::runtime
