#include "converters/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "ir/file_bytes.h"

namespace dagport::converters {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void Fail(const fs::path& path, const std::string& what, int error) {
  throw std::runtime_error(
      fmt::format("cannot write {}: {}: {}", path.string(), what, std::strerror(error)));
}

}  // namespace

/// Creates `path`'s folder (and its parents) if it is missing; an error names `named` (the path
/// as the caller knows it), or `path`.
static void CreateFolderOf(const fs::path& path, const fs::path& named = {}) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) Fail(named.empty() ? path : named, "creating its folder", ec.value());
  }
}

/// Creates `file` (which must not exist) with `contents`, flushed to disk when `durable`. On an
/// error, removes it and throws naming `target` (the path the caller writes for).
static void WriteNewFile(const fs::path& file, const fs::path& target, std::string_view contents,
                         bool durable) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) Fail(target, "creating a temporary file", errno);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      ::unlink(file.c_str());
      Fail(target, "writing", error);
    }
    written += static_cast<size_t>(n);
  }
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(file.c_str());
    Fail(target, "flushing", error);
  }
}

/// Writes `contents` to a new temporary file beside `path`, whose folder exists; flushed to
/// disk when `durable`. Returns the temporary file's path. An error names `named`, or `path`.
static fs::path WriteTemporary(const fs::path& path, std::string_view contents, bool durable,
                               const fs::path& named = {}) {
  static std::atomic<unsigned> counter{0};
  fs::path temporary =
      path.parent_path() / fmt::format(".{}.dagport-{}-{}.tmp", path.filename().string(),
                                       ::getpid(), counter.fetch_add(1));
  WriteNewFile(temporary, named.empty() ? path : named, contents, durable);
  return temporary;
}

void WriteFileAtomically(const fs::path& path, std::string_view contents) {
  CreateFolderOf(path);
  const fs::path temporary = WriteTemporary(path, contents, true);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    Fail(path, "renaming the temporary file", error);
  }
}

AtomicWriteBatch::AtomicWriteBatch(const fs::path& root) {
  if (root.empty()) return;
  fs::path folder = root.lexically_normal();
  if (!folder.has_filename()) folder = folder.parent_path();  // "out/"
  if (folder.empty() || folder.filename() == "." || folder.filename() == "..") return;
  // Only a folder that is not there: an existing one, even empty, keeps its identity (a mount
  // point, its owner and permissions, a shell inside it).
  struct stat st {};
  if (::lstat(folder.c_str(), &st) == 0 || errno != ENOENT) return;
  root_ = std::move(folder);
}

AtomicWriteBatch::~AtomicWriteBatch() {
  for (const auto& [temporary, target] : staged_) ::unlink(temporary.c_str());
  if (!staging_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void AtomicWriteBatch::EnsureFolderOf(const fs::path& file, const fs::path& named) {
  const fs::path folder = file.parent_path();
  {
    std::lock_guard lock(mu_);
    if (folders_.contains(folder)) return;
  }
  CreateFolderOf(file, named);  // safe to race: an existing folder is not an error
  std::lock_guard lock(mu_);
  folders_.insert(folder);
}

void AtomicWriteBatch::Stage(const fs::path& path, std::string_view contents) {
  fs::path relative;
  if (!root_.empty()) {
    relative = path.lexically_normal().lexically_relative(root_);
    if (relative.empty() || *relative.begin() == ".." || relative == ".") relative.clear();
  }
  bool staged_whole = false;
  if (!relative.empty()) {
    std::lock_guard lock(mu_);
    if (staging_.empty() && !staging_failed_) {
      // Made on first use: a batch that writes nothing there makes nothing.
      std::error_code ec;
      const fs::path parent = root_.has_parent_path() ? root_.parent_path() : fs::path(".");
      fs::create_directories(parent, ec);
      static std::atomic<unsigned> counter{0};
      fs::path staging =
          parent / fmt::format(".{}.dagport-{}-{}.staging", root_.filename().string(), ::getpid(),
                               counter.fetch_add(1));
      if (!ec && fs::create_directory(staging, ec) && !ec) {
        staging_ = std::move(staging);
      } else {
        staging_failed_ = true;
      }
    }
    staged_whole = !staging_.empty();
  }
  if (staged_whole) {
    const fs::path inside = staging_ / relative;
    bool again;
    {
      std::lock_guard lock(mu_);
      again = !in_root_.emplace(relative, path).second;  // claimed by the first to stage it
    }
    auto unclaim = [&] {
      std::lock_guard lock(mu_);
      if (!again) in_root_.erase(relative);
    };
    try {
      EnsureFolderOf(inside, path);  // errors name the path as the caller named it
    } catch (...) {
      unclaim();
      throw;
    }
    if (again) {
      // Staged before: replaced whole, as a later staging of a target replaces an earlier one.
      const fs::path temporary = WriteTemporary(inside, contents, false, path);
      if (::rename(temporary.c_str(), inside.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        Fail(path, "staging", error);
      }
      return;
    }
    try {
      WriteNewFile(inside, path, contents, false);
    } catch (...) {
      unclaim();
      throw;
    }
    return;
  }
  EnsureFolderOf(path, path);
  fs::path temporary = WriteTemporary(path, contents, false);
  std::lock_guard lock(mu_);
  staged_.emplace_back(std::move(temporary), path);
}

std::vector<std::pair<std::string, std::string>> AtomicWriteBatch::Commit() {
  std::lock_guard lock(mu_);
  // Staged from several threads: renamed (and failures reported) in the targets' order; a
  // target staged twice keeps its staging order (the later one wins).
  std::stable_sort(staged_.begin(), staged_.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
  ::sync();  // every staged file on disk before any rename makes it visible
  std::vector<std::pair<std::string, std::string>> failures;
  if (!staging_.empty()) {
    std::error_code ec;
    if (in_root_.empty()) {
      fs::remove_all(staging_, ec);  // nothing for the output folder: it is not made
    } else if (::rename(staging_.c_str(), root_.c_str()) != 0) {
      // The output folder appeared meanwhile: each file is moved into it.
      for (const auto& [relative, named] : in_root_) {
        const fs::path target = root_ / relative;
        std::error_code folder_ec;
        fs::create_directories(target.parent_path(), folder_ec);
        if (::rename((staging_ / relative).c_str(), target.c_str()) != 0)
          failures.emplace_back(
              named.string(), folder_ec ? folder_ec.message() : std::string(std::strerror(errno)));
      }
      fs::remove_all(staging_, ec);
    }
    staging_.clear();
    in_root_.clear();
  }
  for (const auto& [temporary, target] : staged_) {
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
      failures.emplace_back(target.string(), std::strerror(errno));
      ::unlink(temporary.c_str());
    }
  }
  staged_.clear();
  std::stable_sort(failures.begin(), failures.end(), [](const auto& a, const auto& b) {
    return fs::path(a.first) < fs::path(b.first);
  });
  return failures;
}

std::string ReadFileBytes(const fs::path& path) {
  ir::FileBytes read = ir::ReadRegularFile(path.string());
  if (!read.ok()) throw std::runtime_error(read.Failure(path.string()));
  return std::move(read.bytes);
}

}  // namespace dagport::converters
