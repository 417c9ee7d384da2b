#pragma once
/// JSON form of `Value` (docs/ir.md, "Values"). None, bool, int, float, string and list are plain
/// JSON; every other kind is an object tagged by "kind".

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "ir/json_writer.h"
#include "ir/value.h"

namespace dagport::ir {

using Json = nlohmann::ordered_json;

/// Thrown by the readers for JSON that does not have the documented shape; `what()` names the
/// JSON pointer of the offending element.
class IrFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes `v` as JSON; the fast path for large outputs. `ValueToJson` is the same as a tree.
void WriteValue(JsonWriter& w, const Value& v);
void WriteRange(JsonWriter& w, const SourceRange& r);

/// Writes the members of `entries` (pairs of key and value, each value written by
/// `write(w, value)`, or by `write(w, entry)` when `write` takes the whole pair) as one JSON
/// object. A key that appears twice keeps its first place and its last value, as a Python
/// dict built from the same pairs would.
template <typename Entries, typename KeyText, typename Write>
void WriteObjectMembers(JsonWriter& w, const Entries& entries, KeyText key_text, Write write);

Json ValueToJson(const Value& v);
/// `pointer` names `j` in error messages ("/files/0/dags/1/arguments/retries").
Value ValueFromJson(const Json& j, const std::string& pointer = "");

Json RangeToJson(const SourceRange& r);
SourceRange RangeFromJson(const Json& j, const std::string& pointer);

/// `write(w, entry)` when it takes the whole entry (key and value), else `write(w, entry.second)`.
template <typename Entry, typename Write>
void WriteEntry(JsonWriter& w, const Entry& entry, Write& write) {
  if constexpr (std::is_invocable_v<Write&, JsonWriter&, const Entry&>) {
    write(w, entry);
  } else {
    write(w, entry.second);
  }
}

template <typename Entries, typename KeyText, typename Write>
void WriteObjectMembers(JsonWriter& w, const Entries& entries, KeyText key_text, Write write) {
  w.BeginObject();
  const size_t n = entries.size();
  if (n <= 16) {  // the usual case: a quadratic scan beats building a map
    for (size_t i = 0; i < n; ++i) {
      const std::string_view key = key_text(entries[i].first);
      bool seen = false;
      for (size_t k = 0; k < i && !seen; ++k) seen = key_text(entries[k].first) == key;
      if (seen) continue;
      size_t last = i;
      for (size_t k = i + 1; k < n; ++k)
        if (key_text(entries[k].first) == key) last = k;
      w.Key(key);
      WriteEntry(w, entries[last], write);
    }
  } else {
    std::unordered_map<std::string_view, size_t> last;
    last.reserve(n);
    for (size_t i = 0; i < n; ++i) last[key_text(entries[i].first)] = i;
    for (size_t i = 0; i < n; ++i) {
      const std::string_view key = key_text(entries[i].first);
      auto it = last.find(key);
      if (it == last.end()) continue;  // written already
      w.Key(key);
      WriteEntry(w, entries[it->second], write);
      last.erase(it);
    }
  }
  w.EndObject();
}

}  // namespace dagport::ir
