#include "tests/test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

extern char** environ;

namespace dagport::testing {

namespace fs = std::filesystem;

fs::path SourceDir() {
  return DAGPORT_SOURCE_DIR;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& path, std::string_view text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("dagport-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore permissions a test may have removed so that everything can be deleted.
  for (auto it = fs::recursive_directory_iterator(
           path_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_symlink())
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

fs::path TempDir::Write(const std::string& relative, std::string_view text) const {
  fs::path p = path_ / relative;
  WriteFile(p, text);
  return p;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const fs::path golden = SourceDir() / "tests" / "golden" / name;
  const char* update = std::getenv("DAGPORT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    WriteFile(golden, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << "missing golden file " << golden
                                  << " (run the test with DAGPORT_UPDATE_GOLDEN=1 to create it)";
  const std::string expected = ReadFile(golden);
  if (expected == actual) return;
  TempDir tmp;
  const fs::path actual_file = tmp.Write("actual", actual);
  CommandResult diff;
  std::string cmd = "diff -u '" + golden.string() + "' '" + actual_file.string() + "' 2>&1";
  std::string text;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    pclose(p);
  }
  ADD_FAILURE() << "output differs from golden file " << golden << ":\n" << text;
}

namespace {

/// Starts the dagport binary with `args`, standard input from /dev/null, standard output and
/// error to `out` and `err` (truncated), in folder `cwd` (empty: the current one), with the
/// environment `envp`; its pid, or -1 when it cannot start.
pid_t SpawnDagport(const std::vector<std::string>& args, const fs::path& out, const fs::path& err,
                   const fs::path& cwd, char* const* envp) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> argv{const_cast<char*>(DAGPORT_BINARY)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawn(&pid, DAGPORT_BINARY, &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  return failed == 0 ? pid : -1;
}

}  // namespace

pid_t StartDagport(const std::vector<std::string>& args) {
  return SpawnDagport(args, "/dev/null", "/dev/null", {}, environ);
}

CommandResult RunDagport(const std::vector<std::string>& args, const fs::path& cwd,
                         const std::vector<std::string>& env) {
  TempDir tmp;
  const fs::path out_file = tmp.path() / "stdout";
  const fs::path err_file = tmp.path() / "stderr";
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const std::string& o : env)
      overridden |= std::string_view(o).substr(0, o.find('=')) == name;
    if (!overridden) env_storage.emplace_back(entry);
  }
  env_storage.insert(env_storage.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  CommandResult result;
  const pid_t pid = SpawnDagport(args, out_file, err_file, cwd, envp.data());
  if (pid > 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = ReadFile(out_file);
  result.err = ReadFile(err_file);
  return result;
}

}  // namespace dagport::testing
