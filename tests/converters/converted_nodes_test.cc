// FindConvertedNodes (the API check's calls and imports of a converted text, taken from the
// original's tree where the re-parse shares its subtrees) against a walk of the whole
// converted tree: the same calls in the same order at the same places, on every Python file of
// the test corpora as the converter rewrites it, and on hand-made edits that move lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "converters/airflow2/api_check.h"
#include "converters/airflow2/converted_nodes.h"
#include "converters/airflow2/file_converter.h"
#include "converters/airflow2/node_index.h"
#include "tests/test_support.h"

namespace dagport::converters::airflow2 {
namespace {

namespace fs = std::filesystem;

std::vector<parser::TextEdit> TextEditsOf(const std::vector<Edit>& edits) {
  std::vector<parser::TextEdit> out;
  for (const Edit& e : edits) out.push_back(parser::TextEdit{e.begin, e.end, e.text});
  return out;
}

std::string Apply(const std::string& text, const std::vector<parser::TextEdit>& edits) {
  std::string out;
  uint32_t at = 0;
  for (const parser::TextEdit& e : edits) {
    out.append(text, at, e.begin - at);
    out.append(e.text);
    at = e.end;
  }
  out.append(text, at);
  return out;
}

/// Where a call sits in the converted text: its bytes there and its line.
struct Placed {
  std::string text;
  int64_t line;
  bool operator==(const Placed&) const = default;
};

Placed PlaceOf(const ConvertedCall& call) {
  return Placed{std::string(call.tree->NodeText(call.node)),
                ts_node_start_point(call.node).row + 1 + call.line_shift};
}

/// Compares the two ways; returns how many calls came from the original's tree.
size_t ExpectSameNodes(const std::string& name, const parser::SyntaxTree& converted,
                       const ConvertedNodes& found) {
  const ConvertedNodes walked = WalkConvertedNodes(converted);
  EXPECT_EQ(found.imports.size(), walked.imports.size()) << name;
  for (size_t i = 0; i < std::min(found.imports.size(), walked.imports.size()); ++i)
    EXPECT_TRUE(ts_node_eq(found.imports[i], walked.imports[i])) << name << " import " << i;
  EXPECT_EQ(found.calls.size(), walked.calls.size()) << name;
  size_t from_original = 0;
  for (size_t i = 0; i < std::min(found.calls.size(), walked.calls.size()); ++i) {
    const ConvertedCall& call = found.calls[i];
    if (call.tree != &converted) {
      ++from_original;
    } else {
      EXPECT_TRUE(ts_node_eq(call.node, walked.calls[i].node)) << name << " call " << i;
    }
    EXPECT_EQ(PlaceOf(call), PlaceOf(walked.calls[i])) << name << " call " << i;
    // The byte offset too: the original's call, moved by the edits before it.
    if (call.tree == &converted) continue;
    const uint32_t at = ts_node_start_byte(walked.calls[i].node);
    EXPECT_EQ(converted.text().substr(at, PlaceOf(call).text.size()), PlaceOf(call).text)
        << name << " call " << i;
  }
  return from_original;
}

TEST(ConvertedNodes, EveryCorpusFileFindsWhatAWholeWalkFinds) {
  ConvertOptions options;
  options.target = *AirflowVersion::Parse("2.10.3");
  options.today = "2026-11-26";
  size_t files = 0, edited = 0, from_original = 0, calls = 0;
  for (const char* folder : {"tests/parser/corpus", "tests/converters/corpus", "tests/golden"}) {
    for (const auto& entry : fs::recursive_directory_iterator(testing::SourceDir() / folder)) {
      if (entry.path().extension() != ".py") continue;
      const std::string name = entry.path().string();
      const parser::SyntaxTree tree = parser::SyntaxTree::Parse(testing::ReadFile(entry.path()));
      const FileConversion c = ConvertTree(name, tree, options, {});
      if (!c.converted || !c.uses_airflow) continue;
      ++files;
      if (!c.changed) {
        from_original += ExpectSameNodes(name, tree, FindConvertedNodes(tree, tree, *c.nodes));
        continue;
      }
      ++edited;
      const std::vector<parser::TextEdit> edits = TextEditsOf(c.edits);
      const parser::SyntaxTree converted = parser::SyntaxTree::Reparse(tree, c.text, edits);
      const ConvertedNodes found = FindConvertedNodes(converted, tree, *c.nodes);
      from_original += ExpectSameNodes(name, converted, found);
      calls += found.calls.size();
      // And the check's findings are the same as from a whole walk.
      const AirflowVersion target = options.target;
      std::vector<std::string> whole, partial;
      for (const ApiFinding& f : CheckTreeAgainstApi(name, converted, target, {}))
        whole.push_back(f.diagnostic.message);
      for (const ApiFinding& f : CheckNodesAgainstApi(name, converted, found, target, {}))
        partial.push_back(f.diagnostic.message);
      EXPECT_EQ(partial, whole) << name;
    }
  }
  EXPECT_GE(files, 80u);
  EXPECT_GE(edited, 60u);
  // Most calls are outside the edits: taken from the original, not walked again.
  EXPECT_GT(from_original * 2, calls);
}

/// Edits no rule makes: random deletions and insertions (quotes, brackets, comment signs, line
/// breaks, indentation, calls, imports) that break strings and blocks and leave syntax errors,
/// so that the re-parse recovers from errors and re-lexes far beyond the edits. Whatever the
/// re-parse shares with the original, the calls and imports found are a whole walk's.
TEST(ConvertedNodes, RandomEditsFindWhatAWholeWalkFinds) {
  static constexpr std::array<std::string_view, 14> kInserts = {"",
                                                                "#",
                                                                "'",
                                                                "\"\"\"",
                                                                "(",
                                                                ")",
                                                                "[",
                                                                "x",
                                                                "f(1)",
                                                                "\n",
                                                                "    ",
                                                                "\nimport os\n",
                                                                "from airflow import DAG\n",
                                                                ", y=g(2)"};
  std::mt19937 random(20261129);  // fixed: the same edits on every run
  size_t trials = 0, from_original = 0;
  for (const char* folder : {"tests/parser/corpus", "tests/converters/corpus"}) {
    for (const auto& entry : fs::recursive_directory_iterator(testing::SourceDir() / folder)) {
      if (entry.path().extension() != ".py") continue;
      const parser::SyntaxTree original =
          parser::SyntaxTree::Parse(testing::ReadFile(entry.path()));
      const std::string& text = original.text();
      if (text.empty()) continue;
      const NodeIndex nodes(original.root(), original.text());
      for (int trial = 0; trial < 4; ++trial) {
        // One to three edits, sorted and apart, each starting and ending on an ASCII byte.
        std::vector<uint32_t> starts;
        const int count = 1 + static_cast<int>(random() % 3);
        for (int k = 0; k < count; ++k) starts.push_back(random() % text.size());
        std::sort(starts.begin(), starts.end());
        std::vector<parser::TextEdit> edits;
        uint32_t after = 0;
        for (uint32_t begin : starts) {
          if (begin < after) continue;
          uint32_t end = std::min<uint32_t>(begin + random() % 8, text.size());
          auto ascii = [&](uint32_t at) {
            return at == text.size() || static_cast<unsigned char>(text[at]) < 0x80;
          };
          if (!ascii(begin) || !ascii(end)) continue;
          edits.push_back({begin, end, kInserts[random() % kInserts.size()]});
          after = end + 1;
        }
        if (edits.empty()) continue;
        const parser::SyntaxTree converted =
            parser::SyntaxTree::Reparse(original, Apply(text, edits), edits);
        const std::string name = entry.path().string() + " trial " + std::to_string(trial);
        from_original +=
            ExpectSameNodes(name, converted, FindConvertedNodes(converted, original, nodes));
        ++trials;
      }
    }
  }
  EXPECT_GE(trials, 200u);
  EXPECT_GT(from_original, 0u);
}

constexpr const char* kOriginal =
    "from airflow import DAG\n"
    "from airflow.operators.bash_operator import BashOperator\n"
    "dag = DAG('d')\n"
    "a = BashOperator(task_id='a', bash_command='x', bogus=1, dag=dag)\n"
    "b = BashOperator(task_id='b', bash_command='y', provide_context=True, dag=dag)\n"
    "c = BashOperator(task_id='c', bash_command=str(len('z')), wrong=2, dag=dag)\n";

/// Edits in the style of the converter's: the import rewritten over two lines, an argument
/// removed, a call inserted; each unknown argument is then reported at its converted line.
TEST(ConvertedNodes, UntouchedCallsAreReportedAtTheirConvertedLines) {
  const parser::SyntaxTree original = parser::SyntaxTree::Parse(kOriginal);
  const std::string text = original.text();
  const auto at = [&](std::string_view s) { return static_cast<uint32_t>(text.find(s)); };
  const std::string import_line = "from airflow.operators.bash_operator import BashOperator";
  const std::string context = ", provide_context=True";
  const std::vector<parser::TextEdit> edits = {
      {at(import_line), at(import_line) + static_cast<uint32_t>(import_line.size()),
       "from airflow.operators.bash import (\n    BashOperator,\n)"},
      {at(context), at(context) + static_cast<uint32_t>(context.size()), ""},
      {at("c = "), at("c = "), "print(len('added'))\n"},
  };
  const std::string converted_text = Apply(text, edits);
  const parser::SyntaxTree converted = parser::SyntaxTree::Reparse(original, converted_text, edits);
  const NodeIndex nodes(original.root(), original.text());
  const ConvertedNodes found = FindConvertedNodes(converted, original, nodes);
  EXPECT_GT(ExpectSameNodes("edited", converted, found), 0u);

  const AirflowVersion target = *AirflowVersion::Parse("2.10.3");
  std::vector<std::string> whole, partial;
  for (const ApiFinding& f : CheckTreeAgainstApi("dag.py", converted, target, {}))
    whole.push_back(f.diagnostic.message);
  for (const ApiFinding& f : CheckNodesAgainstApi("dag.py", converted, found, target, {}))
    partial.push_back(f.diagnostic.message);
  EXPECT_EQ(partial, whole);
  ASSERT_EQ(partial.size(), 2u);
  EXPECT_NE(partial[0].find("bogus= to BashOperator"), std::string::npos) << partial[0];
  EXPECT_NE(partial[0].find("(line 6 of the converted file)"), std::string::npos) << partial[0];
  EXPECT_NE(partial[1].find("wrong= to BashOperator"), std::string::npos) << partial[1];
  EXPECT_NE(partial[1].find("(line 9 of the converted file)"), std::string::npos) << partial[1];
}

/// The syntax can change beyond an edit: the re-parse builds new nodes there, which are walked.
TEST(ConvertedNodes, AnEditThatChangesTheCodeAfterItIsSeen) {
  const std::string text = "a = f(1)\nb = g(2)\nc = h(3)\n";
  const parser::SyntaxTree original = parser::SyntaxTree::Parse(text);
  // "# " before `b`: the call of g after the edit is now a comment.
  const uint32_t b = static_cast<uint32_t>(text.find("b ="));
  const std::vector<parser::TextEdit> edits = {{b, b, "# "}};
  const parser::SyntaxTree converted =
      parser::SyntaxTree::Reparse(original, Apply(text, edits), edits);
  const NodeIndex nodes(original.root(), original.text());
  const ConvertedNodes found = FindConvertedNodes(converted, original, nodes);
  ExpectSameNodes("comment", converted, found);
  ASSERT_EQ(found.calls.size(), 2u);
  EXPECT_EQ(PlaceOf(found.calls[1]), (Placed{"h(3)", 3}));
}

TEST(ConvertedNodes, AConvertedTreeParsedFromScratchIsWalkedWhole) {
  const parser::SyntaxTree original = parser::SyntaxTree::Parse(kOriginal);
  const parser::SyntaxTree converted = parser::SyntaxTree::Parse(std::string(kOriginal) + "x()\n");
  const NodeIndex nodes(original.root(), original.text());
  const ConvertedNodes found = FindConvertedNodes(converted, original, nodes);
  EXPECT_EQ(ExpectSameNodes("scratch", converted, found), 0u);
  EXPECT_EQ(found.calls.size(), nodes.Of("call").size() + 1);
}

constexpr const char* kNested =
    "try:\n"
    "    from airflow.operators.bash_operator import BashOperator\n"
    "except ImportError:\n"
    "    from airflow.operators import BashOperator\n"
    "def make():\n"
    "    if True:\n"
    "        import airflow.operators.dummy_operator as d\n"
    "    return d.DummyOperator(task_id=f('x'))\n"
    "class K:\n"
    "    with open('x') as f:\n"
    "        from airflow.models import Variable\n"
    "    g(f'{h(1)}')\n";

TEST(ConvertedNodes, ImportsInsideFunctionsAndTryBlocksAreFound) {
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(kNested);
  const NodeIndex nodes(tree.root(), tree.text());
  // Nothing changed: the original's own nodes.
  const ConvertedNodes found = FindConvertedNodes(tree, tree, nodes);
  EXPECT_EQ(found.imports.size(), 4u);
  EXPECT_EQ(found.calls.size(), 5u);
  EXPECT_EQ(ExpectSameNodes("nested", tree, found), 0u);  // the same tree
}

/// An edit before the nested imports: the subtrees that hold them are shared with the original,
/// and entered only to find the imports.
TEST(ConvertedNodes, ImportsInsideSharedSubtreesAreFound) {
  // (The statement right after an edit is parsed again; the ones after it are shared.)
  const parser::SyntaxTree original =
      parser::SyntaxTree::Parse(std::string("x = 1\nz = 2\nw = 3\n") + kNested);
  const std::vector<parser::TextEdit> edits = {{0, 5, "x = (\n    y(1)\n)"}};
  const parser::SyntaxTree converted =
      parser::SyntaxTree::Reparse(original, Apply(original.text(), edits), edits);
  const NodeIndex nodes(original.root(), original.text());
  const ConvertedNodes found = FindConvertedNodes(converted, original, nodes);
  EXPECT_EQ(found.imports.size(), 4u);
  ASSERT_EQ(found.calls.size(), 6u);
  // The new call is the converted tree's; the others are the original's, two lines further down.
  EXPECT_EQ(ExpectSameNodes("shared", converted, found), 5u);
  EXPECT_EQ(found.calls[0].tree, &converted);
  EXPECT_EQ(found.calls[1].line_shift, 2);
  EXPECT_EQ(PlaceOf(found.calls.back()), (Placed{"h(1)", 17}));
}

}  // namespace
}  // namespace dagport::converters::airflow2
