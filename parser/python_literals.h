#pragma once
/// Python literal syntax: integer and float literals, string prefixes, escape sequences.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dagport::parser {

/// 42, 0x2A, 0o52, 0b101010, 1_000, and Python 2's 42L; nullopt when out of int64 range.
std::optional<int64_t> ParseIntegerLiteral(std::string_view text);
/// 1.5, 1e3, .5, 1_0.0; nullopt for imaginary literals (1j).
std::optional<double> ParseFloatLiteral(std::string_view text);

struct StringPrefix {
  bool raw = false;
  bool bytes = false;
  bool formatted = false;
};
/// From a string's opening token (`f'`, `rb"""`, ...).
StringPrefix ParseStringPrefix(std::string_view string_start);
/// The prefix letters of the string literal `literal` starts with (`rb` of `rb"..."`).
std::string_view StringPrefixText(std::string_view literal);

/// The value of a string literal written without escapes or interpolations (`'a'`, `r"a"`,
/// `f"""a"""`): its text between the quotes. Nothing when the literal holds a backslash, an
/// f-string brace, or is not one well-formed literal (the evaluator then walks its parts).
std::optional<std::string_view> PlainStringContent(std::string_view literal);

/// The UTF-8 text of one escape sequence (`\n`, `\x41`, `\u00e9`, `\N{...}` is kept as written).
std::string DecodeEscape(std::string_view escape, bool bytes);

/// Appends code point `cp` to `out` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace dagport::parser
