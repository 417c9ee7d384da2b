#pragma once
/// Small helpers for the IR's JSON readers: typed member access that fails with an
/// IrFormatError naming the JSON pointer of the offending element.

#include <string>
#include <string_view>

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

/// The byte of `text` where parsing it failed with `e`: a parse error says where (nlohmann
/// counts the byte after it); a number too large for a double ("number overflow parsing
/// '1e999'", an out_of_range error that nlohmann throws from the parser too) is found by its
/// text. 0 when not known.
inline size_t ParseErrorOffset(std::string_view text, const nlohmann::json::exception& e) {
  if (const auto* parse = dynamic_cast<const nlohmann::json::parse_error*>(&e))
    return parse->byte > 0 ? parse->byte - 1 : 0;
  const std::string_view what = e.what();
  const size_t open = what.find('\''), close = what.rfind('\'');
  if (open == std::string_view::npos || close <= open + 1) return 0;
  const size_t at = text.find(what.substr(open + 1, close - open - 1));
  return at == std::string_view::npos ? 0 : at;
}

}  // namespace dagport::ir::json_reader
