// Compiler-style text rendering of diagnostics.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <span>
#include <thread>

#include "ir/diagnostic_render.h"
#include "ir/file_bytes.h"
#include "ir/ir_json.h"
#include "ir/secrets.h"

namespace dagport::ir {

namespace {

constexpr const char* kReset = "\033[0m";
constexpr uint32_t kMaxShownColumns = 160;
constexpr const char* kBold = "\033[1m";

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::kError: return "\033[1;31m";
    case Severity::kWarning: return "\033[1;33m";
    case Severity::kInfo: return "\033[1;36m";
  }
  return "";
}

/// Byte offset of 1-based code-point column `column` in `line` (clamped to its end).
size_t ByteOffsetOfColumn(std::string_view line, uint32_t column) {
  size_t offset = 0;
  for (uint32_t c = 1; c < column && offset < line.size(); ++c) {
    ++offset;
    while (offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80)
      ++offset;
  }
  return offset;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// `line` safe to print on a terminal: control characters (tabs kept) and bytes that are not
/// valid UTF-8 become '?', so that a binary file cannot send escape sequences.
std::string Printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x80) {
      out += (c < 0x20 && c != '\t') || c == 0x7F ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    const size_t length = c >= 0xF0 && c <= 0xF4  ? 4
                          : c >= 0xE0             ? 3
                          : c >= 0xC2 && c < 0xE0 ? 2
                                                  : 0;
    bool valid = length > 0 && i + length <= line.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out += '?';
      ++i;
      continue;
    }
    if (c == 0xC2 && static_cast<unsigned char>(line[i + 1]) < 0xA0) {  // C1 controls (CSI, ...)
      out += '?';
      i += 2;
      continue;
    }
    out.append(line.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace

SourceLineCache::Text SourceLineCache::Index(std::string bytes) {
  Text text;
  text.bytes = std::move(bytes);
  text.starts.push_back(0);
  const char* const data = text.bytes.data();
  const size_t size = text.bytes.size();
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\n', data + size - p)));
       ++p)
    text.starts.push_back(static_cast<uint32_t>(p - data + 1));
  return text;
}

std::optional<std::string> SourceLineCache::Line(const std::string& file, uint32_t line) {
  auto it = files_.find(file);
  if (it == files_.end()) {
    std::optional<Text> text;
    if (FileBytes read = ReadRegularFile(file); read.ok()) text = Index(std::move(read.bytes));
    if (read_.size() == kRecentFiles) {
      files_.erase(read_.front());
      read_.pop_front();
    }
    read_.push_back(file);
    it = files_.emplace(file, std::move(text)).first;
  }
  if (!it->second || line == 0 || line > it->second->starts.size()) return std::nullopt;
  const Text& text = *it->second;
  const size_t begin = text.starts[line - 1];
  size_t end = line < text.starts.size() ? text.starts[line] - 1 : text.bytes.size();
  if (end > begin && text.bytes[end - 1] == '\r') --end;
  return text.bytes.substr(begin, end - begin);
}

void SourceLineCache::Add(const std::string& file, std::string_view text) {
  files_[file] = Index(std::string(text));
}

std::string RenderText(std::span<const Diagnostic> diagnostics, const SourceLineLookup& lines,
                       TextStyle style) {
  std::string out;
  auto paint = [&](const char* code, std::string_view text) {
    return style.color ? fmt::format("{}{}{}", code, text, kReset) : std::string(text);
  };
  for (const Diagnostic& d : diagnostics) {
    std::string where = d.file.empty() ? "dagport" : d.file;
    if (d.where.known()) where += fmt::format(":{}:{}", d.where.line, d.where.column);
    out += fmt::format(
        "{}: {}: {}\n", paint(kBold, where),
        paint(SeverityColor(d.severity), fmt::format("{}[{}]", SeverityName(d.severity), d.code)),
        paint(kBold, d.message));
    std::optional<std::string> text;
    if (d.where.known() && !d.file.empty() && lines) text = lines(d.file, d.where.line);
    if (text) {
      // Tabs are kept in the padding so that the caret lines up under them.
      std::string line = Printable(*text);
      uint32_t column = d.where.column;
      uint32_t end_column = d.where.end_column;
      // Secret values in the line are shown as "***"; the marker stays under the same code.
      if (const std::vector<SecretSpan> secrets = FindSecrets(line); !secrets.empty()) {
        const size_t begin = MaskedOffset(secrets, ByteOffsetOfColumn(line, column));
        const size_t end = MaskedOffset(secrets, ByteOffsetOfColumn(line, end_column));
        line = MaskSecrets(line, secrets);
        column = static_cast<uint32_t>(CodePoints(std::string_view(line).substr(0, begin))) + 1;
        if (d.where.end_line == d.where.line && end_column > d.where.column)
          end_column = static_cast<uint32_t>(CodePoints(std::string_view(line).substr(0, end))) + 1;
      }
      // How many code points the marker covers on this line (0: to the end of the line).
      const uint32_t marked =
          d.where.end_line == d.where.line && end_column > column ? end_column - column : 0;
      // A very long line (generated code, minified data) is shown as a window around the place.
      if (CodePoints(line) > kMaxShownColumns) {
        const uint32_t first = column > kMaxShownColumns / 2 ? column - kMaxShownColumns / 2 : 1;
        const size_t from = ByteOffsetOfColumn(line, first);
        const size_t to = ByteOffsetOfColumn(line, first + kMaxShownColumns);
        const bool cut_left = from > 0, cut_right = to < line.size();
        line = (cut_left ? "..." : "") + line.substr(from, to - from) + (cut_right ? "..." : "");
        column = column - first + 1 + (cut_left ? 3 : 0);
      }
      const std::string gutter = std::to_string(d.where.line);
      const std::string blank(gutter.size(), ' ');
      const size_t begin = ByteOffsetOfColumn(line, column);
      const size_t rest = CodePoints(std::string_view(line).substr(begin));
      size_t width = 1;
      if (marked > 0) {
        width = std::min<size_t>(marked, std::max<size_t>(rest, 1));
      } else if (d.where.end_line > d.where.line) {
        width = std::max<size_t>(1, rest);
      }
      std::string pad;
      for (char c : line.substr(0, begin)) {
        if (c == '\t')
          pad += '\t';
        else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
          pad += ' ';
      }
      const std::string marker = "^" + std::string(width - 1, '~');
      out += fmt::format(" {} | {}\n", gutter, line);
      out += fmt::format(" {} | {}{}\n", blank, pad, paint(SeverityColor(d.severity), marker));
    }
    if (!d.hint.empty()) out += fmt::format("  = {}: {}\n", paint(kBold, "hint"), d.hint);
  }
  return out;
}

std::string RenderTextFromFiles(const std::vector<Diagnostic>& diagnostics, unsigned jobs,
                                TextStyle style) {
  // Below this many, a thread costs more than it saves.
  constexpr size_t kPerThread = 512;
  const size_t n = diagnostics.size();
  const size_t runs = std::clamp<size_t>(n / kPerThread, 1, std::max(jobs, 1u));
  // Run k starts at k * n / runs, moved on past the diagnostics of the file before it: one
  // file's lines are read by one thread.
  std::vector<size_t> starts = {0};
  for (size_t k = 1; k < runs; ++k) {
    size_t at = std::max(starts.back(), k * n / runs);
    while (at > 0 && at < n && diagnostics[at].file == diagnostics[at - 1].file) ++at;
    if (at > starts.back() && at < n) starts.push_back(at);
  }
  starts.push_back(n);
  std::vector<std::string> texts(starts.size() - 1);
  auto render = [&](size_t run) {
    SourceLineCache lines;
    const std::span<const Diagnostic> part(diagnostics.data() + starts[run],
                                           starts[run + 1] - starts[run]);
    texts[run] = RenderText(part, lines.AsLookup(), style);
  };
  {
    std::vector<std::jthread> threads;
    for (size_t run = 1; run < texts.size(); ++run) threads.emplace_back(render, run);
    render(0);
  }  // joined
  std::string out = std::move(texts[0]);
  for (size_t run = 1; run < texts.size(); ++run) out += texts[run];
  return out;
}

std::string RenderSummary(const std::vector<Diagnostic>& diagnostics) {
  size_t counts[3] = {0, 0, 0};
  for (const Diagnostic& d : diagnostics) ++counts[static_cast<int>(d.severity)];
  std::vector<std::string> parts;
  auto add = [&](size_t n, const char* one, const char* many) {
    if (n) parts.push_back(fmt::format("{} {}", n, n == 1 ? one : many));
  };
  add(counts[2], "error", "errors");
  add(counts[1], "warning", "warnings");
  add(counts[0], "info", "infos");
  return fmt::format("{}", fmt::join(parts, ", "));
}

Json RenderJson(const std::vector<Diagnostic>& diagnostics) {
  Json list = Json::array();
  for (const Diagnostic& d : diagnostics) list.push_back(DiagnosticToJson(d));
  return Json{{"diagnostics", std::move(list)}};
}

bool ShouldUseColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(fd) != 0;
}

}  // namespace dagport::ir
