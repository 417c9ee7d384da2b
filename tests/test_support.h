#pragma once
// Helpers shared by dagport's tests: temporary folders, files, golden comparisons, and running
// the real `dagport` binary.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dagport::testing {

/// The source tree (for golden files and test DAG files).
std::filesystem::path SourceDir();

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, std::string_view text);

/// A fresh folder under the system temporary folder, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to `relative` below the folder (creating parents) and returns its path.
  std::filesystem::path Write(const std::string& relative, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

/// Compares `actual` with the golden file `tests/golden/<name>`; with DAGPORT_UPDATE_GOLDEN=1
/// in the environment it rewrites the golden file instead. On a mismatch the test fails with
/// a unified diff.
void ExpectGolden(const std::string& name, const std::string& actual);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs the dagport binary built with this test suite with `args`, in folder `cwd` (empty: the
/// current one), with extra environment variables `env` ("NAME=value").
CommandResult RunDagport(const std::vector<std::string>& args,
                         const std::filesystem::path& cwd = {},
                         const std::vector<std::string>& env = {});

/// Starts the dagport binary with `args` in the background, its output discarded; its pid
/// (-1 when it cannot start). The caller waits for it (or kills it).
pid_t StartDagport(const std::vector<std::string>& args);

}  // namespace dagport::testing
