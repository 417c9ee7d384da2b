#include "converters/unified_diff.h"

#include <fmt/format.h>

#include <vector>

#include "ir/secrets.h"

namespace dagport::converters {

namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return out;
}

enum class Op { kKeep, kDelete, kInsert };

/// The edit script between a and b: common prefix and suffix, and a longest common
/// subsequence of what lies between (a whole replacement when that middle is too large).
std::vector<std::pair<Op, std::string_view>> Script(const std::vector<std::string_view>& a,
                                                    const std::vector<std::string_view>& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<std::pair<Op, std::string_view>> out;
  for (size_t i = 0; i < prefix; ++i) out.emplace_back(Op::kKeep, a[i]);
  const size_t n = a.size() - prefix - suffix, m = b.size() - prefix - suffix;
  if (n * m <= 4'000'000) {
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        lcs[i][j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1][j + 1] + 1
                                                   : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        out.emplace_back(Op::kKeep, a[prefix + i]);
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.emplace_back(Op::kDelete, a[prefix + i++]);  // deletions first, as diff -u does
      } else {
        out.emplace_back(Op::kInsert, b[prefix + j++]);
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) out.emplace_back(Op::kDelete, a[prefix + i]);
    for (size_t j = 0; j < m; ++j) out.emplace_back(Op::kInsert, b[prefix + j]);
  }
  for (size_t i = a.size() - suffix; i < a.size(); ++i) out.emplace_back(Op::kKeep, a[i]);
  return out;
}

void AppendLine(std::string& out, char mark, std::string_view line) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(std::string_view before, std::string_view after, const std::string& name) {
  if (before == after) return "";
  const std::string masked_before = ir::MaskSecrets(before), masked_after = ir::MaskSecrets(after);
  if (masked_before == masked_after) return "";
  const auto a = Lines(masked_before), b = Lines(masked_after);
  const auto script = Script(a, b);
  constexpr size_t kContext = 3;
  const std::string_view shown = std::string_view(name).substr(name.find_first_not_of('/'));
  std::string out = fmt::format("--- a/{}\n+++ b/{}\n", shown, shown);
  size_t k = 0;
  while (k < script.size()) {
    // The next change, and the hunk around it (changes closer than 2 * context join it).
    while (k < script.size() && script[k].first == Op::kKeep) ++k;
    if (k == script.size()) break;
    size_t start = k >= kContext ? k - kContext : 0;
    size_t end = k;
    size_t keep_run = 0;
    for (size_t x = k; x < script.size(); ++x) {
      if (script[x].first == Op::kKeep) {
        if (++keep_run > 2 * kContext) break;
      } else {
        keep_run = 0;
        end = x + 1;
      }
    }
    end = std::min(script.size(), end + kContext);
    size_t a_line = 1, b_line = 1;
    for (size_t x = 0; x < start; ++x) {
      if (script[x].first != Op::kInsert) ++a_line;
      if (script[x].first != Op::kDelete) ++b_line;
    }
    size_t a_count = 0, b_count = 0;
    for (size_t x = start; x < end; ++x) {
      if (script[x].first != Op::kInsert) ++a_count;
      if (script[x].first != Op::kDelete) ++b_count;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_count ? a_line : a_line - 1, a_count,
                       b_count ? b_line : b_line - 1, b_count);
    for (size_t x = start; x < end; ++x) {
      const char mark = script[x].first == Op::kKeep     ? ' '
                        : script[x].first == Op::kDelete ? '-'
                                                         : '+';
      AppendLine(out, mark, script[x].second);
    }
    k = end;
  }
  return out;
}

}  // namespace dagport::converters
