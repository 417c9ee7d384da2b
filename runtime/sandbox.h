#pragma once
/// Where a task's command runs: bubblewrap when present (read-only root, a private writable
/// workspace, a private /tmp, no network unless allowed, its own PID namespace, dies with
/// dagport), else `unshare`, else a plain process group. Each try gets its own sandbox; the
/// whole process tree is killed at its timeout.

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dagport::runtime {

enum class Isolation { kBwrap, kUnshare, kProcess };

std::string_view IsolationName(Isolation i);
/// The absolute path of `program` on dagport's PATH; empty when it is not there.
std::string FindOnPath(const std::string& program);
/// "auto" picks the strongest available; nullopt for an unknown name or one not available here
/// (`why` says which).
std::optional<Isolation> ChooseIsolation(const std::string& name, std::string* why);

struct SandboxSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env;  ///< NAME=value, the whole environment of the command
  std::string workspace;         ///< writable folder, the working directory
  std::string log_path;          ///< stdout and stderr go here
  bool allow_network = false;
  /// bwrap only: folders the command sees empty (dagport's home: other tries' workspaces,
  /// logs, the state file); read_only_binds and the workspace may lie below them.
  std::vector<std::string> hidden;
  std::vector<std::string> read_only_binds;  ///< extra folders visible read-only (a venv)
  /// bwrap only: a folder shown read-only at /usr/local/airflow/dags, where the images of
  /// container tasks (and MWAA's workers) have the DAG folder; empty: none.
  std::string airflow_dags;
  size_t memory_limit_mb = 0;  ///< address-space limit of the command (RLIMIT_AS); 0 none
  /// The processes its user may have (RLIMIT_NPROC, which root is exempt from); 0 none.
  size_t process_rlimit = 0;
  /// `cgroup.procs` files the command joins before it execs (CgroupLimits::AddTry).
  std::vector<std::string> cgroup_procs;
};

/// A pidfd (Linux 5.3+): readable once the process exits, so that a caller can wait for any of
/// several processes with poll(). -1 when the kernel has none. Move-only; closed with it.
class ExitFd {
 public:
  ExitFd() = default;
  explicit ExitFd(pid_t pid);
  ExitFd(ExitFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  ExitFd& operator=(ExitFd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ExitFd(const ExitFd&) = delete;
  ExitFd& operator=(const ExitFd&) = delete;
  ~ExitFd();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

/// A started command.
struct Sandboxed {
  pid_t pid = -1;  ///< leader of its own process group
  ExitFd exited;   ///< readable once it has exited
};

/// Starts the command; throws std::runtime_error when it cannot be started.
Sandboxed Start(const SandboxSpec& spec, Isolation isolation);

/// Kills the command's whole process group.
void KillTree(const Sandboxed& s);

/// The argument vector that runs `spec` under `isolation` (exposed for tests).
std::vector<std::string> WrappedArgv(const SandboxSpec& spec, Isolation isolation);

}  // namespace dagport::runtime
