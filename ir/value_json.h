#pragma once
/// JSON form of `Value` (docs/ir.md, "Values"). None, bool, int, float, string and list are plain
/// JSON; every other kind is an object tagged by "kind".

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "ir/value.h"

namespace dagport::ir {

using Json = nlohmann::ordered_json;

/// Thrown by the readers for JSON that does not have the documented shape; `what()` names the
/// JSON pointer of the offending element.
class IrFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Json ValueToJson(const Value& v);
/// `pointer` names `j` in error messages ("/files/0/dags/1/arguments/retries").
Value ValueFromJson(const Json& j, const std::string& pointer = "");

Json RangeToJson(const SourceRange& r);
SourceRange RangeFromJson(const Json& j, const std::string& pointer);

}  // namespace dagport::ir
