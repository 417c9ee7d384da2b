#include "ir/airflow_id.h"

#include <cstddef>

namespace dagport::ir {

namespace {

constexpr size_t kMaxIdLength = 250;

}  // namespace

bool IsValidAirflowId(std::string_view id, NonAsciiIds non_ascii) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' ||
                    (non_ascii == NonAsciiIds::kAccepted && static_cast<unsigned char>(c) >= 0x80);
    if (!ok) return false;
  }
  return true;
}

bool IsFolderSafeAirflowId(std::string_view id) {
  return id != "." && id != ".." && IsValidAirflowId(id, NonAsciiIds::kAccepted);
}

}  // namespace dagport::ir
