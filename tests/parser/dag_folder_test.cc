#include "parser/dag_folder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_support.h"

namespace dagport::parser {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Relative(const FolderListing& l, const fs::path& base) {
  std::vector<std::string> out;
  for (const auto& f : l.files) out.push_back(fs::path(f).lexically_relative(base).string());
  return out;
}

TEST(DagFolder, WalksRecursivelyInSortedOrderAndKeepsOnlyPython) {
  testing::TempDir tmp;
  tmp.Write("b.py", "");
  tmp.Write("a.py", "");
  tmp.Write("notes.txt", "");
  tmp.Write("sub/c.py", "");
  tmp.Write("sub/__pycache__/c.cpython-311.py", "");
  auto l = ListPythonFiles({tmp.path().string()});
  EXPECT_EQ(Relative(l, tmp.path()), (std::vector<std::string>{"a.py", "b.py", "sub/c.py"}));
  EXPECT_TRUE(l.diagnostics.empty());
}

TEST(DagFolder, AirflowIgnoreAppliesToItsFolderAndBelow) {
  testing::TempDir tmp;
  tmp.Write(".airflowignore", "# comment\nskip_.*\n");
  tmp.Write("keep.py", "");
  tmp.Write("skip_me.py", "");
  tmp.Write("sub/skip_too.py", "");
  tmp.Write("sub/.airflowignore", "local\n");
  tmp.Write("sub/local.py", "");
  tmp.Write("sub/ok.py", "");
  tmp.Write("other/local.py", "");  // sub's pattern does not apply to a sibling
  tmp.Write("skip_dir/x.py", "");   // a matching folder is not walked at all
  auto l = ListPythonFiles({tmp.path().string()});
  EXPECT_EQ(Relative(l, tmp.path()),
            (std::vector<std::string>{"keep.py", "other/local.py", "sub/ok.py"}));
}

TEST(DagFolder, InvalidPatternIsReportedWithItsLine) {
  testing::TempDir tmp;
  tmp.Write(".airflowignore", "ok\n[unclosed\n");
  tmp.Write("a.py", "");
  auto l = ListPythonFiles({tmp.path().string()});
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].code, "DP002");
  EXPECT_EQ(l.diagnostics[0].where.line, 2u);
  EXPECT_EQ(l.files.size(), 1u);
}

TEST(DagFolder, SymlinkLoopsAreWalkedOnce) {
  testing::TempDir tmp;
  tmp.Write("d/a.py", "");
  fs::create_directory_symlink(tmp.path() / "d", tmp.path() / "d" / "loop");
  auto l = ListPythonFiles({tmp.path().string()});
  EXPECT_EQ(Relative(l, tmp.path()), std::vector<std::string>{"d/a.py"});
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].code, "DP003");
}

TEST(DagFolder, NamedFilesAreTakenOnceAndMissingPathsReported) {
  testing::TempDir tmp;
  auto f = tmp.Write("dag.txt", "");
  tmp.Write("x.py", "");
  auto l = ListPythonFiles({f.string(), (tmp.path() / "x.py").string(), tmp.path().string(),
                            (tmp.path() / "missing").string()});
  EXPECT_EQ(Relative(l, tmp.path()), (std::vector<std::string>{"dag.txt", "x.py"}));
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].code, "DP001");
}

}  // namespace
}  // namespace dagport::parser
