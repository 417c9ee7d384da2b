#pragma once
/// Writing output files so that a reader (or a crash) never sees half of one: the contents go
/// to a temporary file in the same folder, which is flushed to disk and renamed over the target.

#include <filesystem>
#include <map>
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
///
/// A batch made with an output folder that does not exist yet does better for the files below
/// that folder: they are written under their own names into a staging folder beside it (made
/// when the first of them is staged), and Commit() renames the staging folder to the output
/// folder, so the whole output appears in one step (and an interrupted run leaves no output
/// folder at all). If the output folder is there by then, the files are moved into it one by
/// one. An output folder that exists, even empty (a mount point, a folder with its own owner or
/// permissions), is written file by file. Staging the same path from two threads at once is not
/// supported.
class AtomicWriteBatch {
 public:
  AtomicWriteBatch() = default;
  /// `root`: the output folder the files mostly go to (empty: none).
  explicit AtomicWriteBatch(const std::filesystem::path& root);
  AtomicWriteBatch(const AtomicWriteBatch&) = delete;
  AtomicWriteBatch& operator=(const AtomicWriteBatch&) = delete;
  ~AtomicWriteBatch();

  /// Creates the parent folders as needed. Throws std::runtime_error naming the path.
  void Stage(const std::filesystem::path& path, std::string_view contents);
  /// The targets that could not be renamed into place, with the reason.
  std::vector<std::pair<std::string, std::string>> Commit();
  /// Whether files below the output folder go through a staging folder; for tests.
  bool stages_folder() const { return !root_.empty(); }

 private:
  /// Creates `file`'s folder unless this batch made or found it already; errors name `named`.
  void EnsureFolderOf(const std::filesystem::path& file, const std::filesystem::path& named);

  std::mutex mu_;  // guards staged_, in_root_ and folders_
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, target
  std::set<std::filesystem::path> folders_;  // created (or found) already
  std::filesystem::path root_;               ///< the output folder, when it is staged whole
  std::filesystem::path staging_;            ///< its staging folder, once made
  bool staging_failed_ = false;              ///< it could not be made: file by file
  /// Files staged there, relative to it, with the path the caller named.
  std::map<std::filesystem::path, std::filesystem::path> in_root_;
};

/// The whole file as bytes. Throws std::runtime_error naming the path.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace dagport::converters
