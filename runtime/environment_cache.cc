#include "runtime/environment_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "converters/containers/container_plan.h"
#include "runtime/sandbox.h"

extern char** environ;

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMarker = ".dagport-environment.json";

/// Runs `argv` with dagport's environment (the user's pip configuration included) in dagport's
/// working folder, its output appended to `log`, started as a try is (runtime/sandbox's Start,
/// as a plain process); the exit code, or -1 when it could not start.
int RunLogged(const std::vector<std::string>& argv, const std::string& log) {
  SandboxSpec spec;
  spec.argv = argv;
  for (char** e = environ; *e != nullptr; ++e) spec.env.emplace_back(*e);
  spec.env.emplace_back("PIP_DISABLE_PIP_VERSION_CHECK=1");
  spec.env.emplace_back("PIP_NO_INPUT=1");
  spec.workspace = ".";
  spec.log_path = log;
  Sandboxed process;
  try {
    process = Start(spec, Isolation::kProcess);
  } catch (const std::runtime_error&) {
    return -1;
  }
  int status = 0;
  while (waitpid(process.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// An exclusive lock on a file, released when it goes.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) {
      while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

std::string PipFailure(const std::string& log_text) {
  std::istringstream lines(log_text);
  std::string line, last_error;
  std::string not_found, invalid;
  while (std::getline(lines, line)) {
    if (!line.starts_with("ERROR:")) continue;
    last_error = line.substr(7);
    static constexpr std::string_view kSatisfies = "satisfies the requirement ";
    static constexpr std::string_view kNoMatch = "No matching distribution found for ";
    static constexpr std::string_view kInvalid = "Invalid requirement: ";
    if (size_t at = line.find(kSatisfies); at != std::string::npos && not_found.empty()) {
      std::string rest = line.substr(at + kSatisfies.size());
      const size_t paren = rest.find(" (");
      not_found = fmt::format("'{}': no version of it can be found{}", rest.substr(0, paren),
                              paren == std::string::npos ? "" : " " + rest.substr(paren + 1));
    } else if (size_t no_match = line.find(kNoMatch);
               no_match != std::string::npos && not_found.empty()) {
      not_found = fmt::format("'{}': no version of it can be found",
                              line.substr(no_match + kNoMatch.size()));
    } else if (size_t bad = line.find(kInvalid); bad != std::string::npos) {
      invalid = fmt::format("{} is not a valid requirement", line.substr(bad + kInvalid.size()));
    }
  }
  if (!invalid.empty()) return invalid;
  if (!not_found.empty()) return not_found;
  return last_error;
}

std::pair<std::string, std::string> EnvironmentCache::Interpreter(const std::string& version) {
  if (auto it = interpreters_.find(version); it != interpreters_.end()) return it->second;
  std::string path = FindOnPath("python" + version);
  if (path.empty()) path = FindOnPath("python3");
  std::string actual;
  if (!path.empty()) {
    const std::string command =
        "'" + path + "' -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null";
    if (FILE* p = ::popen(command.c_str(), "r")) {
      char buffer[64] = {};
      if (std::fgets(buffer, sizeof buffer, p) != nullptr) actual = buffer;
      ::pclose(p);
    }
    while (!actual.empty() && (actual.back() == '\n' || actual.back() == '\r')) actual.pop_back();
  }
  if (actual.empty()) path.clear();
  return interpreters_[version] = {path, actual};
}

BuiltEnvironment EnvironmentCache::Ensure(const ContainerEnvironment& environment) {
  BuiltEnvironment built;
  const auto [python, version] = Interpreter(environment.python_version);
  if (python.empty()) {
    built.error = fmt::format(
        "no Python to build the environment with: neither python{} nor python3 is on PATH",
        environment.python_version);
    return built;
  }
  built.python = version;
  if (version != environment.python_version) {
    built.note = fmt::format("Python {} is not installed here: built with Python {}",
                             environment.python_version, version);
  }
  built.id = "env-" + converters::containers::EnvironmentId(version, environment.requirements);
  std::error_code ec;
  fs::create_directories(folder_, ec);
  const fs::path path = fs::absolute(fs::path(folder_) / built.id, ec);
  built.log = path.string() + ".log";
  FileLock lock(path.string() + ".lock");
  if (!lock.held()) {
    built.error = fmt::format("cannot write to the environment cache {}", folder_);
    return built;
  }
  if (fs::is_regular_file(path / kMarker, ec)) {
    built.path = path.string();
    return built;
  }
  const auto started = std::chrono::steady_clock::now();
  built.built_now = true;
  fs::remove_all(path, ec);  // an interrupted build
  fs::remove(built.log, ec);
  if (RunLogged({python, "-m", "venv", path.string()}, built.log) != 0) {
    fs::remove_all(path, ec);
    built.error = fmt::format(
        "python{} -m venv failed (on Debian the python3-venv package provides it); log: {}",
        version, built.log);
    return built;
  }
  if (!environment.requirements.empty()) {
    const std::string requirements = (path / "requirements.txt").string();
    {
      std::ofstream out(requirements);
      for (const std::string& r : environment.requirements) out << r << "\n";
    }
    const std::string venv_python = (path / "bin" / "python").string();
    if (RunLogged({venv_python, "-m", "pip", "install", "--no-input", "-r", requirements},
                  built.log) != 0) {
      fs::remove_all(path, ec);
      const std::string failure = PipFailure(ReadAll(built.log));
      built.error = fmt::format("pip could not install {}; log: {}",
                                failure.empty() ? "the requirements" : failure, built.log);
      return built;
    }
  }
  nlohmann::ordered_json marker;
  marker["python"] = version;
  marker["requirements"] = environment.requirements;
  {
    std::ofstream out(path / kMarker);
    out << marker.dump(2) << "\n";
    if (!out.flush()) {
      fs::remove_all(path, ec);
      built.error = fmt::format("cannot write to the environment cache {}", folder_);
      return built;
    }
  }
  built.path = path.string();
  built.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return built;
}

}  // namespace dagport::runtime
