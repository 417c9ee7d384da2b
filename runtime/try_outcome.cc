#include "runtime/try_outcome.h"

#include <sys/wait.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace dagport::runtime {

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::pair<sched::TiState, std::string> InterpretExit(const TryExit& exit) {
  const int code = ExitCode(exit.status);
  sched::TiState outcome = code == 0 ? sched::TiState::kSuccess : sched::TiState::kFailed;
  std::string note;
  if (exit.timed_out) {
    note = fmt::format("execution_timeout of {} s: the process tree was killed",
                       exit.execution_timeout_ms / 1000);
  } else if (code != 0 && std::find(exit.skip_exit_codes.begin(), exit.skip_exit_codes.end(),
                                    code) != exit.skip_exit_codes.end()) {
    outcome = sched::TiState::kSkipped;
    note = fmt::format("exit code {}: skipped", code);
  } else if (code != 0 && exit.out_of_memory) {
    note = fmt::format("{}: out of memory, the kernel killed it at {}, log {}",
                       ExitReason(exit.status, 0), exit.memory_limit, exit.log);
  } else if (code != 0) {
    note = fmt::format("{}{}, log {}", ExitReason(exit.status, exit.memory_limit_mb),
                       OutOfMemory(exit.log, exit.memory_limit_mb), exit.log);
  }
  if (code != 0 && exit.process_limit)
    note += fmt::format("; it reached --max-processes {} (a fork failed)", exit.max_processes);
  return {outcome, note};
}

std::string ExitReason(int status, size_t memory_limit_mb) {
  auto name = [](int signal) {
    const char* abbrev = sigabbrev_np(signal);
    return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", signal);
  };
  std::string reason;
  if (WIFSIGNALED(status)) {
    reason = fmt::format("killed by {} (signal {})", name(WTERMSIG(status)), WTERMSIG(status));
  } else {
    const int code = WEXITSTATUS(status);
    reason = fmt::format("exit code {}", code);
    if (code > 128 && code < 128 + 32)
      reason += fmt::format(" (a command killed by {})", name(code - 128));
  }
  const bool memory_signal = reason.find("SIGSEGV") != std::string::npos ||
                             reason.find("SIGABRT") != std::string::npos ||
                             reason.find("SIGKILL") != std::string::npos;
  if (memory_limit_mb > 0 && memory_signal)
    reason += fmt::format("; it may have reached --memory-limit {} MB", memory_limit_mb);
  return reason;
}

std::string OutOfMemory(const std::string& log, size_t memory_limit_mb) {
  if (memory_limit_mb == 0) return {};
  std::ifstream in(log, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  if (size <= 0) return {};
  const std::streamoff from = std::max<std::streamoff>(0, size - 4096);
  in.seekg(from);
  std::string tail(static_cast<size_t>(size - from), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  for (const char* marker :
       {"MemoryError", "xmalloc", "std::bad_alloc", "Cannot allocate memory", "out of memory"}) {
    if (tail.find(marker) != std::string::npos) {
      return fmt::format("; out of memory under --memory-limit {} MB ({} in the log)",
                         memory_limit_mb, marker);
    }
  }
  return {};
}

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  last.erase(last.find_last_not_of(" \t\r\n\v\f") + 1);
  return last;
}

}  // namespace dagport::runtime
