#pragma once
/// SHA-256 (FIPS 180-4), for content-hash names of container environments: the wrapper module
/// computes the same digest with Python's hashlib, so both sides name an environment alike.

#include <string>
#include <string_view>

namespace dagport::converters::containers {

/// The lowercase hex digest of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace dagport::converters::containers
