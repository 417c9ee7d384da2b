#include "ir/file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dagport::ir {

FileBytes ReadRegularFile(const std::string& path, uint64_t max_bytes) {
  FileBytes out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    out.error = std::strerror(errno);
    return out;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  if (!S_ISREG(status.st_mode)) {
    out.status = FileBytes::Status::kNotRegular;
    out.error = S_ISDIR(status.st_mode)    ? "a folder"
                : S_ISFIFO(status.st_mode) ? "a FIFO"
                                           : "a device or socket";
    return out;
  }
  out.size = static_cast<uint64_t>(status.st_size);
  if (out.size > max_bytes) {
    out.status = FileBytes::Status::kTooLarge;
    return out;
  }
  // Up to the size fstat gave: a file that grows while it is read is read as it was.
  std::string bytes(static_cast<size_t>(out.size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = std::strerror(errno);
      return out;
    }
    if (n == 0) break;  // it shrank: what is there is the file
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  out.bytes = std::move(bytes);
  out.status = FileBytes::Status::kRead;
  return out;
}

std::string FileBytes::Failure(const std::string& path) const {
  switch (status) {
    case Status::kRead: break;
    case Status::kNotRegular: return "cannot read " + path + ": not a regular file (" + error + ")";
    case Status::kTooLarge:
      return "cannot read " + path + ": " + std::to_string(size) + " bytes is over the bound";
    case Status::kCannotRead: return "cannot read " + path + (error.empty() ? "" : ": " + error);
  }
  return {};
}

}  // namespace dagport::ir
