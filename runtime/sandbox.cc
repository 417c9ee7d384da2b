#include "runtime/sandbox.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "runtime/cgroup_limits.h"

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

bool OnPath(const char* program) {
  return !FindOnPath(program).empty();
}

/// Whether bwrap can make namespaces here with the arguments a task gets (it cannot in some
/// containers, where mounting /proc fails).
bool BwrapWorks() {
  static const bool works = [] {
    if (!OnPath("bwrap")) return false;
    SandboxSpec probe;
    probe.argv = {"true"};
    probe.workspace = "/";
    std::string command;
    for (const std::string& a : WrappedArgv(probe, Isolation::kBwrap)) command += "'" + a + "' ";
    return std::system((command + ">/dev/null 2>&1").c_str()) == 0;
  }();
  return works;
}

bool UnshareWorks() {
  static const bool works = [] {
    if (!OnPath("unshare")) return false;
    return std::system("unshare --pid --fork --kill-child true >/dev/null 2>&1") == 0;
  }();
  return works;
}

/// Shows `folder` at /usr/local/airflow/dags. The root is read-only, so when the host has no
/// /usr/local/airflow the sandbox gets a /usr/local of its own: a tmpfs holding the host's
/// entries (read-only) and the DAG folder, made read-only in turn.
void AddAirflowDags(const std::string& folder, std::vector<std::string>* argv) {
  constexpr const char* kTarget = "/usr/local/airflow/dags";
  std::error_code ec;
  if (fs::is_directory(kTarget, ec)) {
    argv->insert(argv->end(), {"--ro-bind", folder, kTarget});
    return;
  }
  argv->insert(argv->end(), {"--tmpfs", "/usr/local"});
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/local", ec)) {
    const std::string path = entry.path().string();
    if (entry.path().filename() == "airflow") continue;
    if (entry.is_symlink(ec)) {
      argv->insert(argv->end(), {"--symlink", fs::read_symlink(entry.path(), ec).string(), path});
    } else {
      argv->insert(argv->end(), {"--ro-bind", path, path});
    }
  }
  argv->insert(argv->end(), {"--ro-bind", folder, kTarget, "--remount-ro", "/usr/local"});
}

}  // namespace

std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t at = 0;
  while (at <= dirs.size()) {
    const size_t colon = dirs.find(':', at);
    const std::string dir =
        dirs.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
    std::string candidate = dir + "/" + program;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  return {};
}

std::string_view IsolationName(Isolation i) {
  switch (i) {
    case Isolation::kBwrap: return "bwrap";
    case Isolation::kUnshare: return "unshare";
    case Isolation::kProcess: return "process";
  }
  return "process";
}

std::optional<Isolation> ChooseIsolation(const std::string& name, std::string* why) {
  if (name == "auto") {
    if (BwrapWorks()) return Isolation::kBwrap;
    if (UnshareWorks()) return Isolation::kUnshare;
    return Isolation::kProcess;
  }
  if (name == "bwrap") {
    if (BwrapWorks()) return Isolation::kBwrap;
    *why = "bubblewrap (bwrap) is not installed or cannot create namespaces here";
    return std::nullopt;
  }
  if (name == "unshare") {
    if (UnshareWorks()) return Isolation::kUnshare;
    *why = "unshare cannot create a PID namespace here";
    return std::nullopt;
  }
  if (name == "process") return Isolation::kProcess;
  *why = "--isolation takes auto, bwrap, unshare or process";
  return std::nullopt;
}

std::vector<std::string> WrappedArgv(const SandboxSpec& spec, Isolation isolation) {
  std::vector<std::string> argv;
  switch (isolation) {
    case Isolation::kBwrap: {
      // Read-only root; private /tmp, /run and /var/tmp (no host sockets such as
      // /run/docker.sock); no capabilities, even as root (no remounting the root writable).
      argv = {"bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"};
      for (const char* dir : {"/tmp", "/run", "/var/tmp"})
        argv.insert(argv.end(), {"--tmpfs", dir});
      argv.insert(argv.end(), {"--cap-drop", "ALL", "--unshare-pid", "--unshare-ipc",
                               "--unshare-uts", "--die-with-parent", "--new-session"});
      if (!spec.allow_network) argv.push_back("--unshare-net");
      // Read-only folders first: the writable workspace may lie below one of them.
      for (const std::string& dir : spec.hidden) argv.insert(argv.end(), {"--tmpfs", dir});
      if (!spec.airflow_dags.empty()) AddAirflowDags(spec.airflow_dags, &argv);
      for (const std::string& dir : spec.read_only_binds)
        argv.insert(argv.end(), {"--ro-bind", dir, dir});
      argv.insert(argv.end(),
                  {"--bind", spec.workspace, spec.workspace, "--chdir", spec.workspace, "--"});
      break;
    }
    case Isolation::kUnshare:
      argv = {"unshare", "--pid", "--fork", "--kill-child", "--mount-proc"};
      if (!spec.allow_network) argv.push_back("--net");
      argv.push_back("--");
      break;
    case Isolation::kProcess: break;
  }
  argv.insert(argv.end(), spec.argv.begin(), spec.argv.end());
  return argv;
}

Sandboxed Start(const SandboxSpec& spec, Isolation isolation) {
  const std::vector<std::string> args = WrappedArgv(spec, isolation);
  // Everything the child needs is prepared here: after vfork it may only make system calls.
  std::string program = args.front();
  if (program.find('/') == std::string::npos) {
    program = FindOnPath(program);
    if (program.empty()) {
      throw std::runtime_error(fmt::format("cannot start {}: not found on PATH", args.front()));
    }
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int log = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error(fmt::format("cannot write the log {}", spec.log_path));
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<int> cgroups;
  for (const std::string& procs : spec.cgroup_procs) {
    const int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      for (int c : cgroups) ::close(c);
      ::close(log);
      if (null >= 0) ::close(null);
      throw std::runtime_error(fmt::format("cannot join the cgroup {}", procs));
    }
    cgroups.push_back(fd);
  }
  const rlim_t processes = static_cast<rlim_t>(spec.process_rlimit);
  const rlim_t memory_bytes = static_cast<rlim_t>(spec.memory_limit_mb) * 1024 * 1024;
  const pid_t parent = getpid();
  // No signal handler may run in the child while it shares dagport's memory.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  // vfork: the child borrows dagport's memory until it execs, so starting a try costs no copy
  // of dagport's page tables (fork's cost grows with dagport's size).
  const pid_t pid = vfork();
  if (pid == 0) {
    // Child: its own process group, dies with dagport, output to the log, in its cgroups.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    if (!JoinCgroups(cgroups.data(), cgroups.size())) {
      static constexpr char kMessage[] = "dagport: cannot join the try's cgroup\n";
      (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
      _exit(125);
    }
    if (null >= 0) dup2(null, STDIN_FILENO);
    // Nothing of dagport's (the state file, an events file) reaches the task.
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {  // Linux < 5.9: one by one
      for (int fd = 3; fd < 1024; ++fd) ::close(fd);
    }
    if (chdir(spec.workspace.c_str()) != 0) _exit(126);
    rlimit core{0, 0};
    setrlimit(RLIMIT_CORE, &core);
    if (memory_bytes > 0) {
      rlimit memory{memory_bytes, memory_bytes};
      setrlimit(RLIMIT_AS, &memory);
    }
    if (processes > 0) {
      rlimit count{processes, processes};
      setrlimit(RLIMIT_NPROC, &count);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(log);
  if (null >= 0) ::close(null);
  for (int c : cgroups) ::close(c);
  if (pid < 0) throw std::runtime_error("cannot start a process (vfork failed)");
  setpgid(pid, pid);
  return {pid, ExitFd(pid)};
}

ExitFd::ExitFd(pid_t pid) : fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}

ExitFd::~ExitFd() {
  if (fd_ >= 0) ::close(fd_);
}

void KillTree(const Sandboxed& s) {
  if (s.pid > 0) kill(-s.pid, SIGKILL);
}

}  // namespace dagport::runtime
