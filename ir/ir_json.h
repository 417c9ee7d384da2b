#pragma once
/// The versioned JSON form of the IR (`"schema": "dagport.ir/1"`), documented field by field in
/// docs/ir.md. Keys may be added in later versions of the same schema; none is renamed.

#include <functional>
#include <string>

#include "ir/graph.h"
#include "ir/value_json.h"

namespace dagport::ir {

inline constexpr const char* kIrSchema = "dagport.ir/1";

/// Writers: compact JSON straight into a string. The `...ToJson` functions below give the same
/// document as a tree, for code that wants to look inside it.
void WriteDiagnostic(JsonWriter& w, const Diagnostic& d);
void WriteTask(JsonWriter& w, const Task& t);
void WriteDag(JsonWriter& w, const Dag& d);
void WriteDagFile(JsonWriter& w, const DagFile& f);
void WritePlugin(JsonWriter& w, const Plugin& p);
void WriteProject(JsonWriter& w, const Project& p);
/// One file's IR as compact JSON text: what `dagport inspect --format json` prints per file.
std::string DagFileJsonText(const DagFile& f);
/// The same text, handed to `sink` a piece at a time (about 16 KB) as it is written, through a
/// buffer that stays in the processor's caches: for output that is written as it is made.
void StreamDagFileJson(const DagFile& f, const std::function<void(std::string_view)>& sink);

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
