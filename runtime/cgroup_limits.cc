#include "runtime/cgroup_limits.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 2> kControllers = {"memory", "pids"};

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

/// The number after `key` in a flat keyed file (`oom_kill 3`, `max 12`); 0 when absent.
long long KeyedValue(const fs::path& path, const std::string& key) {
  std::istringstream in(ReadText(path));
  std::string name;
  long long value = 0;
  while (in >> name >> value)
    if (name == key) return value;
  return 0;
}

struct Mount {
  std::string root, point, type;
  std::vector<std::string> options;
};

std::vector<Mount> CgroupMounts() {
  std::vector<Mount> mounts;
  std::istringstream in(ReadText("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(in, line)) {
    // ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS
    const std::vector<std::string> f = Split(line, ' ');
    const auto dash = std::find(f.begin(), f.end(), "-");
    if (f.size() < 5 || dash == f.end() || std::distance(dash, f.end()) < 4) continue;
    const std::string type = *(dash + 1);
    if (type != "cgroup" && type != "cgroup2") continue;
    mounts.push_back({f[3], f[4], type, Split(*(dash + 3), ',')});
  }
  return mounts;
}

/// The folder of this process's cgroup in `mount`, from /proc/self/cgroup's `path`.
std::string OwnFolder(const Mount& mount, std::string path) {
  if (mount.root != "/" && path.starts_with(mount.root)) path = path.substr(mount.root.size());
  return (fs::path(mount.point) / fs::path(path).relative_path()).lexically_normal().string();
}

/// Removes the empty dagport-<pid> folders of dagport processes that no longer run.
void RemoveStale(const fs::path& parent) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("dagport-")) continue;
    const pid_t pid = static_cast<pid_t>(std::atoi(name.c_str() + 8));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    for (const auto& child : fs::directory_iterator(entry.path(), ec))
      if (child.is_directory()) ::rmdir(child.path().c_str());
    ::rmdir(entry.path().c_str());
  }
}

/// Kills every process of the cgroup `folder` and removes it; a few rounds, as killed
/// processes leave it once the kernel has reaped them.
void Empty(const fs::path& folder) {
  for (int round = 0; round < 200; ++round) {
    std::istringstream procs(ReadText(folder / "cgroup.procs"));
    bool any = false;
    for (pid_t pid = 0; procs >> pid;) {
      any = true;
      ::kill(pid, SIGKILL);
    }
    if (!any && ::rmdir(folder.c_str()) == 0) return;
    if (!any && errno == ENOENT) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::unique_ptr<CgroupLimits> CgroupLimits::Create(std::string* why) {
  const std::vector<Mount> mounts = CgroupMounts();
  std::map<std::string, std::string> own;  // controllers (v1 "memory", v2 "") -> path
  {
    std::istringstream in(ReadText("/proc/self/cgroup"));
    std::string line;
    while (std::getline(in, line)) {
      const size_t a = line.find(':'), b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      for (const std::string& c : Split(line.substr(a + 1, b - a - 1), ','))
        own[c] = line.substr(b + 1);
      if (b == a + 1) own[""] = line.substr(b + 1);
    }
  }
  const std::string self = fmt::format("dagport-{}", ::getpid());
  std::vector<Hierarchy> hierarchies;
  std::vector<std::string> missing;
  // cgroup v1: a writable hierarchy per controller.
  for (const char* controller : kControllers) {
    const auto mount = std::find_if(mounts.begin(), mounts.end(), [&](const Mount& m) {
      return m.type == "cgroup" &&
             std::find(m.options.begin(), m.options.end(), controller) != m.options.end();
    });
    if (mount == mounts.end() || !own.contains(controller)) {
      missing.push_back(controller);
      continue;
    }
    const fs::path parent = OwnFolder(*mount, own[controller]);
    RemoveStale(parent);
    const fs::path folder = parent / self;
    if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
      *why = fmt::format("cannot create {}: {}", folder.string(), std::strerror(errno));
      for (const Hierarchy& h : hierarchies) ::rmdir(h.folder.c_str());
      return nullptr;
    }
    hierarchies.push_back({1, {controller}, folder.string()});
  }
  if (missing.empty()) return std::unique_ptr<CgroupLimits>(new CgroupLimits(hierarchies));
  for (const Hierarchy& h : hierarchies) ::rmdir(h.folder.c_str());
  hierarchies.clear();

  // cgroup v2: the controllers enabled for the children of dagport's cgroup, then of its own.
  const auto unified = std::find_if(mounts.begin(), mounts.end(),
                                    [](const Mount& m) { return m.type == "cgroup2"; });
  if (unified == mounts.end() || !own.contains("")) {
    *why = fmt::format("no cgroup hierarchy with the {} controller", fmt::join(missing, " and "));
    return nullptr;
  }
  const fs::path parent = OwnFolder(*unified, own[""]);
  std::string text = ReadText(parent / "cgroup.controllers");
  text.erase(std::remove(text.begin(), text.end(), '\n'), text.end());
  const std::vector<std::string> available = Split(text, ' ');
  for (const char* controller : kControllers) {
    if (std::find(available.begin(), available.end(), controller) == available.end()) {
      *why = fmt::format("the cgroup v2 controller {} is not available in {}", controller,
                         parent.string());
      return nullptr;
    }
  }
  RemoveStale(parent);
  if (!WriteText(parent / "cgroup.subtree_control", "+memory +pids")) {
    *why = fmt::format(
        "cannot enable the memory and pids controllers in {} (it holds processes; run dagport "
        "in a delegated cgroup, for example with systemd-run --user --scope -p Delegate=yes)",
        parent.string());
    return nullptr;
  }
  const fs::path folder = parent / self;
  if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
    *why = fmt::format("cannot create {}: {}", folder.string(), std::strerror(errno));
    return nullptr;
  }
  if (!WriteText(folder / "cgroup.subtree_control", "+memory +pids")) {
    ::rmdir(folder.c_str());
    *why = fmt::format("cannot enable the memory and pids controllers in {}", folder.string());
    return nullptr;
  }
  hierarchies.push_back({2, {"memory", "pids"}, folder.string()});
  return std::unique_ptr<CgroupLimits>(new CgroupLimits(hierarchies));
}

CgroupLimits::~CgroupLimits() {
  for (const std::string& name : std::vector<std::string>(tries_)) FinishTry(name);
  for (const Hierarchy& h : hierarchies_) ::rmdir(h.folder.c_str());
}

std::string CgroupLimits::Description() const {
  if (!hierarchies_.empty() && hierarchies_[0].version == 2) return "cgroup v2";
  return "cgroup v1 (memory, pids)";
}

std::vector<std::string> CgroupLimits::AddTry(const std::string& name, size_t memory_mb,
                                              size_t processes) {
  std::vector<std::string> procs;
  tries_.push_back(name);
  for (const Hierarchy& h : hierarchies_) {
    const fs::path folder = fs::path(h.folder) / name;
    if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST)
      throw std::runtime_error(
          fmt::format("cannot create the cgroup {}: {}", folder.string(), std::strerror(errno)));
    auto limit = [&](const char* file, const std::string& value) {
      if (!WriteText(folder / file, value))
        throw std::runtime_error(
            fmt::format("cannot write {} to {}", value, (folder / file).string()));
    };
    const bool memory =
        std::find(h.controllers.begin(), h.controllers.end(), "memory") != h.controllers.end();
    const bool pids =
        std::find(h.controllers.begin(), h.controllers.end(), "pids") != h.controllers.end();
    const std::string bytes = std::to_string(static_cast<unsigned long long>(memory_mb) << 20);
    if (memory && memory_mb > 0) {
      limit(h.version == 2 ? "memory.max" : "memory.limit_in_bytes", bytes);
      if (h.version == 2) WriteText(folder / "memory.swap.max", "0");  // no swapping past it
    }
    if (pids && processes > 0) limit("pids.max", std::to_string(processes));
    procs.push_back((folder / "cgroup.procs").string());
  }
  return procs;
}

CgroupLimits::Outcome CgroupLimits::FinishTry(const std::string& name) {
  Outcome outcome;
  for (const Hierarchy& h : hierarchies_) {
    const fs::path folder = fs::path(h.folder) / name;
    for (const std::string& c : h.controllers) {
      if (c == "memory") {
        // v1 counts OOM kills in memory.oom_control (Linux 4.13+), v2 in memory.events.
        outcome.out_of_memory =
            outcome.out_of_memory ||
            KeyedValue(folder / (h.version == 2 ? "memory.events" : "memory.oom_control"),
                       "oom_kill") > 0;
      }
      if (c == "pids")
        outcome.process_limit = outcome.process_limit || KeyedValue(folder / "pids.events", "max");
    }
    Empty(folder);
  }
  tries_.erase(std::remove(tries_.begin(), tries_.end(), name), tries_.end());
  return outcome;
}

size_t ProcessesOfUser(uid_t uid) {
  size_t count = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) == 0 && st.st_uid == uid) ++count;
  }
  return count;
}

bool JoinCgroups(const int* fds, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (::write(fds[i], "0", 1) != 1) return false;
  }
  return true;
}

}  // namespace dagport::runtime
