#include "ir/diagnostic_render.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace dagport::ir {
namespace {

constexpr std::string_view kSource =
    "from airflow import DAG\n"
    "with DAG('etl') as dag:\n"
    "\textract >> load >> extract\n"
    "    café = 'x' + 1\n";

std::vector<Diagnostic> SampleDiagnostics() {
  return {
      MakeDiagnostic("DP150", "dags/etl.py", {3, 17, 3, 27},
                     "cycle in DAG 'etl': extract >> load >> extract",
                     "remove the dependency load >> extract or another one in the cycle"),
      Diagnostic{
          "DP101", Severity::kWarning, "dags/etl.py", {4, 10, 4, 11}, "syntax error near '='", ""},
      Diagnostic{
          "DP153", Severity::kInfo, "dags/etl.py", {2, 1, 3, 5}, "spans two lines", "a hint"},
      MakeDiagnostic("DP001", "dags/missing.py", {}, "cannot read file: No such file or directory",
                     "check that the file exists and is readable"),
      MakeDiagnostic("DP002", "dir with space/.airflowignore", {1, 1, 1, 4},
                     "invalid regular expression '[a'", ""),
  };
}

SourceLineLookup Lookup(SourceLineCache& cache) {
  cache.Add("dags/etl.py", kSource);
  return cache.AsLookup();
}

TEST(RenderText, MatchesGolden) {
  SourceLineCache cache;
  testing::ExpectGolden("diagnostics/sample.txt", RenderText(SampleDiagnostics(), Lookup(cache)));
}

TEST(RenderText, CaretCountsCodePointsAndKeepsTabs) {
  SourceLineCache cache;
  const std::string text = RenderText(SampleDiagnostics(), Lookup(cache));
  // Line 4 has "café": the caret under '=' sits 9 code points in, not 10 bytes.
  EXPECT_NE(text.find(" 4 |     café = 'x' + 1\n   |          ^\n"), std::string::npos) << text;
  // Line 3 starts with a tab, which the caret line repeats.
  EXPECT_NE(text.find("   | \t               ^~~~~~~~~~\n"), std::string::npos) << text;
}

TEST(RenderText, VeryLongLinesAreShownAsAWindow) {
  SourceLineCache cache;
  cache.Add("gen.py", "x = [" + std::string(5000, '1') + "]\n");
  const std::string text = RenderText(
      {MakeDiagnostic("DP104", "gen.py", {1, 2500, 1, 2501}, "too deep")}, cache.AsLookup());
  EXPECT_LT(text.size(), 600u) << text;
  EXPECT_NE(text.find("..."), std::string::npos);
  EXPECT_NE(text.find('^'), std::string::npos);
}

TEST(RenderText, ABinaryLineCannotSendEscapeSequencesToTheTerminal) {
  SourceLineCache cache;
  // An escape sequence, a NUL, a bell, a C1 CSI, a stray continuation byte, and valid UTF-8.
  static constexpr char kLine[] =
      "a\x1b[2Jb\0c\x07"
      "d\xc2\x9b"
      "e\x80"
      "f caf\xc3\xa9 = 1\n";
  cache.Add("bin.py", std::string(kLine, sizeof kLine - 1));
  const std::string text = RenderText(
      {MakeDiagnostic("DP103", "bin.py", {1, 1, 1, 2}, "binary file")}, cache.AsLookup());
  EXPECT_NE(text.find(" 1 | a?[2Jb?c?d?e?f caf\xc3\xa9 = 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
}

TEST(RenderText, ColourOnlyWhenAsked) {
  SourceLineCache cache;
  EXPECT_EQ(RenderText(SampleDiagnostics(), Lookup(cache)).find('\033'), std::string::npos);
  EXPECT_NE(RenderText(SampleDiagnostics(), Lookup(cache), {.color = true}).find("\033[1;31m"),
            std::string::npos);
}

TEST(RenderText, NoColorEnvironmentVariableWins) {
  setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(ShouldUseColor(1));
  unsetenv("NO_COLOR");
}

TEST(RenderText, Summary) {
  EXPECT_EQ(RenderSummary(SampleDiagnostics()), "3 errors, 1 warning, 1 info");
  EXPECT_EQ(RenderSummary({}), "");
}

TEST(RenderSarif, MatchesGolden) {
  testing::ExpectGolden("diagnostics/sample.sarif",
                        RenderSarif(SampleDiagnostics(), "0.1.0").dump(2) + "\n");
}

TEST(RenderSarif, HasTheRequiredStructure) {
  const Json log = RenderSarif(SampleDiagnostics(), "0.1.0");
  EXPECT_EQ(log["version"], "2.1.0");
  const Json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "dagport");
  // Every result's ruleIndex points at its rule.
  for (const Json& r : run["results"]) {
    EXPECT_EQ(run["tool"]["driver"]["rules"][r["ruleIndex"].get<size_t>()]["id"], r["ruleId"]);
    EXPECT_TRUE(r["level"] == "error" || r["level"] == "warning" || r["level"] == "note");
  }
  EXPECT_EQ(run["results"][4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "dir%20with%20space/.airflowignore");
  // A diagnostic about no place in a file has no region.
  EXPECT_FALSE(run["results"][3]["locations"][0]["physicalLocation"].contains("region"));
}

TEST(RenderJson, ListsEveryField) {
  const Json j = RenderJson(SampleDiagnostics());
  ASSERT_EQ(j["diagnostics"].size(), 5u);
  EXPECT_EQ(j["diagnostics"][0]["code"], "DP150");
  EXPECT_EQ(j["diagnostics"][0]["severity"], "error");
  EXPECT_EQ(j["diagnostics"][0]["line"], 3);
  EXPECT_EQ(j["diagnostics"][0]["column"], 17);
  EXPECT_EQ(j["diagnostics"][0]["hint"],
            "remove the dependency load >> extract or another one in the cycle");
}

TEST(DiagnosticCodes, EveryCodeIsDocumentedAndEveryDocumentedCodeExists) {
  const std::string doc = testing::ReadFile(testing::SourceDir() / "docs" / "diagnostics.md");
  for (const DiagnosticCode& c : AllDiagnosticCodes()) {
    EXPECT_NE(doc.find("### " + std::string(c.code)), std::string::npos)
        << c.code << " missing from docs";
    EXPECT_TRUE(std::regex_match(std::string(c.code), std::regex("DP[0-4][0-9][0-9]"))) << c.code;
  }
  std::regex heading("### (DP[0-9]+)");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), heading);
       it != std::sregex_iterator(); ++it) {
    EXPECT_NE(FindDiagnosticCode((*it)[1].str()), nullptr)
        << (*it)[1].str() << " documented but unknown";
  }
}

TEST(DiagnosticCodes, MakeDiagnosticUsesTheDefaultSeverity) {
  EXPECT_EQ(MakeDiagnostic("DP003", "f", {}, "m").severity, Severity::kWarning);
  EXPECT_THROW(MakeDiagnostic("DP999", "f", {}, "m"), std::logic_error);
}

TEST(SourceLineCache, ReadsLinesFromDiskAsWritten) {
  testing::TempDir dir;
  const std::string crlf = dir.Write("crlf.py", "a = 1\r\nb = 2\r\n\r\nlast").string();
  const std::string plain = dir.Write("plain.py", "x\n\ny\n").string();
  const std::string empty = dir.Write("empty.py", "").string();
  SourceLineCache cache;
  EXPECT_EQ(cache.Line(crlf, 1), "a = 1");  // the '\r' of "\r\n" is not part of the line
  EXPECT_EQ(cache.Line(crlf, 2), "b = 2");
  EXPECT_EQ(cache.Line(crlf, 3), "");
  EXPECT_EQ(cache.Line(crlf, 4), "last");  // no newline at the end
  EXPECT_EQ(cache.Line(crlf, 5), std::nullopt);
  EXPECT_EQ(cache.Line(crlf, 0), std::nullopt);
  EXPECT_EQ(cache.Line(plain, 2), "");
  EXPECT_EQ(cache.Line(plain, 3), "y");
  EXPECT_EQ(cache.Line(plain, 4), "");  // after the last newline, as Python counts lines
  EXPECT_EQ(cache.Line(plain, 5), std::nullopt);
  EXPECT_EQ(cache.Line(empty, 1), "");
  EXPECT_EQ(cache.Line((dir.path() / "missing.py").string(), 1), std::nullopt);
}

TEST(SourceLineCache, DoesNotWaitOnAFifo) {
  testing::TempDir dir;
  const std::string fifo = (dir.path() / "pipe.py").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  SourceLineCache cache;
  EXPECT_EQ(cache.Line(fifo, 1), std::nullopt);  // returns at once: no writer is waited for
}

TEST(SourceLineCache, ManyFilesKeepOnlyTheRecentOnesAndStillAnswer) {
  testing::TempDir dir;
  std::vector<std::string> files;
  for (int i = 0; i < 40; ++i)
    files.push_back(
        dir.Write("f" + std::to_string(i) + ".py", "l1\nfile " + std::to_string(i)).string());
  SourceLineCache cache;
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 40; ++i) EXPECT_EQ(cache.Line(files[i], 2), "file " + std::to_string(i));
}

TEST(RenderTextFromFiles, OnSeveralThreadsGivesTheTextOfOneRender) {
  testing::TempDir dir;
  std::vector<std::string> files;
  for (int i = 0; i < 7; ++i) {
    std::string text;
    for (int line = 1; line <= 60; ++line)
      text += fmt::format("x{} = {}  # file {}\n", line, line, i);
    files.push_back(dir.Write(fmt::format("f{}.py", i), text).string());
  }
  // Runs of very different lengths, a file named twice apart, and diagnostics with no place.
  std::vector<Diagnostic> diagnostics;
  const int lengths[] = {1, 900, 3, 1400, 250, 2, 1100};
  for (int i = 0; i < 7; ++i) {
    for (int k = 0; k < lengths[i]; ++k) {
      const uint32_t line = 1 + static_cast<uint32_t>(k % 60);
      diagnostics.push_back(MakeDiagnostic("DP150", files[i], {line, 1, line, 3},
                                           fmt::format("d{} of {}", k, i), "a hint"));
    }
    if (i == 3) diagnostics.push_back(MakeDiagnostic("DP001", files[0], {}, "again the first"));
  }
  SourceLineCache cache;
  const std::string expected = RenderText(diagnostics, cache.AsLookup());
  ASSERT_NE(expected.find(" 60 | x60 = 60  # file 6"), std::string::npos);
  for (unsigned jobs : {1u, 2u, 3u, 8u})
    EXPECT_EQ(RenderTextFromFiles(diagnostics, jobs), expected) << jobs << " jobs";
  EXPECT_EQ(RenderTextFromFiles({}, 2), "");
}

}  // namespace
}  // namespace dagport::ir
