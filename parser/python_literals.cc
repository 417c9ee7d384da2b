#include "parser/python_literals.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace dagport::parser {

std::optional<int64_t> ParseIntegerLiteral(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != '_') digits += c;
  }
  if (!digits.empty() && (digits.back() == 'l' || digits.back() == 'L')) digits.pop_back();
  int base = 10;
  std::string_view body = digits;
  if (body.size() > 2 && body[0] == '0') {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(body[1])));
    if (p == 'x') base = 16;
    if (p == 'o') base = 8;
    if (p == 'b') base = 2;
    if (base != 10) body.remove_prefix(2);
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value, base);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseFloatLiteral(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == 'j' || c == 'J') return std::nullopt;
    if (c != '_') digits += c;
  }
  char* end = nullptr;
  double d = std::strtod(digits.c_str(), &end);
  if (end == digits.c_str()) return std::nullopt;
  return d;
}

StringPrefix ParseStringPrefix(std::string_view string_start) {
  StringPrefix p;
  for (char c : string_start) {
    switch (std::tolower(static_cast<unsigned char>(c))) {
      case 'r': p.raw = true; break;
      case 'b': p.bytes = true; break;
      case 'f': p.formatted = true; break;
      default: break;
    }
  }
  return p;
}

std::string_view StringPrefixText(std::string_view literal) {
  return literal.substr(0, std::min(literal.find_first_of("'\""), literal.size()));
}

std::optional<std::string_view> PlainStringContent(std::string_view literal) {
  const std::string_view prefix = StringPrefixText(literal);
  const size_t p = prefix.size();
  if (p == literal.size() || p > 3 ||
      prefix.find_first_not_of("rRbBuUfF") != std::string_view::npos)
    return std::nullopt;
  const bool formatted = ParseStringPrefix(prefix).formatted;
  const char quote = literal[p];
  const std::string_view triple(literal.data() + p, std::min<size_t>(3, literal.size() - p));
  const size_t q = triple.size() == 3 && triple[1] == quote && triple[2] == quote ? 3 : 1;
  if (literal.size() < p + 2 * q) return std::nullopt;
  const std::string_view content = literal.substr(p + q, literal.size() - p - 2 * q);
  if (literal.substr(literal.size() - q) != triple.substr(0, q)) return std::nullopt;
  // One pass over the content: a backslash (an escape), an f-string brace, or a quote or line
  // end that a well-formed literal could not hold there sends the literal to the slow path.
  static constexpr std::array<uint8_t, 256> kStops = [] {
    std::array<uint8_t, 256> t{};
    t['\\'] = t['\n'] = t['\''] = t['"'] = t['{'] = t['}'] = 1;
    return t;
  }();
  for (size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (kStops[static_cast<unsigned char>(c)] == 0) continue;
    if (c == '\\') return std::nullopt;
    if (c == '{' || c == '}') {
      if (formatted) return std::nullopt;
    } else if (q == 1) {
      if (c == '\n' || c == quote) return std::nullopt;
    } else if (c == quote && (i + 1 == content.size() || content.substr(i, 3) == triple)) {
      return std::nullopt;
    }
  }
  return content;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp <= 0x10FFFF) {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string DecodeEscape(std::string_view escape, bool bytes) {
  if (escape.size() < 2 || escape[0] != '\\') return std::string(escape);
  const char c = escape[1];
  switch (c) {
    case '\n': return "";  // line continuation inside a string
    case '\\': return "\\";
    case '\'': return "'";
    case '"': return "\"";
    case 'a': return "\a";
    case 'b': return "\b";
    case 'f': return "\f";
    case 'n': return "\n";
    case 'r': return "\r";
    case 't': return "\t";
    case 'v': return "\v";
    default: break;
  }
  auto hex = [&](size_t from, size_t count) -> std::optional<uint32_t> {
    if (escape.size() < from + count) return std::nullopt;
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(escape.data() + from, escape.data() + from + count, v, 16);
    if (ec != std::errc() || end != escape.data() + from + count) return std::nullopt;
    return v;
  };
  std::optional<uint32_t> cp;
  if (c == 'x') cp = hex(2, 2);
  if (!bytes && c == 'u') cp = hex(2, 4);
  if (!bytes && c == 'U') cp = hex(2, 8);
  if (c >= '0' && c <= '7') {
    uint32_t v = 0;
    for (size_t i = 1; i < escape.size() && i < 4 && escape[i] >= '0' && escape[i] <= '7'; ++i)
      v = v * 8 + (escape[i] - '0');
    cp = v;
  }
  if (!cp) return std::string(escape);  // unknown escapes stay as written, as Python does
  std::string out;
  AppendUtf8(out, *cp);
  return out;
}

}  // namespace dagport::parser
