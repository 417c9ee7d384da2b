#pragma once
/// Reading a whole file the one way dagport does: a regular file only, opened without blocking
/// (a FIFO would wait for a writer forever, a device never ends), sized by fstat and read into
/// one block, with no stream buffers in between.

#include <cstdint>
#include <limits>
#include <string>

namespace dagport::ir {

struct FileBytes {
  enum class Status {
    kRead,        ///< `bytes` holds the file
    kCannotRead,  ///< it could not be opened or read: `error` says why (strerror)
    kNotRegular,  ///< a folder, FIFO, device or socket: `error` says which
    kTooLarge,    ///< over the bound asked for: `size` says how large (nothing was read)
  };
  Status status = Status::kCannotRead;
  std::string bytes;
  std::string error;
  uint64_t size = 0;  ///< from fstat (the bytes read may differ if the file changed meanwhile)

  bool ok() const { return status == Status::kRead; }
  /// "cannot read PATH: why", for a status other than kRead.
  std::string Failure(const std::string& path) const;
};

FileBytes ReadRegularFile(const std::string& path,
                          uint64_t max_bytes = std::numeric_limits<uint64_t>::max());

}  // namespace dagport::ir
