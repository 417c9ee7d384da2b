#include "parser/syntax_tree.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace dagport::parser {
namespace {

TEST(SyntaxTree, TheInstalledRuntimeLoadsTheGrammar) {
  EXPECT_EQ(CheckPythonGrammar(), "");
}

TEST(SyntaxTree, ParsesValidPythonWithoutErrors) {
  SyntaxTree t = SyntaxTree::Parse("from airflow import DAG\ndag = DAG('x')\n");
  EXPECT_STREQ(ts_node_type(t.root()), "module");
  EXPECT_TRUE(t.SyntaxErrors("f.py").empty());
  EXPECT_EQ(t.NodeText(ts_node_named_child(t.root(), 1)), "dag = DAG('x')");
}

TEST(SyntaxTree, ReportsErrorsWithLocation) {
  SyntaxTree t = SyntaxTree::Parse("a = 1\nb = (2 +\nc = 3\n");
  auto errors = t.SyntaxErrors("f.py");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].code, "DP101");
  EXPECT_EQ(errors[0].file, "f.py");
  EXPECT_GE(errors[0].where.line, 2u);
}

TEST(SyntaxTree, SyntaxErrorsAnswersEachFileAndLimit) {
  // The tree keeps its last answer; a question with another file name or limit is answered
  // afresh, and a repeated one gives the same diagnostics.
  const SyntaxTree t = SyntaxTree::Parse("print 'a'\nx = 1\nprint 'b'\nexec 'c'\n");
  const std::vector<ir::Diagnostic> all = t.SyntaxErrors("a.py");
  ASSERT_GE(all.size(), 2u);
  for (const ir::Diagnostic& d : all) EXPECT_EQ(d.file, "a.py");
  const std::vector<ir::Diagnostic> one = t.SyntaxErrors("a.py", 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].message, all[0].message);
  const std::vector<ir::Diagnostic> other = t.SyntaxErrors("b.py");
  ASSERT_EQ(other.size(), all.size());
  for (const ir::Diagnostic& d : other) EXPECT_EQ(d.file, "b.py");
  const std::vector<ir::Diagnostic> again = t.SyntaxErrors("b.py");
  ASSERT_EQ(again.size(), other.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].message, other[i].message);
    EXPECT_EQ(again[i].where.line, other[i].where.line);
  }
  EXPECT_EQ(t.SyntaxErrors("a.py").size(), all.size());
}

TEST(SyntaxTree, RecognisesPython2) {
  for (const char* src : {"print 'hello'\n", "try:\n  x()\nexcept ValueError, e:\n  pass\n",
                          "def create_task(dag, names, (index, name)):\n  return index\n"}) {
    auto errors = SyntaxTree::Parse(src).SyntaxErrors("f.py");
    ASSERT_FALSE(errors.empty()) << src;
    EXPECT_EQ(errors[0].code, "DP102") << src;
  }
}

TEST(SyntaxTree, RecognisesPython2StatementsInTheirLessCommonForms) {
  // What the text pre-check must not miss before the tree is walked.
  for (const char* src : {
           "print >>sys.stderr, 'x'\n",
           "if x:\n\tprint\t'tab'\n",
           "exec 'x = 1'\n",
           "try:\n  x()\nexcept (IOError, OSError), e:\n  pass\n",
           "def f(a,\n      (b, c)):\n  return a\n",
           "def f((a, b)):\n  return a\n",
           "raise ValueError, \\\n    'continued'\n",
       }) {
    auto errors = SyntaxTree::Parse(src).SyntaxErrors("f.py");
    ASSERT_FALSE(errors.empty()) << src;
    EXPECT_EQ(errors[0].code, "DP102") << src;
  }
  // Python 3 code with the same words: nothing to report.
  for (const char* src : {
           "print ('x')\nprint(a, (b, c))\n",
           "blueprint = 1\nx.print_it(1)\nexecutor = 2\n",
           "try:\n  x()\nexcept (IOError, OSError) as e:\n  raise ValueError('a, b')\n",
           "def f(a, b=(1, 2), *args: Tuple[int, int], **kw) -> Dict[str, int]:\n  return a\n",
       }) {
    EXPECT_TRUE(SyntaxTree::Parse(src).SyntaxErrors("f.py").empty()) << src;
  }
}

TEST(SyntaxTree, RecognisesPython2TokensTheGrammarAccepts) {
  struct Case {
    const char* source;
    const char* message;  ///< part of the message
    uint32_t line, column;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"os.chmod(path, 0777)\n", "octal literal without `0o`", 1, 16},
           {"x = 1\nbig = 10L\n", "long integer literal", 2, 7},
           {"mask = 0xFFl\n", "long integer literal", 1, 8},
           {"if a <> b:\n    pass\n", "`<>`", 1, 6},
           {"s = `x`\n", "backticks", 1, 5},
           {"p = ur'\\d+'\n", "`ur` string prefix", 1, 5},
           {"def f():\n    raise ValueError, 'bad'\n", "`raise E, msg`", 2, 5},
       }) {
    auto errors = SyntaxTree::Parse(c.source).SyntaxErrors("f.py");
    ASSERT_FALSE(errors.empty()) << c.source;
    EXPECT_EQ(errors[0].code, "DP102") << c.source;
    EXPECT_NE(errors[0].message.find(c.message), std::string::npos)
        << c.source << ": " << errors[0].message;
    EXPECT_EQ(errors[0].where.line, c.line) << c.source;
    EXPECT_EQ(errors[0].where.column, c.column) << c.source;
  }
}

TEST(SyntaxTree, Python3LookAlikesOfPython2TokensAreNotReported) {
  // Inside strings and comments, and the Python 3 literals that look like them.
  for (const char* src :
       {"x = '0777 <> `a` 10L'\n", "# chmod 0777, a <> b, `x`, 10L, ur'x'\n", "x = 0o777\n",
        "x = 0\ny = 00\nz = 0_0\n", "x = 07.5\ny = 0777j\nz = 1e0777\n", "x = 10\n",
        "L = 1\nx = L\n", "x = 'a' if b < c > d else 'e'\n", "raise ValueError('bad')\n", "raise\n",
        "raise (a, b)\n", "x = u'a'\ny = r'b'\nz = rb'c'\n", "x = 0x10\n",
        "t = \"\"\"\nrun `date`\n\"\"\"\n", "user = 1\nr = user\n"}) {
    EXPECT_TRUE(SyntaxTree::Parse(src).SyntaxErrors("f.py").empty()) << src;
  }
}

TEST(SyntaxTree, Python3TuplesInCallsAreNotPython2) {
  EXPECT_TRUE(SyntaxTree::Parse("f(a, (1, 2))\ndef g(a, b=(1, 2)):\n  return ((a, b))\n")
                  .SyntaxErrors("f.py")
                  .empty());
}

TEST(SyntaxTree, ColumnsCountCodePoints) {
  SyntaxTree t = SyntaxTree::Parse("x = 'é'; y = 1\n");
  TSNode second = ts_node_named_child(t.root(), 1);
  EXPECT_EQ(t.NodeText(second), "y = 1");
  EXPECT_EQ(t.Range(second).column, 10u);  // 'é' is two bytes but one column
}

TEST(SyntaxTree, DeepNestingDoesNotCrash) {
  std::string deep = "x = " + std::string(10'000, '(') + "1" + std::string(10'000, ')') + "\n";
  SyntaxTree t = SyntaxTree::Parse(deep);
  (void)t.SyntaxErrors("deep.py");
  SUCCEED();
}

}  // namespace
}  // namespace dagport::parser

namespace dagport::parser {
namespace {

std::string Sexp(const SyntaxTree& tree) {
  return NodeSexp(tree.root());
}

TEST(SyntaxTreeReparse, GivesTheTreeAFullParseGives) {
  const std::string before =
      "from airflow.operators.bash_operator import BashOperator\n"
      "t = BashOperator(task_id='t', xcom_push=True, provide_context=True)\n"
      "def f():\n    return 'x'\n";
  const SyntaxTree old = SyntaxTree::Parse(before);
  // Edits as a converter makes them: sorted, not overlapping, shorter and longer.
  const size_t module = before.find("bash_operator");
  const size_t xcom = before.find("xcom_push");
  const size_t context = before.find(", provide_context=True");
  const std::vector<TextEdit> edits = {
      {static_cast<uint32_t>(module), static_cast<uint32_t>(module + 13), "bash"},
      {static_cast<uint32_t>(xcom), static_cast<uint32_t>(xcom + 9), "do_xcom_push"},
      {static_cast<uint32_t>(context), static_cast<uint32_t>(context + 22), ""},
      {static_cast<uint32_t>(before.size()), static_cast<uint32_t>(before.size()), "x = 1\n"}};
  std::string after = before;
  for (auto it = edits.rbegin(); it != edits.rend(); ++it)
    after.replace(it->begin, it->end - it->begin, it->text);
  const SyntaxTree reparsed = SyntaxTree::Reparse(old, after, edits);
  const SyntaxTree fresh = SyntaxTree::Parse(after);
  EXPECT_EQ(reparsed.text(), after);
  EXPECT_EQ(Sexp(reparsed), Sexp(fresh));
  EXPECT_EQ(reparsed.Range(reparsed.root()), fresh.Range(fresh.root()));
  // Edits that do not fit the text: a full parse instead.
  const SyntaxTree fallback = SyntaxTree::Reparse(old, "x = 2\n", {{5000, 5001, ""}});
  EXPECT_EQ(Sexp(fallback), Sexp(SyntaxTree::Parse("x = 2\n")));
}

// The walk that counts siblings visits what the plain cursor walk visits, entering the same
// nodes, on a file with aliases (keywords used as names), f-strings, comments, Python 2 and a
// syntax error.
TEST(SyntaxTree, PreorderWalkVisitsWhatTheCursorVisits) {
  const SyntaxTree tree = SyntaxTree::Parse(
      "import os  # comment\n"
      "from a.b import (c as d, e)\n"
      "print 'python 2'\n"
      "match = {'k': [1, 2.5, f\"{os.sep!r:>4}\"], **x}\n"
      "def f(self, *args, exec=None, **kw):\n"
      "    return lambda y: (y async for y in z) if y else not y\n"
      "class C(Base, metaclass=M):\n"
      "    x: int = 3\n"
      "    t >> [u, v] << w\n"
      "def broken(:\n"
      "    pass\n");
  // Descends into every node, or into every other node of each level: two patterns.
  for (const int skip_every : {0, 2}) {
    std::vector<std::pair<std::string, uint32_t>> expected, got;
    {
      TSTreeCursor cursor = ts_tree_cursor_new(tree.root());
      size_t n = 0;
      for (bool more = true; more;) {
        const TSNode node = ts_tree_cursor_current_node(&cursor);
        expected.emplace_back(ts_node_type(node), ts_node_start_byte(node));
        const bool descend = skip_every == 0 || ++n % skip_every != 0;
        if (descend && ts_tree_cursor_goto_first_child(&cursor)) continue;
        more = false;
        while (!more) {
          if (ts_tree_cursor_goto_next_sibling(&cursor)) {
            more = true;
          } else if (!ts_tree_cursor_goto_parent(&cursor)) {
            break;
          }
        }
      }
      ts_tree_cursor_delete(&cursor);
    }
    PreorderWalk walk(tree.root());
    size_t n = 0;
    do {
      const TSNode node = walk.Current();
      got.emplace_back(ts_node_type(node), ts_node_start_byte(node));
    } while (walk.Next(skip_every == 0 || ++n % skip_every != 0));
    EXPECT_GT(expected.size(), skip_every == 0 ? 100u : 20u);
    EXPECT_EQ(got, expected) << "skip_every=" << skip_every;
  }
}

// Children and NamedChildren read a small node's children directly and walk a large one's with a
// cursor: on every node of every test file (and of broken code the parser recovered from), both
// give what a cursor gives.
TEST(SyntaxTree, ChildListsEqualTheCursorsChildren) {
  std::vector<std::string> texts = {
      "def broken(:\n    pass\nx = [1, 2,\nprint 'py2'\n",
      "f(a, b, c, d, e, f, g, h, i, j, k=1, *l, **m)\n",  // more children than read directly
      "if x:\n  pass\nelif y:\n  pass\nelse:\n  pass\nclass A(B, C, metaclass=D): pass\n"};
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::SourceDir() / "tests")) {
    if (entry.path().extension() == ".py") texts.push_back(testing::ReadFile(entry.path()));
  }
  ASSERT_GT(texts.size(), 50u);
  size_t nodes = 0, errors = 0;
  for (const std::string& text : texts) {
    const SyntaxTree tree = SyntaxTree::Parse(text);
    if (ts_node_has_error(tree.root())) ++errors;
    TSTreeCursor cursor = ts_tree_cursor_new(tree.root());
    std::vector<TSNode> stack = {tree.root()};
    while (!stack.empty()) {
      const TSNode node = stack.back();
      stack.pop_back();
      ++nodes;
      std::vector<TSNode> all, named;
      ts_tree_cursor_reset(&cursor, node);
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
          const TSNode child = ts_tree_cursor_current_node(&cursor);
          all.push_back(child);
          if (ts_node_is_named(child)) named.push_back(child);
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
      }
      const auto same = [](const NodeList& got, const std::vector<TSNode>& want) {
        return got.size() == want.size() &&
               std::equal(got.begin(), got.end(), want.begin(), ts_node_eq);
      };
      ASSERT_TRUE(same(Children(node), all))
          << ts_node_type(node) << " at byte " << ts_node_start_byte(node) << " of\n"
          << text;
      ASSERT_TRUE(same(NamedChildren(node), named))
          << ts_node_type(node) << " at byte " << ts_node_start_byte(node) << " of\n"
          << text;
      stack.insert(stack.end(), all.begin(), all.end());
    }
    ts_tree_cursor_delete(&cursor);
  }
  EXPECT_GT(nodes, 40000u);
  EXPECT_GT(errors, 0u);
}

}  // namespace
}  // namespace dagport::parser
