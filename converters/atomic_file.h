#pragma once
/// Writing output files so that a reader (or a crash) never sees half of one: the contents go
/// to a temporary file in the same folder, which is flushed to disk and renamed over the target.

#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace dagport::converters {

/// Creates the parent folders as needed. Throws std::runtime_error naming the path and the
/// reason; the target is then unchanged and no temporary file is left behind.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view contents);

/// Writes many files so that each appears whole or not at all, with one flush to disk for all:
/// Stage() writes a temporary file beside each target; Commit() flushes them with one sync() and
/// renames each over its target, in the targets' order. Whatever is staged but not committed is
/// removed on destruction (an error part-way leaves the targets as they were). Stage() may be
/// called from several threads at once (the files are written in parallel).
class AtomicWriteBatch {
 public:
  AtomicWriteBatch() = default;
  AtomicWriteBatch(const AtomicWriteBatch&) = delete;
  AtomicWriteBatch& operator=(const AtomicWriteBatch&) = delete;
  ~AtomicWriteBatch();

  /// Creates the parent folders as needed. Throws std::runtime_error naming the path.
  void Stage(const std::filesystem::path& path, std::string_view contents);
  /// The targets that could not be renamed into place, with the reason.
  std::vector<std::pair<std::string, std::string>> Commit();

 private:
  std::mutex mu_;  // guards staged_ and folders_
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, target
  std::set<std::filesystem::path> folders_;  // created (or found) already
};

/// The whole file as bytes. Throws std::runtime_error naming the path.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace dagport::converters
