#include "parser/source_reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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

// Long ASCII stretches are checked eight bytes at a time: a bad byte anywhere after one is still
// found, at its place.
TEST(SourceReader, InvalidUtf8AfterLongAsciiIsFoundWhereItIs) {
  for (size_t prefix : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 63u}) {
    const std::string ascii(prefix, 'a');
    auto bad = DecodeSource("x = '" + ascii + "\xC3\xA9" + ascii + "\xFF'\n", "f.py");
    EXPECT_FALSE(bad.text) << prefix;
    ASSERT_EQ(bad.diagnostics.size(), 1u);
    EXPECT_EQ(bad.diagnostics[0].where.column, 5 + 2 * prefix + 2) << prefix;
    auto good = DecodeSource("x = '" + ascii + "\xC3\xA9" + ascii + "'\n", "f.py");
    EXPECT_TRUE(good.text) << prefix;
  }
}

TEST(SourceReader, DeclaredLatin1IsTranscoded) {
  auto s = DecodeSource("# -*- coding: latin-1 -*-\nx = 'caf\xE9'\n", "f.py");
  ASSERT_TRUE(s.text);
  EXPECT_EQ(*s.text, "# -*- coding: latin-1 -*-\nx = 'caf\xC3\xA9'\n");
  // On the second line (after a shebang) too; a third line's is not a declaration.
  auto second = DecodeSource(
      "#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\ny = '\xE9'\n", "f.py");
  ASSERT_TRUE(second.text);
  EXPECT_NE(second.text->find("y = '\xC3\xA9'"), std::string::npos);
  EXPECT_FALSE(DecodeSource("a = 1\nb = 2\n# coding: latin-1\nc = '\xE9'\n", "f.py").text);
}

// Only a regular file is read: a folder or a FIFO is refused at once (opening a FIFO to read
// it would wait for a writer).
TEST(SourceReader, WhatIsNotARegularFileIsRefused) {
  testing::TempDir tmp;
  auto folder = ReadSource(tmp.path().string(), "dags");
  ASSERT_EQ(folder.diagnostics.size(), 1u);
  EXPECT_EQ(folder.diagnostics[0].code, "DP001");
  EXPECT_NE(folder.diagnostics[0].message.find("a folder"), std::string::npos);
  const std::string fifo = (tmp.path() / "fifo.py").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  auto from_fifo = ReadSource(fifo, "fifo.py");
  EXPECT_FALSE(from_fifo.text);
  ASSERT_EQ(from_fifo.diagnostics.size(), 1u);
  EXPECT_NE(from_fifo.diagnostics[0].message.find("a FIFO"), std::string::npos);
  auto empty = ReadSource(tmp.Write("empty.py", "").string(), "empty.py");
  ASSERT_TRUE(empty.text);
  EXPECT_EQ(*empty.text, "");
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
