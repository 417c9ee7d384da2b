#pragma once
/// Python's truth value of a value that came back as JSON (a callable's return value, a
/// template's data): None, False, 0, "" and empty lists and dicts are false, all else true.
/// Used by short-circuits, Python sensors and the template renderer alike.

#include <nlohmann/json.hpp>
#include <string>

namespace dagport::runtime {

inline bool PythonTruthy(const nlohmann::json& j) {
  if (j.is_null()) return false;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string()) return !j.get_ref<const std::string&>().empty();
  if (j.is_array() || j.is_object()) return !j.empty();
  return true;
}

}  // namespace dagport::runtime
