// ModuleLoader::FindNear: where `import name` in a file finds a local module (the roots, then
// beside the file and up to three folders above it), cached by the file's folder and the name.
#include <gtest/gtest.h>

#include "parser/module_loader.h"
#include "tests/test_support.h"

namespace dagport::parser {
namespace {

TEST(ModuleLoader, FindNearLooksBesideTheFileThenUpToThreeFoldersAbove) {
  testing::TempDir dir;
  const std::string root = (dir.path() / "dags").string();
  dir.Write("dags/team/etl/helpers.py", "X = 1\n");
  dir.Write("dags/common/util.py", "Y = 1\n");
  dir.Write("shared/deep.py", "Z = 1\n");
  const std::string dag = dir.Write("dags/team/etl/jobs/load.py", "import helpers\n").string();
  ModuleLoader loader({root}, {});

  // Under the root first.
  auto util = loader.FindNear("common.util", dag);
  ASSERT_TRUE(util.has_value());
  EXPECT_EQ(std::filesystem::path(util->path).filename(), "util.py");
  // One folder above the file.
  auto helpers = loader.FindNear("helpers", dag);
  ASSERT_TRUE(helpers.has_value());
  EXPECT_TRUE(std::filesystem::equivalent(helpers->path, dir.path() / "dags/team/etl/helpers.py"));
  // Four folders above is too far; the answer is the same when asked again (cached).
  EXPECT_FALSE(loader.FindNear("shared.deep", dag).has_value());
  EXPECT_FALSE(loader.FindNear("deep", dag).has_value());
  EXPECT_TRUE(loader.FindNear("helpers", dag).has_value());
  // Another file of the same folder gets the same answers; a file elsewhere its own.
  const std::string sibling = dir.Write("dags/team/etl/jobs/other.py", "").string();
  EXPECT_TRUE(loader.FindNear("helpers", sibling).has_value());
  const std::string elsewhere = dir.Write("dags/other/job.py", "").string();
  EXPECT_FALSE(loader.FindNear("helpers", elsewhere).has_value());
}

}  // namespace
}  // namespace dagport::parser
