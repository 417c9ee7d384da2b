// String formatting: `%` (printf-style), str.format and format specifications (f-strings).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ir/civil_time.h"
#include "parser/operations.h"

namespace dagport::parser {

namespace {

struct Spec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^', '='
  char sign = '-';
  bool alternate = false;
  bool zero = false;
  int width = 0;
  bool thousands = false;
  int precision = -1;
  char type = 0;
};

std::optional<Spec> ParseSpec(std::string_view s) {
  Spec spec;
  size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (s.size() >= 2 && is_align(s[1])) {
    spec.fill = s[0];
    spec.align = s[1];
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
  if (i < s.size() && s[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    spec.zero = true;
    ++i;
  }
  // A width or precision longer than kMaxTextBytes is not evaluated (nor read past int's range).
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    spec.width = spec.width * 10 + (s[i++] - '0');
    if (static_cast<size_t>(spec.width) > kMaxTextBytes) return std::nullopt;
  }
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) {
    spec.thousands = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    spec.precision = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      spec.precision = spec.precision * 10 + (s[i++] - '0');
      if (static_cast<size_t>(spec.precision) > kMaxTextBytes) return std::nullopt;
    }
  }
  if (i < s.size()) spec.type = s[i++];
  if (i != s.size()) return std::nullopt;
  return spec;
}

std::string Pad(std::string body, const Spec& spec, bool numeric) {
  const size_t len = [&] {
    size_t n = 0;
    for (unsigned char c : body) n += (c & 0xC0) != 0x80;
    return n;
  }();
  if (spec.width <= 0 || len >= static_cast<size_t>(spec.width)) return body;
  const size_t pad = spec.width - len;
  char align = spec.align != 0 ? spec.align : (numeric ? '>' : '<');
  char fill = spec.fill;
  if (spec.zero && spec.align == 0) {
    fill = '0';
    align = numeric ? '=' : '<';
  }
  if (align == '<') return body + std::string(pad, fill);
  if (align == '>') return std::string(pad, fill) + body;
  if (align == '^') return std::string(pad / 2, fill) + body + std::string(pad - pad / 2, fill);
  // '=': padding after the sign
  if (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
    return body.substr(0, 1) + std::string(pad, fill) + body.substr(1);
  }
  return std::string(pad, fill) + body;
}

std::string WithThousands(const std::string& digits) {
  std::string out;
  const size_t start = !digits.empty() && digits[0] == '-' ? 1 : 0;
  const size_t n = digits.size() - start;
  out = digits.substr(0, start);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[start + i];
  }
  return out;
}

std::optional<std::string> FormatNumber(const Val& v, const Spec& spec) {
  char type = spec.type;
  std::string body;
  if (Is(v, Kind::kInt) || Is(v, Kind::kBool)) {
    const int64_t i = v->i;
    if (type == 0 || type == 'd' || type == 'n') {
      body = std::to_string(i);
      if (spec.thousands) body = WithThousands(body);
    } else if (type == 'x' || type == 'X' || type == 'o' || type == 'b') {
      const int64_t magnitude = i < 0 ? -i : i;
      body = type == 'x'   ? fmt::format("{:x}", magnitude)
             : type == 'X' ? fmt::format("{:X}", magnitude)
             : type == 'o' ? fmt::format("{:o}", magnitude)
                           : fmt::format("{:b}", magnitude);
      // `#`: the base's prefix, after the sign.
      if (spec.alternate)
        body.insert(0, type == 'o' ? "0o" : type == 'b' ? "0b" : type == 'x' ? "0x" : "0X");
      if (i < 0) body.insert(0, "-");
    } else if (type == 'f' || type == 'F' || type == 'e' || type == '%' || type == 'g') {
      Val f = Float(static_cast<double>(i));
      return FormatNumber(f, spec);
    } else {
      return std::nullopt;
    }
  } else if (Is(v, Kind::kFloat)) {
    const double d = v->f;
    const int precision = spec.precision >= 0 ? spec.precision : 6;
    if (type == 'f' || type == 'F') {
      body = fmt::format("{:.{}f}", d, precision);
    } else if (type == 'e') {
      body = fmt::format("{:.{}e}", d, precision);
    } else if (type == '%') {
      body = fmt::format("{:.{}f}%", d * 100, precision);
    } else if (type == 0 && spec.precision < 0) {
      body = ir::Value::Float(d).ToPython();
    } else if (type == 'g' || type == 0) {
      body = fmt::format("{:.{}g}", d, spec.precision < 0 ? 6 : std::max(spec.precision, 1));
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (spec.sign == '+' && !body.empty() && body[0] != '-') body = "+" + body;
  if (spec.sign == ' ' && !body.empty() && body[0] != '-') body = " " + body;
  return Pad(body, spec, true);
}

}  // namespace

std::optional<std::string> FormatWithSpec(const Val& value, std::string_view spec_text) {
  if (IsUnresolved(value)) return std::nullopt;
  if (spec_text.empty()) return ToStr(value);
  // datetime.__format__ is strftime.
  if (Is(value, Kind::kDatetime)) return ir::Strftime(value->datetime(), std::string(spec_text));
  std::optional<Spec> spec = ParseSpec(spec_text);
  if (!spec) return std::nullopt;
  if (IsNumber(value) && (spec->type != 's')) return FormatNumber(value, *spec);
  if (Is(value, Kind::kDatetime)) return std::nullopt;  // strftime-style specs: not evaluated
  std::optional<std::string> s = ToStr(value);
  if (!s) return std::nullopt;
  if (spec->precision >= 0 && s->size() > static_cast<size_t>(spec->precision))
    s->resize(spec->precision);
  return Pad(*s, *spec, false);
}

std::optional<std::string> PercentFormat(const std::string& format, const Val& args) {
  std::vector<Val> positional;
  Val mapping = nullptr;
  if (Is(args, Kind::kTuple)) {
    positional = args->items;
  } else if (Is(args, Kind::kDict)) {
    mapping = args;
    positional = {args};
  } else {
    positional = {args};
  }
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) return std::nullopt;
    if (format[i] == '%') {
      out += '%';
      continue;
    }
    Val value = nullptr;
    if (format[i] == '(') {
      const size_t close = format.find(')', i);
      if (close == std::string::npos || mapping == nullptr) return std::nullopt;
      Val* v = DictFindStr(mapping, format.substr(i + 1, close - i - 1));
      if (v == nullptr) return std::nullopt;
      value = *v;
      i = close + 1;
    }
    // Flags, width and precision, then the conversion type.
    std::string spec;
    while (i < format.size() &&
           std::string_view("-+ #0").find(format[i]) != std::string_view::npos) {
      spec += format[i] == '-' ? '<' : format[i];
      ++i;
    }
    while (i < format.size() &&
           (std::isdigit(static_cast<unsigned char>(format[i])) || format[i] == '.'))
      spec += format[i++];
    if (i >= format.size()) return std::nullopt;
    const char type = format[i];
    if (value == nullptr) {
      if (next >= positional.size()) return std::nullopt;
      value = positional[next++];
    }
    if (IsUnresolved(value)) return std::nullopt;
    std::optional<std::string> piece;
    if (type == 's') {
      piece = FormatWithSpec(value, spec.empty() ? "" : spec + "s");
      if (spec.empty()) piece = ToStr(value);
    } else if (type == 'r') {
      piece = Repr(value);
    } else if (type == 'd' || type == 'i' || type == 'u') {
      if (Is(value, Kind::kFloat)) {
        if (!(value->f > -9.2e18 && value->f < 9.2e18)) return std::nullopt;  // beyond 64 bits
        value = Int(static_cast<int64_t>(value->f));
      }
      piece = FormatWithSpec(value, spec + "d");
    } else if (std::string_view("fFeExXogG").find(type) != std::string_view::npos) {
      piece = FormatWithSpec(value, spec + type);
    } else {
      return std::nullopt;
    }
    if (!piece) return std::nullopt;
    out += *piece;
  }
  if (mapping == nullptr && next != positional.size()) return std::nullopt;  // TypeError in Python
  return out;
}

std::optional<std::string> StrFormat(const std::string& format, const CallArgs& args) {
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') ++i;
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const size_t close = format.find('}', i);
    if (close == std::string::npos) return std::nullopt;
    std::string field = format.substr(i + 1, close - i - 1);
    i = close;
    std::string spec;
    if (size_t colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field.resize(colon);
    }
    char conversion = 0;
    if (size_t bang = field.find('!'); bang != std::string::npos) {
      conversion = bang + 1 < field.size() ? field[bang + 1] : 0;
      field.resize(bang);
    }
    // field: "" | digits | name, followed by .attr or [key] parts.
    size_t end = field.find_first_of(".[");
    std::string head = field.substr(0, end);
    Val value = nullptr;
    if (head.empty()) {
      if (auto_index >= args.positional.size()) return std::nullopt;
      value = args.positional[auto_index++];
    } else if (std::all_of(head.begin(), head.end(),
                           [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      const size_t k = std::stoul(head);
      if (k >= args.positional.size()) return std::nullopt;
      value = args.positional[k];
    } else {
      const Val* v = args.Keyword(head);
      if (v == nullptr) return std::nullopt;
      value = *v;
    }
    while (end != std::string::npos && end < field.size()) {
      if (field[end] == '[') {
        const size_t rb = field.find(']', end);
        if (rb == std::string::npos) return std::nullopt;
        const std::string key = field.substr(end + 1, rb - end - 1);
        Val* item = nullptr;
        if (Is(value, Kind::kDict)) item = DictFindStr(value, key);
        if (item == nullptr && (Is(value, Kind::kList) || Is(value, Kind::kTuple)) &&
            !key.empty() && std::isdigit(static_cast<unsigned char>(key[0]))) {
          const size_t k = std::stoul(key);
          if (k < value->items.size()) item = &value->items[k];
        }
        if (item == nullptr) return std::nullopt;
        value = *item;
        end = rb + 1;
      } else {
        return std::nullopt;  // attribute access in a format field
      }
    }
    if (IsUnresolved(value)) return std::nullopt;
    std::optional<std::string> piece;
    if (conversion == 'r') {
      auto r = Repr(value);
      piece = r ? FormatWithSpec(Str(*r), spec) : std::nullopt;
    } else {
      piece = FormatWithSpec(value, spec);
    }
    if (!piece) return std::nullopt;
    out += *piece;
  }
  return out;
}

}  // namespace dagport::parser
