#pragma once
/// Airflow's rule for dag_id and task_id (validate_key: KEY_REGEX `^[\w.-]+$`, at most 250
/// characters), in one place for the parser (DP125), the IR's checks (DP152) and the runtime
/// (ids name its folders). Checked byte by byte.

#include <string_view>

namespace dagport::ir {

/// Python 3's `\w` takes non-ASCII letters too, so Airflow accepts them (kAccepted: every byte
/// of a multi-byte UTF-8 character passes). kRefused is the ASCII-only form DP152 reports.
enum class NonAsciiIds { kRefused, kAccepted };

/// Whether `id` has 1 to 250 bytes, each an ASCII letter, digit, '_', '.' or '-' (or, with
/// kAccepted, any byte of a non-ASCII character).
bool IsValidAirflowId(std::string_view id, NonAsciiIds non_ascii = NonAsciiIds::kRefused);

/// Whether `id` is one Airflow accepts (non-ASCII letters included) and can also name a folder:
/// not "." or "..", which Airflow's rule lets through.
bool IsFolderSafeAirflowId(std::string_view id);

}  // namespace dagport::ir
