#pragma once
/// The versioned JSON form of the IR (`"schema": "dagport.ir/1"`), documented field by field in
/// docs/ir.md. Keys may be added in later versions of the same schema; none is renamed.

#include <string>

#include "ir/graph.h"
#include "ir/value_json.h"

namespace dagport::ir {

inline constexpr const char* kIrSchema = "dagport.ir/1";

Json DiagnosticToJson(const Diagnostic& d);
Diagnostic DiagnosticFromJson(const Json& j, const std::string& pointer = "");

Json TaskToJson(const Task& t);
Json DagToJson(const Dag& d);
Json DagFileToJson(const DagFile& f);
Json PluginToJson(const Plugin& p);
Json ProjectToJson(const Project& p);

/// Reads what `ProjectToJson` writes. Derived keys (settings such as "schedule" or "retries")
/// are recomputed from the arguments, not read. Throws IrFormatError naming the JSON pointer.
Project ProjectFromJson(const Json& j);

}  // namespace dagport::ir
