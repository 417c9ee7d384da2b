#include "converters/source_edit.h"

#include <gtest/gtest.h>

#include "converters/python_edits.h"
#include "converters/unified_diff.h"
#include "parser/syntax_tree.h"

namespace dagport::converters {
namespace {

TEST(EditList, AppliesReplacementsAndInsertionsInOrder) {
  EditList edits;
  edits.Replace(4, 7, "XYZ");
  edits.Insert(0, "<");
  edits.Insert(10, ">");
  edits.Insert(10, "!");  // two insertions at one offset keep the order they were made in
  edits.Delete(8, 9);
  EXPECT_EQ(edits.Apply("0123456789"), "<0123XYZ79>!");
}

TEST(EditList, OverlapsAreConflictsNotManglings) {
  EditList edits;
  edits.Replace(2, 6, "a");
  edits.Replace(4, 8, "b");
  EXPECT_THROW((void)edits.Apply("0123456789"), EditConflict);
  EditList inside;
  inside.Replace(2, 6, "a");
  inside.Insert(4, "b");
  EXPECT_THROW((void)inside.Apply("0123456789"), EditConflict);
  EditList outside;
  outside.Replace(2, 4, "a");
  EXPECT_THROW((void)outside.Apply("012"), EditConflict);
}

TEST(EditList, AClaimWinsOverTheEditsInsideIt) {
  EditList edits;
  edits.Claim(2, 8, "[claimed]");
  edits.Replace(3, 5, "x");  // inside the claim: dropped
  edits.Insert(4, "y");      // inside: dropped
  edits.Insert(2, "<");      // at its ends: kept
  edits.Insert(8, ">");
  edits.Replace(8, 9, "Z");  // outside: kept
  EXPECT_EQ(edits.Apply("0123456789"), "01<[claimed]>Z9");
  // A replacement that only overlaps a claim is still a conflict.
  EditList overlap;
  overlap.Claim(2, 6, "a");
  overlap.Replace(4, 8, "b");
  EXPECT_THROW((void)overlap.Apply("0123456789"), EditConflict);
}

TEST(EditList, TouchesSeesReplacementsOnly) {
  EditList edits;
  edits.Replace(2, 6, "a");
  edits.Insert(8, "b");
  EXPECT_TRUE(edits.Touches(5, 7));
  EXPECT_FALSE(edits.Touches(6, 9));
}

/// `edit(edits, tree, argument_list)` applied to the first call of `source`.
template <typename Edit>
std::string EditFirstCall(const std::string& source, Edit edit) {
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(source);
  TSNode call = tree.root();
  while (!ts_node_is_null(call) && parser::NodeType(call) != "call") {
    call = ts_node_named_child(call, 0);
  }
  EditList edits;
  edit(edits, tree, parser::ChildByField(call, "arguments"));
  return edits.Apply(tree.text());
}

std::string DeleteKeyword(const std::string& source, std::string_view name) {
  return EditFirstCall(source, [&](EditList& edits, const parser::SyntaxTree& tree, TSNode args) {
    DeleteListItem(edits, tree, FindKeyword(tree, args, name));
  });
}

TEST(PythonEdits, DeletesAnArgumentWithItsCommaAndLine) {
  EXPECT_EQ(DeleteKeyword("f(a=1, b=2, c=3)\n", "b"), "f(a=1, c=3)\n");
  EXPECT_EQ(DeleteKeyword("f(a=1, b=2)\n", "b"), "f(a=1)\n");
  EXPECT_EQ(DeleteKeyword("f(b=2)\n", "b"), "f()\n");
  EXPECT_EQ(DeleteKeyword("f(b=2, a=1)\n", "b"), "f(a=1)\n");
  EXPECT_EQ(DeleteKeyword("f(\n    a=1,\n    b=2,  # why\n    c=3,\n)\n", "b"),
            "f(\n    a=1,\n    c=3,\n)\n");
  EXPECT_EQ(DeleteKeyword("f(\n    a=1,\n    b=2)\n", "b"), "f(\n    a=1)\n");
  EXPECT_EQ(DeleteKeyword("f(a=1, b=2,\n  c=3)\n", "b"), "f(a=1,\n  c=3)\n");
}

std::string AppendKeyword(const std::string& source, const std::string& item) {
  return EditFirstCall(source, [&](EditList& edits, const parser::SyntaxTree& tree, TSNode args) {
    AppendListItem(edits, tree, args, item);
  });
}

TEST(PythonEdits, AppendsAnArgumentInTheCallsLayout) {
  EXPECT_EQ(AppendKeyword("f()\n", "x=1"), "f(x=1)\n");
  EXPECT_EQ(AppendKeyword("f(a)\n", "x=1"), "f(a, x=1)\n");
  EXPECT_EQ(AppendKeyword("f(a,)\n", "x=1"), "f(a, x=1,)\n");
  EXPECT_EQ(AppendKeyword("f(\n    a,\n    b,\n)\n", "x=1"), "f(\n    a,\n    b,\n    x=1,\n)\n");
  EXPECT_EQ(AppendKeyword("f(\n    a,\n    b)\n", "x=1"), "f(\n    a,\n    b,\n    x=1)\n");
  EXPECT_EQ(AppendKeyword("f('d', a=1,\n  b=2)\n", "x=1"), "f('d', a=1,\n  b=2,\n  x=1)\n");
  // A comment after the last argument stays with it.
  EXPECT_EQ(AppendKeyword("f(a=1,\n  b=2  # why\n  )\n", "x=1"),
            "f(a=1,\n  b=2,  # why\n  x=1,\n  )\n");
}

TEST(UnifiedDiff, PrintsHunksWithContextAsDiffDoes) {
  // Checked against GNU diff -u: changes 7 lines apart make two hunks, 6 apart one.
  const std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nl\n";
  const std::string after = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nl\nk\n";
  EXPECT_EQ(UnifiedDiff(before, after, "x.py"),
            "--- a/x.py\n+++ b/x.py\n"
            "@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n"
            "@@ -9,3 +9,4 @@\n i\n j\n l\n+k\n");
  EXPECT_EQ(
      UnifiedDiff("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n", "x.py"),
      "--- a/x.py\n+++ b/x.py\n"
      "@@ -1,10 +1,11 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n i\n j\n+k\n");
  EXPECT_EQ(UnifiedDiff(before, before, "x.py"), "");
  EXPECT_EQ(UnifiedDiff("a", "b", "y"),
            "--- a/y\n+++ b/y\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No "
            "newline at end of file\n");
}

}  // namespace
}  // namespace dagport::converters
