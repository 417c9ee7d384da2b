// The direct reads of tree-sitter's subtrees (parser/subtree_access.h) against its public node
// API: the same children, named children, fields and pre-order walk, node for node (same ids,
// positions and aliases), on every Python file of the test corpora and the samples, on broken
// copies of them, and on incrementally re-parsed trees.
#include "parser/subtree_access.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parser/syntax_tree.h"
#include "tests/test_support.h"

namespace dagport::parser {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> PythonFiles() {
  std::vector<fs::path> files;
  for (const char* folder : {"tests/parser/corpus", "tests/converters/corpus", "samples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(testing::SourceDir() / folder)) {
      if (entry.path().extension() == ".py") files.push_back(entry.path());
    }
  }
  return files;
}

TEST(SubtreeAccess, InUseWhereverTheBuildHoldsIt) {
  // A build against tree-sitter 0.20.7 (Debian 12's) holds the direct reads; their self-check
  // must then pass, or every lookup silently takes the slower public API.
  EXPECT_EQ(DirectSubtreeAccess(), DirectSubtreeAccessBuilt());
}

TEST(SubtreeAccess, MatchesThePublicApiOnEveryCorpusFile) {
  if (!DirectSubtreeAccessBuilt()) GTEST_SKIP() << "this build reads trees through the public API";
  const std::vector<fs::path> files = PythonFiles();
  ASSERT_GT(files.size(), 100u);
  for (const fs::path& file : files) {
    const SyntaxTree tree = SyntaxTree::Parse(testing::ReadFile(file));
    EXPECT_TRUE(DirectReadsMatchPublicApi(tree.root())) << file;
  }
}

TEST(SubtreeAccess, MatchesThePublicApiOnBrokenAndReparsedSources) {
  if (!DirectSubtreeAccessBuilt()) GTEST_SKIP() << "this build reads trees through the public API";
  // Inserted text that breaks the syntax in different ways: error recovery, MISSING nodes,
  // unterminated strings and brackets, and extras (comments) in odd places.
  static constexpr std::array<std::string_view, 12> kInserts = {
      "", "#", "'", "\"\"\"", "(", ")", "[", "x y", "\n", "    ", ", y=g(2)", "lambda"};
  std::mt19937 random(20261130);  // fixed: the same edits on every run
  size_t trials = 0;
  for (const fs::path& file : PythonFiles()) {
    const SyntaxTree original = SyntaxTree::Parse(testing::ReadFile(file));
    const std::string& text = original.text();
    if (text.empty()) continue;
    for (int trial = 0; trial < 2; ++trial) {
      uint32_t begin = random() % text.size();
      while (begin > 0 && static_cast<unsigned char>(text[begin]) >= 0x80) --begin;
      uint32_t end = std::min<uint32_t>(begin + random() % 6, text.size());
      while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x80) ++end;
      const std::string_view insert = kInserts[random() % kInserts.size()];
      std::string edited = text.substr(0, begin);
      edited.append(insert);
      edited.append(text, end);
      const SyntaxTree parsed = SyntaxTree::Parse(edited);
      EXPECT_TRUE(DirectReadsMatchPublicApi(parsed.root())) << file << " edit at " << begin;
      // The same edit through an incremental re-parse: subtrees shared with the original.
      const SyntaxTree reparsed = SyntaxTree::Reparse(original, edited, {{begin, end, insert}});
      EXPECT_TRUE(DirectReadsMatchPublicApi(reparsed.root())) << file << " re-parse at " << begin;
      ++trials;
    }
  }
  EXPECT_GT(trials, 200u);
}

TEST(SubtreeAccess, PreorderWalkVisitsEveryVisibleNodeOnce) {
  const SyntaxTree tree = SyntaxTree::Parse("def f(a, *b):\n    return [x for x in a]  # c\n");
  size_t visited = 0, named = 0;
  PreorderWalk walk(tree.root());
  do {
    ++visited;
    if (ts_node_is_named(walk.Current())) ++named;
  } while (walk.Next(true));
  // module, function_definition, def, identifier, parameters, (, identifier, ",",
  // list_splat_pattern, *, identifier, ), :, comment, block, return_statement, return,
  // list_comprehension, [, identifier, for_in_clause, for, identifier, in, identifier, ]; named:
  // module, function_definition, the identifiers f, a, b, x, x, a, parameters,
  // list_splat_pattern, comment, block, return_statement, list_comprehension, for_in_clause.
  EXPECT_EQ(visited, 26u);
  EXPECT_EQ(named, 15u);
}

}  // namespace
}  // namespace dagport::parser
