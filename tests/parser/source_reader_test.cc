#include "parser/source_reader.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace dagport::parser {
namespace {

TEST(SourceReader, Utf8PassesThroughAndBomIsDropped) {
  auto s = DecodeSource("\xEF\xBB\xBFx = 'caf\xC3\xA9'\n", "f.py");
  ASSERT_TRUE(s.text);
  EXPECT_EQ(*s.text, "x = 'caf\xC3\xA9'\n");
  EXPECT_TRUE(s.diagnostics.empty());
}

TEST(SourceReader, BinaryIsRefused) {
  auto s = DecodeSource(std::string("ab\0cd", 5), "f.py");
  EXPECT_FALSE(s.text);
  ASSERT_EQ(s.diagnostics.size(), 1u);
  EXPECT_EQ(s.diagnostics[0].code, "DP103");
}

TEST(SourceReader, InvalidUtf8IsRefusedWithItsPosition) {
  auto s = DecodeSource("ok = 1\nx = '\xFF'\n", "f.py");
  EXPECT_FALSE(s.text);
  ASSERT_EQ(s.diagnostics.size(), 1u);
  EXPECT_EQ(s.diagnostics[0].code, "DP103");
  EXPECT_EQ(s.diagnostics[0].where.line, 2u);
  EXPECT_EQ(s.diagnostics[0].where.column, 6u);
  // Overlong encodings and surrogates are invalid too.
  EXPECT_FALSE(DecodeSource("\xC0\xAF", "f.py").text);
  EXPECT_FALSE(DecodeSource("\xED\xA0\x80", "f.py").text);
}

TEST(SourceReader, DeclaredLatin1IsTranscoded) {
  auto s = DecodeSource("# -*- coding: latin-1 -*-\nx = 'caf\xE9'\n", "f.py");
  ASSERT_TRUE(s.text);
  EXPECT_EQ(*s.text, "# -*- coding: latin-1 -*-\nx = 'caf\xC3\xA9'\n");
}

TEST(SourceReader, MissingAndOversizedFiles) {
  testing::TempDir tmp;
  auto missing = ReadSource((tmp.path() / "nope.py").string(), "nope.py");
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_EQ(missing.diagnostics[0].code, "DP001");
  auto big = tmp.Write("big.py", std::string(2048, '#'));
  auto s = ReadSource(big.string(), "big.py", 1024);
  EXPECT_FALSE(s.text);
  ASSERT_EQ(s.diagnostics.size(), 1u);
  EXPECT_EQ(s.diagnostics[0].code, "DP104");
}

}  // namespace
}  // namespace dagport::parser
