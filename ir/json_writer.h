#pragma once
/// `JsonWriter`: compact JSON appended straight to a string, with no document tree in between.
///
/// The IR of a large DAG folder is hundreds of megabytes of JSON; building an nlohmann tree for
/// it and then serialising it cost more than parsing the Python. The writer produces exactly the
/// bytes `nlohmann::ordered_json::dump()` would for the same document (the tests compare them),
/// except that invalid UTF-8 is written as U+FFFD instead of throwing.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dagport::ir {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  /// The next member's key; its value is the next thing written.
  void Key(std::string_view key);

  void Null();
  void Bool(bool b);
  void Int(int64_t i);
  void Uint(uint64_t u);
  void Float(double d);  ///< finite only; as nlohmann prints it (shortest round-trip form)
  void String(std::string_view s);

  /// Shorthands for `Key(k)` followed by the value.
  void Member(std::string_view key, std::string_view s) { Key(key), String(s); }
  void Member(std::string_view key, const char* s) { Key(key), String(s); }
  void Member(std::string_view key, const std::string& s) { Key(key), String(s); }
  void Member(std::string_view key, bool b) { Key(key), Bool(b); }
  void Member(std::string_view key, int64_t i) { Key(key), Int(i); }
  void Member(std::string_view key, uint32_t u) { Key(key), Uint(u); }
  void Member(std::string_view key, int i) { Key(key), Int(i); }

 private:
  void Open(char c);
  void Close(char c);
  void Separate();

  std::string& out_;
  std::vector<char> has_items_;  ///< per open container: something was written into it
  bool after_key_ = false;
};

/// `s` as a JSON string literal, quotes included, appended to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace dagport::ir
