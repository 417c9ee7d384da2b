#pragma once
/// Secrets kept out of logs, as Airflow's secrets masker does: the values of a task's variables
/// whose names look sensitive (password, secret, token, api_key, ...) are replaced by "***" in
/// the try's log.

#include <string>
#include <vector>

namespace dagport::runtime {

/// The secret values among NAME=value entries (those of at least 4 characters, so that short
/// values such as "1" are not masked everywhere).
std::vector<std::string> SecretValues(const std::vector<std::string>& env);

/// Replaces every occurrence of `secrets` in `text` with "***".
std::string Mask(std::string text, const std::vector<std::string>& secrets);

/// Masks the file in place (atomically); false when it cannot be read or written.
bool MaskFile(const std::string& path, const std::vector<std::string>& secrets);

}  // namespace dagport::runtime
