#include "converters/atomic_file.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/test_support.h"

namespace dagport::converters {
namespace {

namespace fs = std::filesystem;

/// Every file below `root`, relative to it.
std::set<std::string> FilesBelow(const fs::path& root) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), root).string());
  }
  return files;
}

TEST(AtomicWriteBatch, FilesStagedFromSeveralThreadsAppearOnCommit) {
  testing::TempDir dir;
  const fs::path out = dir.path() / "out";
  AtomicWriteBatch batch;
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        // Threads share folders: a folder is created once, whoever comes first.
        batch.Stage(out / fmt::format("team_{}", i % 5) / fmt::format("dag_{}_{}.py", t, i),
                    fmt::format("# thread {} file {}\n", t, i));
      }
    });
  }
  threads.clear();  // joins
  // Nothing is visible before Commit.
  EXPECT_FALSE(fs::exists(out / "team_0" / "dag_0_0.py"));
  EXPECT_TRUE(batch.Commit().empty());
  const std::set<std::string> files = FilesBelow(out);
  EXPECT_EQ(files.size(), 200u);  // and no temporary file left
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 50; ++i) {
      const fs::path path = out / fmt::format("team_{}", i % 5) / fmt::format("dag_{}_{}.py", t, i);
      EXPECT_EQ(testing::ReadFile(path), fmt::format("# thread {} file {}\n", t, i));
    }
  }
}

TEST(AtomicWriteBatch, WhatIsNotCommittedLeavesTheTargetsAsTheyWere) {
  testing::TempDir dir;
  const fs::path kept = dir.Write("out/kept.py", "before\n");
  {
    AtomicWriteBatch batch;
    batch.Stage(kept, "after\n");
    batch.Stage(dir.path() / "out" / "new.py", "new\n");
  }  // no Commit: an error part-way
  EXPECT_EQ(testing::ReadFile(kept), "before\n");
  EXPECT_EQ(FilesBelow(dir.path() / "out"), std::set<std::string>{"kept.py"});
}

TEST(AtomicWriteBatch, ATargetThatCannotBeReplacedIsReportedAndTheOthersAreWritten) {
  testing::TempDir dir;
  const fs::path out = dir.path() / "out";
  dir.Write("out/b.py/inside.txt", "a folder where a file should go\n");
  AtomicWriteBatch batch;
  batch.Stage(out / "c.py", "c\n");
  batch.Stage(out / "b.py", "b\n");
  batch.Stage(out / "a.py", "a\n");
  const auto failures = batch.Commit();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first, (out / "b.py").string());
  EXPECT_FALSE(failures[0].second.empty());
  EXPECT_EQ(testing::ReadFile(out / "a.py"), "a\n");
  EXPECT_EQ(testing::ReadFile(out / "c.py"), "c\n");
  EXPECT_EQ(FilesBelow(out), (std::set<std::string>{"a.py", "b.py/inside.txt", "c.py"}));
}

TEST(AtomicWriteBatch, StagingIntoAnUnwritablePlaceThrowsNamingThePath) {
  testing::TempDir dir;
  const fs::path file = dir.Write("plain.txt", "x\n");
  AtomicWriteBatch batch;
  try {
    batch.Stage(file / "under_a_file.py", "y\n");
    FAIL() << "staging below a regular file succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("under_a_file.py"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(batch.Commit().empty());
}

/// The entries of `folder` whose names hold `part` (the staging folders a batch leaves, if any).
std::set<std::string> EntriesWith(const fs::path& folder, std::string_view part) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.find(part) != std::string::npos) names.insert(name);
  }
  return names;
}

TEST(AtomicWriteBatch, ANewOutputFolderAppearsWholeOnCommit) {
  testing::TempDir dir;
  const fs::path out = dir.path() / "out";
  AtomicWriteBatch batch(out);
  ASSERT_TRUE(batch.stages_folder());
  std::vector<std::jthread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i)
        batch.Stage(out / fmt::format("team_{}", i % 4) / fmt::format("dag_{}_{}.py", t, i),
                    fmt::format("# {} {}\n", t, i));
    });
  }
  threads.clear();
  batch.Stage(out / "requirements.txt", "first\n");
  batch.Stage(out / "requirements.txt", "second\n");         // staged again: the later one wins
  EXPECT_FALSE(fs::exists(out));                             // nothing of it before Commit
  EXPECT_EQ(EntriesWith(dir.path(), "staging").size(), 1u);  // but a staging folder beside it
  EXPECT_TRUE(batch.Commit().empty());
  const std::set<std::string> files = FilesBelow(out);
  EXPECT_EQ(files.size(), 121u);
  EXPECT_EQ(testing::ReadFile(out / "team_1" / "dag_2_5.py"), "# 2 5\n");
  EXPECT_EQ(testing::ReadFile(out / "requirements.txt"), "second\n");
  EXPECT_TRUE(EntriesWith(dir.path(), "staging").empty());  // the staging folder became `out`
}

TEST(AtomicWriteBatch, AnUncommittedNewOutputFolderLeavesNothing) {
  testing::TempDir dir;
  {
    AtomicWriteBatch batch(dir.path() / "out/");
    ASSERT_TRUE(batch.stages_folder());
    batch.Stage(dir.path() / "out" / "a" / "b.py", "b\n");
  }  // no Commit: an error part-way
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
  EXPECT_TRUE(EntriesWith(dir.path(), "staging").empty());
}

TEST(AtomicWriteBatch, AnExistingEmptyOutputFolderIsKeptAndNothingStagedMakesNothing) {
  testing::TempDir dir;
  const fs::path empty = dir.path() / "empty";
  fs::create_directories(empty);
  struct stat before {};
  ASSERT_EQ(::stat(empty.c_str(), &before), 0);
  {
    // An existing folder may be a mount point, or have its own owner: written into, not replaced.
    AtomicWriteBatch batch(empty);
    EXPECT_FALSE(batch.stages_folder());
    batch.Stage(empty / "x.py", "x\n");
    EXPECT_TRUE(batch.Commit().empty());
  }
  struct stat after {};
  ASSERT_EQ(::stat(empty.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(FilesBelow(empty), std::set<std::string>{"x.py"});
  {
    AtomicWriteBatch batch(dir.path() / "a" / "b" / "unused");
    EXPECT_TRUE(batch.stages_folder());
    EXPECT_TRUE(batch.Commit().empty());
  }
  EXPECT_FALSE(fs::exists(dir.path() / "a"));  // not even the parents
  EXPECT_TRUE(EntriesWith(dir.path(), "staging").empty());
}

TEST(AtomicWriteBatch, AnOutputFolderWithFilesIsWrittenFileByFile) {
  testing::TempDir dir;
  dir.Write("out/kept.txt", "kept\n");
  AtomicWriteBatch batch(dir.path() / "out");
  EXPECT_FALSE(batch.stages_folder());
  batch.Stage(dir.path() / "out" / "new.py", "new\n");
  EXPECT_TRUE(batch.Commit().empty());
  EXPECT_EQ(FilesBelow(dir.path() / "out"), (std::set<std::string>{"kept.txt", "new.py"}));
}

TEST(AtomicWriteBatch, AnOutputFolderMadeMeanwhileGetsTheFilesOneByOne) {
  testing::TempDir dir;
  const fs::path out = dir.path() / "out";
  AtomicWriteBatch batch(out);
  ASSERT_TRUE(batch.stages_folder());
  batch.Stage(out / "a.py", "a\n");
  batch.Stage(out / "sub" / "b.py", "b\n");
  batch.Stage(out / "." / "c.py", "c\n");
  dir.Write("out/theirs.txt", "theirs\n");                    // someone writes there meanwhile
  dir.Write("out/c.py/inside.txt", "a folder in the way\n");  // and makes c.py a folder
  const auto failures = batch.Commit();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first, (out / "." / "c.py").string());  // as the caller named it
  EXPECT_EQ(FilesBelow(out),
            (std::set<std::string>{"a.py", "c.py/inside.txt", "sub/b.py", "theirs.txt"}));
  EXPECT_EQ(testing::ReadFile(out / "sub" / "b.py"), "b\n");
  EXPECT_TRUE(EntriesWith(dir.path(), "staging").empty());
}

TEST(AtomicWriteBatch, AStagingErrorNamesTheTargetNotTheStagingFolder) {
  testing::TempDir dir;
  const fs::path out = dir.path() / "out";
  AtomicWriteBatch batch(out);
  ASSERT_TRUE(batch.stages_folder());
  batch.Stage(out / "x", "a file\n");
  try {
    batch.Stage(out / "x" / "y.py", "below a file\n");
    FAIL() << "staging below a staged file succeeded";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((out / "x" / "y.py").string()), std::string::npos) << what;
    EXPECT_EQ(what.find("staging"), std::string::npos) << what;
  }
  EXPECT_TRUE(batch.Commit().empty());
  EXPECT_EQ(FilesBelow(out), std::set<std::string>{"x"});
}

TEST(AtomicWriteBatch, FilesOutsideTheOutputFolderAreStagedBesideTheirTargets) {
  testing::TempDir dir;
  const fs::path other = dir.Write("elsewhere/old.py", "old\n");
  AtomicWriteBatch batch(dir.path() / "out");
  batch.Stage(other, "new\n");
  batch.Stage(dir.path() / "out" / "in.py", "in\n");
  EXPECT_EQ(testing::ReadFile(other), "old\n");
  EXPECT_TRUE(batch.Commit().empty());
  EXPECT_EQ(testing::ReadFile(other), "new\n");
  EXPECT_EQ(FilesBelow(dir.path() / "out"), std::set<std::string>{"in.py"});
  EXPECT_EQ(FilesBelow(dir.path() / "elsewhere"), std::set<std::string>{"old.py"});
}

TEST(WriteFileAtomically, CreatesFoldersAndReplacesWholeFiles) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "a" / "b" / "c.txt";
  WriteFileAtomically(path, "first\n");
  WriteFileAtomically(path, "second\n");
  EXPECT_EQ(testing::ReadFile(path), "second\n");
  EXPECT_EQ(FilesBelow(dir.path()), std::set<std::string>{"a/b/c.txt"});
}

}  // namespace
}  // namespace dagport::converters
