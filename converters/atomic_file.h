#pragma once
/// Writing output files so that a reader (or a crash) never sees half of one: the contents go
/// to a temporary file in the same folder, which is flushed to disk and renamed over the target.

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace dagport::converters {

/// Creates the parent folders as needed. Throws std::runtime_error naming the path and the
/// reason; the target is then unchanged and no temporary file is left behind.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view contents);

/// The whole file as bytes. Throws std::runtime_error naming the path.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace dagport::converters
