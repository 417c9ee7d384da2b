// Jinja's lexer for the local runtime's templates (see jinja_syntax.h): the template cut into
// text and tags, and each tag into tokens, as jinja2/lexer.py does with Airflow's settings.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "parser/python_literals.h"
#include "runtime/jinja_syntax.h"

namespace dagport::runtime::jinja {

namespace {

/// Python's str.isspace() for the ASCII characters (what `\s` and rstrip() take).
bool IsSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

std::string_view RightStripped(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

/// A string literal's text from `s[i]` (its opening quote) to its closing quote, with Python's
/// escapes (Jinja decodes them with `unicode-escape`): an unknown escape keeps its backslash.
/// Returns the index after the closing quote.
size_t LexString(std::string_view s, size_t i, std::string* out) {
  const char quote = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == quote) return j + 1;
    if (s[j] != '\\') {
      *out += s[j];
      continue;
    }
    if (++j >= s.size()) break;
    const char e = s[j];
    static constexpr std::string_view kFrom = "\\'\"abfnrtv\n", kTo = "\\'\"\a\b\f\n\r\t\v";
    if (const size_t k = kFrom.find(e); k != std::string_view::npos) {
      if (e != '\n') *out += kTo[k];  // a backslash before a newline joins the lines
    } else if (e >= '0' && e <= '7') {
      uint32_t code = 0;
      size_t n = 0;
      for (; n < 3 && j + n < s.size() && s[j + n] >= '0' && s[j + n] <= '7'; ++n)
        code = code * 8 + static_cast<uint32_t>(s[j + n] - '0');
      parser::AppendUtf8(*out, code);
      j += n - 1;
    } else if (e == 'x' || e == 'u' || e == 'U') {
      const size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      uint32_t code = 0;
      for (size_t n = 1; n <= digits; ++n) {
        const char h = j + n < s.size() ? s[j + n] : '\0';
        const int v = IsDigit(h)                               ? h - '0'
                      : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10
                                                               : -1;
        if (v < 0) throw SyntaxError(fmt::format("a \\{} escape needs {} hex digits", e, digits));
        code = code * 16 + static_cast<uint32_t>(v);
      }
      if (code > 0x10FFFF) throw SyntaxError("a \\U escape is beyond Unicode");
      parser::AppendUtf8(*out, code);
      j += digits;
    } else {
      *out += '\\';
      *out += e;
    }
  }
  throw SyntaxError("a string is not closed");
}

/// `(\d+_)*\d+` from `i`: the end, or `i` when there is no digit.
size_t LexDigits(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && IsDigit(s[j])) ++j;
  if (j == i) return i;
  while (j + 1 < s.size() && s[j] == '_' && IsDigit(s[j + 1])) {
    ++j;
    while (j < s.size() && IsDigit(s[j])) ++j;
  }
  return j;
}

/// A number from `s[i]` (a digit) as Jinja's float_re and integer_re read it; `after_dot` when
/// the character before is a '.', where a float cannot start (`x.0.1` is two items).
Token LexNumber(std::string_view s, size_t i, bool after_dot, size_t* end) {
  auto text = [&](size_t to) {
    std::string t;
    for (size_t k = i; k < to; ++k)
      if (s[k] != '_') t += s[k];
    return t;
  };
  const size_t whole = LexDigits(s, i);
  if (!after_dot) {
    size_t j = whole;
    bool is_float = false;
    if (j + 1 < s.size() && s[j] == '.' && IsDigit(s[j + 1])) {
      j = LexDigits(s, j + 1);
      is_float = true;
    }
    if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
      size_t k = j + 1;
      if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
      if (const size_t e = LexDigits(s, k); e > k) {
        j = e;
        is_float = true;
      }
    }
    if (is_float) {
      *end = j;
      return {Token::kFloat, text(j)};
    }
  }
  if (s[i] == '0' && i + 1 < s.size() &&
      std::string_view("bBoOxX").find(s[i + 1]) != std::string_view::npos) {
    const char base = static_cast<char>(s[i + 1] | 0x20);
    size_t j = i + 2;
    auto digit = [&](char c) {
      return base == 'b'   ? (c == '0' || c == '1')
             : base == 'o' ? (c >= '0' && c <= '7')
                           : (IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'));
    };
    while (j < s.size() && (digit(s[j]) || (s[j] == '_' && j + 1 < s.size() && digit(s[j + 1]))))
      ++j;
    if (j > i + 2) {
      *end = j;
      return {Token::kInteger, text(j)};
    }
  }
  *end = whole;
  return {Token::kInteger, text(whole)};
}

struct LexedTag {
  std::vector<Token> tokens;
  size_t closed = 0;  ///< after its closer
  size_t end = 0;     ///< after its closer and the white space a '-' before it trims
};

/// The tokens of the `{{` (kind '{') or `{%` tag whose inside starts at `i`, up to its closer
/// outside brackets, as Jinja's lexer reads them; nullopt when the template ends first.
std::optional<LexedTag> LexTag(std::string_view s, size_t i, char kind) {
  LexedTag tag;
  std::string brackets;  // the closers expected
  const std::string_view closer = kind == '{' ? "}}" : "%}";
  while (i < s.size()) {
    if (brackets.empty()) {
      const std::string_view rest = s.substr(i);
      if (rest.starts_with('-') && rest.substr(1).starts_with(closer)) {
        tag.closed = i + 3;
        tag.end = SkipSpace(s, i + 3);
        tag.tokens.push_back({Token::kEnd, ""});
        return tag;
      }
      if (rest.starts_with(closer) || (kind == '%' && rest.starts_with("+%}"))) {
        tag.closed = tag.end = i + (rest.starts_with('+') ? 3 : 2);
        tag.tokens.push_back({Token::kEnd, ""});
        return tag;
      }
    }
    const char c = s[i];
    if (IsSpace(c)) {
      ++i;
    } else if (IsDigit(c)) {
      size_t end = i;
      tag.tokens.push_back(LexNumber(s, i, i > 0 && s[i - 1] == '.', &end));
      i = end;
    } else if (IsNameStart(c)) {
      size_t j = i;
      while (j < s.size() && (IsNameStart(s[j]) || IsDigit(s[j]))) ++j;
      tag.tokens.push_back({Token::kName, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '\'' || c == '"') {
      Token t{Token::kString, ""};
      i = LexString(s, i, &t.text);
      tag.tokens.push_back(std::move(t));
    } else {
      static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "//", "**"};
      std::string op(1, c);
      for (std::string_view two : kTwo)
        if (s.substr(i, 2) == two) op = std::string(two);
      if (op.size() == 1 &&
          std::string_view("+-*/%~|.,()[]{}:;<>=").find(c) == std::string_view::npos)
        throw SyntaxError(fmt::format("unexpected char '{}'", c));
      if (c == '(' || c == '[' || c == '{') {
        brackets += c == '(' ? ')' : c == '[' ? ']' : '}';
      } else if (c == ')' || c == ']' || c == '}') {
        if (brackets.empty()) throw SyntaxError(fmt::format("unexpected '{}'", c));
        if (brackets.back() != c)
          throw SyntaxError(fmt::format("unexpected '{}', expected '{}'", c, brackets.back()));
        brackets.pop_back();
      }
      tag.tokens.push_back({Token::kOp, op});
      i += op.size();
    }
  }
  return std::nullopt;
}

/// The end of a `{% endraw %}` (with `-` or `+` after `{%`, `-` before `%}`) that starts at `i`,
/// or npos; `*trim_before` when it starts with `{%-`.
size_t MatchEndRaw(std::string_view s, size_t i, bool* trim_before, size_t* after) {
  if (!s.substr(i).starts_with("{%")) return std::string_view::npos;
  size_t j = i + 2;
  *trim_before = j < s.size() && s[j] == '-';
  if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
  j = SkipSpace(s, j);
  if (!s.substr(j).starts_with("endraw")) return std::string_view::npos;
  j = SkipSpace(s, j + 6);
  if (s.substr(j).starts_with("-%}")) {
    *after = SkipSpace(s, j + 3);
    return j + 3;
  }
  if (s.substr(j).starts_with("%}")) {
    *after = j + 2;
    return j + 2;
  }
  return std::string_view::npos;
}

/// The template with its newlines made \n and one trailing newline dropped, as Jinja's
/// tokeniter does (newline_sequence '\n', keep_trailing_newline off).
std::string NormalizedNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::string Tag::Where() const {
  return show_line ? fmt::format("{} on line {}", text, line) : text;
}

std::vector<Piece> LexTemplate(std::string_view original) {
  const std::string source = NormalizedNewlines(original);
  const std::string_view s = source;
  const bool multi_line = s.find('\n') != std::string_view::npos;
  std::vector<Piece> pieces;
  std::string text;  // the text since the last tag
  size_t pos = 0, counted = 0;
  int line = 1;
  auto line_at = [&](size_t at) {
    for (; counted < at; ++counted) line += s[counted] == '\n';
    return line;
  };
  auto flush_text = [&] {
    if (!text.empty()) pieces.push_back({Piece::kText, std::move(text), {}, {}});
    text.clear();
  };
  while (pos < s.size()) {
    size_t open = s.find('{', pos);
    while (open != std::string_view::npos &&
           (open + 1 >= s.size() ||
            std::string_view("{%#").find(s[open + 1]) == std::string_view::npos))
      open = s.find('{', open + 1);
    if (open == std::string_view::npos) {
      text += s.substr(pos);
      break;
    }
    const char kind = s[open + 1];
    size_t inside = open + 2;
    std::string_view before = s.substr(pos, open - pos);
    if (inside < s.size() && (s[inside] == '-' || s[inside] == '+')) {
      if (s[inside] == '-') before = RightStripped(before);
      ++inside;
    }
    text += before;
    Tag tag{"", line_at(open), multi_line};
    const std::string opener = fmt::format("{{{}", kind);
    const std::string closer = fmt::format("{}}}", kind == '{' ? '}' : kind);
    auto not_closed = [&] {
      tag.text = fmt::format("'{}'", opener);
      return LocatedError(fmt::format("{} is not closed with '{}'", tag.Where(), closer));
    };
    if (kind == '#') {
      const size_t close = s.find("#}", inside);
      if (close == std::string_view::npos) throw not_closed();
      pos = close + 2;
      if (close > inside && s[close - 1] == '-') pos = SkipSpace(s, pos);
      continue;
    }
    std::optional<LexedTag> lexed;
    try {
      lexed = LexTag(s, inside, kind);
    } catch (const SyntaxError& e) {
      const size_t line_end = s.find('\n', open);
      tag.text = std::string(
          s.substr(open, line_end == std::string_view::npos ? line_end : line_end - open));
      throw LocatedError(fmt::format("{} cannot be rendered: {}", tag.Where(), e.what()));
    }
    if (!lexed) throw not_closed();
    tag.text = std::string(s.substr(open, lexed->closed - open));
    pos = lexed->end;
    const std::vector<Token>& tokens = lexed->tokens;
    if (kind == '%' && tokens.size() == 2 && tokens[0].kind == Token::kName &&
        tokens[0].text == "raw") {
      // {% raw %}: the text up to {% endraw %} as it is.
      size_t at = pos, after = 0;
      bool trim = false;
      for (;; ++at) {
        at = s.find("{%", at);
        if (at == std::string_view::npos)
          throw LocatedError(fmt::format("{} is not closed with {{% endraw %}}", tag.Where()));
        if (MatchEndRaw(s, at, &trim, &after) != std::string_view::npos) break;
      }
      const std::string_view raw = s.substr(pos, at - pos);
      text += trim ? RightStripped(raw) : raw;
      pos = after;
      continue;
    }
    flush_text();
    pieces.push_back({kind == '{' ? Piece::kOutput : Piece::kStatement, "", std::move(tag),
                      std::move(lexed->tokens)});
  }
  flush_text();
  return pieces;
}

}  // namespace dagport::runtime::jinja
