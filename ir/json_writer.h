#pragma once
/// `JsonWriter`: compact JSON appended straight to a string, with no document tree in between.
///
/// The IR of a large DAG folder is hundreds of megabytes of JSON; building an nlohmann tree for
/// it and then serialising it cost more than parsing the Python. The writer produces exactly the
/// bytes `nlohmann::ordered_json::dump()` would for the same document (the tests compare them),
/// except that invalid UTF-8 is written as U+FFFD instead of throwing.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dagport::ir {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  /// A writer that hands what it wrote to `flush` (and empties `out`) whenever `out` holds
  /// `threshold` bytes or more when a container opens, then once more from `Flush()`: a large
  /// document goes out through a small buffer that stays in the processor's caches, instead of
  /// being built whole in fresh memory.
  JsonWriter(std::string& out, std::function<void(std::string_view)> flush, size_t threshold)
      : out_(out), flush_(std::move(flush)), threshold_(threshold) {}
  /// Hands the rest to the flush function (no-op for a writer without one).
  void Flush();

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  /// The next member's key; its value is the next thing written.
  void Key(std::string_view key);
  /// The same for a key written in the code (`w.Key("tasks")`): an ASCII name that needs no
  /// escaping, written with one append. Most keys are these.
  template <size_t N>
  void Key(const char (&key)[N]) {
    Separate();
    char quoted[N + 2];  // "key":
    quoted[0] = '"';
    for (size_t i = 0; i + 1 < N; ++i) quoted[i + 1] = key[i];
    quoted[N] = '"';
    quoted[N + 1] = ':';
    out_.append(quoted, N + 2);
    after_key_ = true;
  }

  /// The same for a key already quoted and followed by its colon (`"name":`), made once for
  /// keys that are written many times.
  void QuotedKey(std::string_view quoted) {
    Separate();
    out_.append(quoted);
    after_key_ = true;
  }

  void Null();
  void Bool(bool b);
  void Int(int64_t i);
  void Uint(uint64_t u);
  void Float(double d);  ///< finite only; as nlohmann prints it (shortest round-trip form)
  void String(std::string_view s);

  /// Bytes written so far, flushed ones included; with `Copy`, a value already written can be
  /// written again.
  size_t size() const { return flushed_ + out_.size(); }
  /// Writes again the value that takes bytes [begin, end) of the output, unless they have been
  /// flushed already: then it writes nothing and returns false.
  bool Copy(size_t begin, size_t end) {
    if (begin < flushed_) return false;
    Separate();
    begin -= flushed_, end -= flushed_;
    out_.reserve(out_.size() + (end - begin));  // no reallocation under the append's source
    out_.append(out_.data() + begin, end - begin);
    return true;
  }

  /// Shorthands for `Key(k)` followed by the value.
  template <size_t N, typename V>
  void Member(const char (&key)[N], const V& v) {
    Key(key);
    Write(v);
  }
  template <typename V>
  void Member(std::string_view key, const V& v) {
    Key(key);
    Write(v);
  }

 private:
  void Write(std::string_view s) { String(s); }
  void Write(const char* s) { String(s); }
  void Write(const std::string& s) { String(s); }
  void Write(bool b) { Bool(b); }
  void Write(int64_t i) { Int(i); }
  void Write(uint32_t u) { Uint(u); }
  void Write(int i) { Int(i); }

  void Open(char c);
  void Close(char c);
  /// The comma before a value, unless it follows its key or opens its container.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (has_items_.empty()) return;
    if (has_items_.back()) out_.push_back(',');
    has_items_.back() = 1;
  }

  std::string& out_;
  std::vector<char> has_items_;  ///< per open container: something was written into it
  bool after_key_ = false;
  std::function<void(std::string_view)> flush_;
  size_t threshold_ = 0;
  size_t flushed_ = 0;  ///< bytes handed to `flush_`
};

/// `s` as a JSON string literal, quotes included, appended to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace dagport::ir
