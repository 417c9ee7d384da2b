#pragma once
/// What a try's end says, read from its exit status and its log: why it failed, whether it ran
/// out of memory, and a BashOperator's XCom (the last line of its output).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sched/dag_run.h"

namespace dagport::runtime {

/// Why a try's process ended with a failure: its exit code, or the signal that killed it
/// (named; a shell's 128+N exit code names the signal that killed its command).
std::string ExitReason(int status, size_t memory_limit_mb);

/// "; out of memory ..." when the end of the log shows an allocation that failed under
/// --memory-limit (Python's MemoryError, bash's xmalloc, C++'s bad_alloc, malloc's ENOMEM).
std::string OutOfMemory(const std::string& log, size_t memory_limit_mb);

/// How a try's process ended, with what the runner knows of it.
struct TryExit {
  int status = 0;                    ///< as waitpid gives it
  bool timed_out = false;            ///< killed at its execution_timeout
  int64_t execution_timeout_ms = 0;  ///< the task's
  std::vector<int> skip_exit_codes;  ///< exit codes that mean "skipped"
  bool out_of_memory = false;        ///< its cgroup's OOM killer killed one of its processes
  bool process_limit = false;        ///< a fork failed at its cgroup's pids.max
  std::string memory_limit;          ///< what its cgroup's memory limit comes from
  std::string log;                   ///< its log file
  size_t memory_limit_mb = 0;        ///< --memory-limit
  size_t max_processes = 0;          ///< --max-processes
};

/// The exit code of a waitpid status; 128 + N for a process killed by signal N.
int ExitCode(int status);

/// Whether the try succeeded, failed or skipped itself, and the note that says why ("" for a
/// plain success).
std::pair<sched::TiState, std::string> InterpretExit(const TryExit& exit);

/// A BashOperator's XCom: the last line of its output, stdout and stderr together, without
/// trailing white space, even when empty (Airflow's SubprocessHook reads both streams through
/// one pipe and keeps the last line it read).
std::string LastLine(const std::string& path);

}  // namespace dagport::runtime
