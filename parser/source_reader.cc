#include "parser/source_reader.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <regex>

#include "ir/file_bytes.h"

namespace dagport::parser {

namespace {

/// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

/// The encoding a PEP 263 declaration on one of the first two lines names, lower-cased.
std::string DeclaredEncoding(std::string_view bytes) {
  static const std::regex kCoding(R"(^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+))");
  size_t start = 0;
  for (int line = 0; line < 2 && start < bytes.size(); ++line) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view head = bytes.substr(start, std::min<size_t>(end - start, 200));
    // Almost no file declares one: the regular expression runs only on a line that could.
    if (head.find("coding") != std::string_view::npos) {
      std::string text(head);
      std::smatch m;
      if (std::regex_search(text, m, kCoding)) {
        std::string enc = m[1].str();
        for (char& c : enc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return enc;
      }
    }
    start = end + 1;
  }
  return {};
}

/// Length of the prefix of `s` from `i` that is plain ASCII, read eight bytes at a time.
size_t AsciiRun(std::string_view s, size_t i) {
  const size_t from = i;
  while (i + 8 <= s.size()) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
    i += 8;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i - from;
}

bool IsLatin1Family(const std::string& enc) {
  return enc == "latin-1" || enc == "latin1" || enc == "iso-8859-1" || enc == "iso8859-1" ||
         enc == "iso-8859-15" || enc == "cp1252" || enc == "windows-1252" || enc == "l1";
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

ir::SourceRange PositionOf(std::string_view bytes, size_t offset) {
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (bytes[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  uint32_t column = 1;
  for (size_t i = line_start; i < offset; ++i) {
    if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column, line, column + 1};
}

SourceText DecodeSource(std::string bytes, const std::string& file) {
  SourceText out;
  if (size_t nul = bytes.find('\0'); nul != std::string::npos) {
    out.diagnostics.push_back(ir::MakeDiagnostic(
        "DP103", file, PositionOf(bytes, nul), "binary file: it contains a NUL byte",
        "remove it from the DAG folder or list it in .airflowignore"));
    return out;
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);
  const std::string encoding = DeclaredEncoding(bytes);
  if (IsLatin1Family(encoding)) {
    out.text = Latin1ToUtf8(bytes);
    return out;
  }
  for (size_t i = 0; i < bytes.size();) {
    i += AsciiRun(bytes, i);
    if (i == bytes.size()) break;
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) {
      out.diagnostics.push_back(ir::MakeDiagnostic(
          "DP103", file, PositionOf(bytes, i),
          fmt::format("invalid UTF-8 (byte 0x{:02X}){}", static_cast<unsigned char>(bytes[i]),
                      encoding.empty() ? "" : " for declared encoding '" + encoding + "'"),
          "save the file as UTF-8, or declare its encoding on the first line (# -*- coding: "
          "latin-1 -*-)"));
      return out;
    }
    i += n;
  }
  out.text = std::move(bytes);
  return out;
}

SourceText ReadSource(const std::string& path, const std::string& file, size_t max_bytes) {
  SourceText out;
  const auto cannot_read = [&](std::string why, std::string hint) {
    out.diagnostics.push_back(ir::MakeDiagnostic(
        "DP001", file, {}, fmt::format("cannot read file: {}", why), std::move(hint)));
    return std::move(out);
  };
  // Only a regular file (ir::ReadRegularFile): a FIFO would wait for a writer forever, a device
  // never ends.
  ir::FileBytes read = ir::ReadRegularFile(path, max_bytes);
  switch (read.status) {
    case ir::FileBytes::Status::kRead: break;
    case ir::FileBytes::Status::kCannotRead:
      return cannot_read(read.error, "check that the file exists and is readable");
    case ir::FileBytes::Status::kNotRegular:
      return cannot_read(fmt::format("not a regular file ({})", read.error),
                         "name a DAG file or a folder of them");
    case ir::FileBytes::Status::kTooLarge:
      out.diagnostics.push_back(
          ir::MakeDiagnostic("DP104", file, {},
                             fmt::format("file is {} bytes, over the {} MiB bound for a DAG file",
                                         read.size, max_bytes >> 20),
                             "split the file; no real DAG file is this large"));
      return out;
  }
  return DecodeSource(std::move(read.bytes), file);
}

}  // namespace dagport::parser
