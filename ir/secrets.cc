#include "ir/secrets.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace dagport::ir {

namespace {

// airflow/utils/log/secrets_masker.py DEFAULT_SENSITIVE_FIELDS (2.10).
constexpr std::array<std::string_view, 12> kSensitive = {
    "access_token", "api_key",     "apikey", "authorization", "passphrase",   "passwd",
    "password",     "private_key", "secret", "token",         "keyfile_dict", "service_account"};

constexpr std::string_view kMask = "***";

bool NameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool NameByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool Quote(char c) {
  return c == '\'' || c == '"';
}

/// A Python string prefix (r, b, u, f and their pairs, in any case).
bool StringPrefix(std::string_view word) {
  if (word.empty() || word.size() > 2) return false;
  return std::all_of(word.begin(), word.end(), [](char c) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l == 'r' || l == 'b' || l == 'u' || l == 'f';
  });
}

struct Literal {
  size_t content_begin = 0, content_end = 0, end = 0;  ///< end: past the closing quote
};

/// The string literal whose opening quote is at `q`. An unterminated one ends at the end of its
/// line (or of the text, for a triple-quoted one).
Literal ReadString(std::string_view t, size_t q) {
  const char quote = t[q];
  const bool triple = q + 2 < t.size() && t[q + 1] == quote && t[q + 2] == quote;
  Literal l;
  size_t i = q + (triple ? 3 : 1);
  l.content_begin = i;
  while (i < t.size()) {
    if (t[i] == '\\') {
      i += 2;
      continue;
    }
    if (t[i] == quote &&
        (!triple || (i + 2 < t.size() && t[i + 1] == quote && t[i + 2] == quote))) {
      l.content_end = i;
      l.end = i + (triple ? 3 : 1);
      return l;
    }
    if (!triple && t[i] == '\n') break;
    ++i;
  }
  l.content_end = l.end = std::min(i, t.size());
  return l;
}

/// A value worth masking: not empty, not a template or a mask already.
bool HoldsValue(std::string_view value) {
  return !value.empty() && value != kMask && value.find("{{") == std::string_view::npos;
}

/// Secrets bound to sensitive names: NAME = 'value', NAME: 'value', 'NAME': 'value'. Inside
/// other strings (a message quoting source, an SQL text) the same is looked for once more.
void FindBound(std::string_view t, size_t offset, bool nested, std::vector<SecretSpan>& out) {
  enum class State { kNone, kName, kBound } state = State::kNone;
  std::string_view name, bound;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\') continue;
    if (c == '#' && !nested) {
      while (i < t.size() && t[i] != '\n') ++i;
      state = State::kNone;
      continue;
    }
    size_t quote = std::string_view::npos;
    if (NameStart(c)) {
      size_t j = i;
      while (j < t.size() && NameByte(t[j])) ++j;
      if (j < t.size() && Quote(t[j]) && StringPrefix(t.substr(i, j - i))) {
        quote = j;
      } else {
        name = t.substr(i, j - i);
        state = State::kName;
        i = j - 1;
        continue;
      }
    } else if (Quote(c)) {
      quote = i;
    }
    if (quote != std::string_view::npos) {
      const Literal l = ReadString(t, quote);
      const std::string_view content = t.substr(l.content_begin, l.content_end - l.content_begin);
      if (state == State::kBound && LooksSecret(bound) && HoldsValue(content)) {
        out.push_back({offset + l.content_begin, offset + l.content_end});
        state = State::kNone;
      } else {
        if (!nested) FindBound(content, offset + l.content_begin, true, out);
        name = content;  // a dict key, when a ':' follows
        state = State::kName;
      }
      i = l.end - 1;
      continue;
    }
    if (c == '=' && i + 1 < t.size() && t[i + 1] == '=') {
      ++i;
      state = State::kNone;
    } else if ((c == '=' || c == ':') && state == State::kName) {
      bound = name;
      state = State::kBound;
    } else {
      state = State::kNone;
    }
  }
}

/// The passwords of URIs: scheme://user:PASSWORD@host.
void FindUriPasswords(std::string_view t, std::vector<SecretSpan>& out) {
  for (size_t at = t.find("://"); at != std::string_view::npos; at = t.find("://", at + 3)) {
    if (at == 0 || !std::isalpha(static_cast<unsigned char>(t[at - 1]))) continue;
    size_t end = at + 3;
    while (end < t.size() && t[end] != '@' && t[end] != '/' && t[end] != '?' && t[end] != '#' &&
           !Quote(t[end]) && !std::isspace(static_cast<unsigned char>(t[end])))
      ++end;
    if (end >= t.size() || t[end] != '@') continue;
    const size_t colon = t.find(':', at + 3);
    if (colon == std::string_view::npos || colon >= end) continue;
    if (HoldsValue(t.substr(colon + 1, end - colon - 1))) out.push_back({colon + 1, end});
  }
}

}  // namespace

bool LooksSecret(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(kSensitive.begin(), kSensitive.end(),
                     [&](std::string_view s) { return lower.find(s) != std::string::npos; });
}

std::vector<SecretSpan> FindSecrets(std::string_view text) {
  std::vector<SecretSpan> found;
  // Cheap test first: most texts hold neither a sensitive word nor a URI with a password.
  bool worth = text.find("://") != std::string_view::npos;
  if (!worth) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    worth = std::any_of(kSensitive.begin(), kSensitive.end(),
                        [&](std::string_view s) { return lower.find(s) != std::string::npos; });
  }
  if (!worth) return found;
  FindBound(text, 0, false, found);
  FindUriPasswords(text, found);
  // In order; a span inside another (a URI's password in a masked value) goes.
  std::sort(found.begin(), found.end(), [](const SecretSpan& a, const SecretSpan& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<SecretSpan> out;
  for (const SecretSpan& s : found) {
    if (s.begin >= s.end) continue;
    if (!out.empty() && s.begin < out.back().end) continue;
    out.push_back(s);
  }
  return out;
}

std::string MaskSecrets(std::string_view text, const std::vector<SecretSpan>& spans) {
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const SecretSpan& s : spans) {
    out.append(text.substr(at, s.begin - at));
    out.append(kMask);
    at = s.end;
  }
  out.append(text.substr(at));
  return out;
}

std::string MaskSecrets(std::string_view text) {
  return MaskSecrets(text, FindSecrets(text));
}

size_t MaskedOffset(const std::vector<SecretSpan>& spans, size_t offset) {
  size_t moved = offset;
  for (const SecretSpan& s : spans) {
    if (offset <= s.begin) break;
    if (offset < s.end) return moved - (offset - s.begin);
    moved = moved - (s.end - s.begin) + kMask.size();
  }
  return moved;
}

}  // namespace dagport::ir
