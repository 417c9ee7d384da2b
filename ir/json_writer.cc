#include "ir/json_writer.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cstring>

namespace dagport::ir {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

/// Bytes that cannot be copied as they are: control characters, '"', '\\' and non-ASCII (which
/// is checked for valid UTF-8).
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return t;
}();

namespace {

/// The length of the start of `s` that needs no escaping.
size_t PlainPrefix(std::string_view s) {
  const char* const data = s.data();
  const size_t size = s.size();
  size_t i = 0;
  // Eight bytes at a time while none of them is special (SWAR: a byte below 0x20, equal to
  // '"' or '\\', or with its high bit set makes the word's test non-zero).
  while (i + 8 <= size) {
    uint64_t x;
    std::memcpy(&x, data + i, 8);
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    const auto zero_byte = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    const uint64_t special = ((x - kOnes * 0x20) & ~x) | zero_byte(x ^ (kOnes * '"')) |
                             zero_byte(x ^ (kOnes * '\\')) | x;
    if (special & kHigh) break;
    i += 8;
  }
  while (i < size && !kSpecial[static_cast<unsigned char>(data[i])]) ++i;
  return i;
}

/// Appends `"s"` plus `suffix` (at most one byte) with one growth of `out`, for an `s` that
/// needs no escaping.
void AppendPlain(std::string& out, std::string_view s, std::string_view suffix) {
  const size_t at = out.size();
  out.append(s.size() + 2 + suffix.size(), '"');
  char* p = out.data() + at + 1;
  std::memcpy(p, s.data(), s.size());
  if (!suffix.empty()) p[s.size() + 1] = suffix[0];
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  size_t i = PlainPrefix(s);
  if (i == s.size()) return AppendPlain(out, s, {});  // most strings: ids, commands, paths
  out.push_back('"');
  const char* const data = s.data();
  const size_t size = s.size();
  size_t run = 0;  // start of the pending stretch that needs no escaping
  while (true) {
    i += PlainPrefix(s.substr(i));
    if (i == size) break;
    const unsigned char c = static_cast<unsigned char>(data[i]);
    if (c >= 0x80) {
      if (size_t n = Utf8Length(s, i)) {
        i += n;
        continue;
      }
      out.append(data + run, i - run);
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      run = ++i;
      continue;
    }
    out.append(data + run, i - run);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
    run = ++i;
  }
  out.append(data + run, size - run);
  out.push_back('"');
}

void JsonWriter::Flush() {
  if (!flush_ || out_.empty()) return;
  flush_(out_);
  flushed_ += out_.size();
  out_.clear();
}

void JsonWriter::Open(char c) {
  if (out_.size() >= threshold_ && flush_) Flush();
  Separate();
  out_.push_back(c);
  has_items_.push_back(0);
}

void JsonWriter::Close(char c) {
  has_items_.pop_back();
  out_.push_back(c);
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  after_key_ = true;
  // Keys are names (arguments, dict keys): most need no escaping and go in with one append.
  if (PlainPrefix(key) == key.size()) return AppendPlain(out_, key, ":");
  AppendJsonString(out_, key);
  out_.push_back(':');
}

void JsonWriter::Null() {
  Separate();
  out_.append("null");
}

void JsonWriter::Bool(bool b) {
  Separate();
  out_.append(b ? "true" : "false");
}

void JsonWriter::Int(int64_t i) {
  Separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
  out_.append(buf, end);
}

void JsonWriter::Uint(uint64_t u) {
  Separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, u);
  out_.append(buf, end);
}

void JsonWriter::Float(double d) {
  Separate();
  out_.append(nlohmann::ordered_json(d).dump());
}

void JsonWriter::String(std::string_view s) {
  Separate();
  AppendJsonString(out_, s);
}

}  // namespace dagport::ir
