#pragma once
/// Small helpers for the IR's JSON readers: typed member access that fails with an
/// IrFormatError naming the JSON pointer of the offending element.

#include <string>

#include "ir/value_json.h"

namespace dagport::ir::json_reader {

[[noreturn]] inline void Fail(const std::string& pointer, const std::string& what) {
  throw IrFormatError((pointer.empty() ? std::string("/") : pointer) + ": " + what);
}

inline const Json& Member(const Json& j, const char* key, const std::string& pointer) {
  if (!j.is_object()) Fail(pointer, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) Fail(pointer, std::string("missing \"") + key + "\"");
  return *it;
}

/// The string member `key`; when `required` is false a missing member reads as "".
inline std::string StringMember(const Json& j, const char* key, const std::string& pointer,
                                bool required = true) {
  if (!required && (!j.is_object() || !j.contains(key))) return {};
  const Json& m = Member(j, key, pointer);
  if (!m.is_string()) Fail(pointer + "/" + key, "expected a string");
  return m.get<std::string>();
}

inline int64_t IntMember(const Json& j, const char* key, const std::string& pointer) {
  const Json& m = Member(j, key, pointer);
  if (!m.is_number_integer()) Fail(pointer + "/" + key, "expected an integer");
  return m.get<int64_t>();
}

}  // namespace dagport::ir::json_reader
