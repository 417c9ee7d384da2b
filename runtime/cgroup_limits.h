#pragma once
/// Per-try limits the kernel enforces on a try's whole process tree, through cgroups:
///   - `--max-processes N`: the pids controller's `pids.max` (a fork bomb stops at N);
///   - `--memory-limit MB`: the memory controller's limit on the tree's memory (not each
///     process's address space, as RLIMIT_AS limits it), with the kernel's OOM kills counted.
/// A try's cgroup also finds what it left behind, even a daemon that left its process group:
/// it is killed when the try ends.
///
/// Used when dagport may create cgroups: cgroup v1 `memory` and `pids` hierarchies it can write
/// (root, most containers), or a cgroup v2 tree where its cgroup can enable the controllers for
/// children (the root of a cgroup namespace, or a delegated one). Elsewhere Create says why, and
/// the runtime falls back to rlimits (docs/runtime.md).

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace dagport::runtime {

class CgroupLimits {
 public:
  /// dagport's own cgroup folder under each controller (dagport-<pid>), for the tries of this
  /// process; nullptr with `why` when cgroups cannot be used here. Empty folders left by a
  /// dagport that was killed are removed.
  static std::unique_ptr<CgroupLimits> Create(std::string* why);
  ~CgroupLimits();  ///< kills what is left in the tries' cgroups, removes every folder
  CgroupLimits(const CgroupLimits&) = delete;
  CgroupLimits& operator=(const CgroupLimits&) = delete;

  /// "cgroup v1 (memory, pids)" or "cgroup v2".
  std::string Description() const;

  /// Makes the cgroup of one try with these limits (0: none) and returns the `cgroup.procs`
  /// files the try's first process joins (writing "0") before it execs. Throws
  /// std::runtime_error naming the file when a folder or limit cannot be written.
  std::vector<std::string> AddTry(const std::string& name, size_t memory_mb, size_t processes);

  struct Outcome {
    bool out_of_memory = false;  ///< the kernel's OOM killer killed a process of the try
    bool process_limit = false;  ///< a fork failed at pids.max
  };
  /// Once the try's first process has exited: what the kernel counted, then every process
  /// still in the try's cgroup killed, and its folders removed.
  Outcome FinishTry(const std::string& name);

 private:
  struct Hierarchy {
    int version = 1;
    std::vector<std::string> controllers;  ///< v1: those of this hierarchy that are used
    std::string folder;                    ///< dagport's: <mount><own cgroup>/dagport-<pid>
  };
  explicit CgroupLimits(std::vector<Hierarchy> hierarchies)
      : hierarchies_(std::move(hierarchies)) {}
  std::vector<Hierarchy> hierarchies_;
  std::vector<std::string> tries_;  ///< names not finished yet
};

/// How many processes user `uid` runs now (for RLIMIT_NPROC, which counts them all).
size_t ProcessesOfUser(uid_t uid);

/// Writes "0" to each open `cgroup.procs` descriptor: the calling process joins those cgroups.
/// Only system calls, so that a child may call it between vfork and exec; false on a failure.
bool JoinCgroups(const int* fds, size_t count);

}  // namespace dagport::runtime
