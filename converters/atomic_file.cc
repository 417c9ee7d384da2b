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

/// Creates `path`'s folder (and its parents) if it is missing.
static void CreateFolderOf(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) Fail(path, "creating its folder", ec.value());
  }
}

/// Writes `contents` to a new temporary file beside `path`, whose folder exists; flushed to
/// disk when `durable`. Returns the temporary file's path.
static fs::path WriteTemporary(const fs::path& path, std::string_view contents, bool durable) {
  static std::atomic<unsigned> counter{0};
  fs::path temporary =
      path.parent_path() / fmt::format(".{}.dagport-{}-{}.tmp", path.filename().string(),
                                       ::getpid(), counter.fetch_add(1));
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) Fail(path, "creating a temporary file", errno);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      Fail(path, "writing", error);
    }
    written += static_cast<size_t>(n);
  }
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    Fail(path, "flushing", error);
  }
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

AtomicWriteBatch::~AtomicWriteBatch() {
  for (const auto& [temporary, target] : staged_) ::unlink(temporary.c_str());
}

void AtomicWriteBatch::Stage(const fs::path& path, std::string_view contents) {
  const fs::path folder = path.parent_path();
  bool known;
  {
    std::lock_guard lock(mu_);
    known = folders_.contains(folder);
  }
  if (!known) {
    CreateFolderOf(path);  // safe to race: an existing folder is not an error
    std::lock_guard lock(mu_);
    folders_.insert(folder);
  }
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
  for (const auto& [temporary, target] : staged_) {
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
      failures.emplace_back(target.string(), std::strerror(errno));
      ::unlink(temporary.c_str());
    }
  }
  staged_.clear();
  return failures;
}

std::string ReadFileBytes(const fs::path& path) {
  ir::FileBytes read = ir::ReadRegularFile(path.string());
  if (!read.ok()) throw std::runtime_error(read.Failure(path.string()));
  return std::move(read.bytes);
}

}  // namespace dagport::converters
