#include "ir/file_bytes.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "tests/test_support.h"

namespace dagport::ir {
namespace {

using Status = FileBytes::Status;

TEST(ReadRegularFile, ReadsTheWholeFileAsBytes) {
  testing::TempDir dir;
  std::string text = "line 1\r\nline 2\n";
  text.push_back('\0');  // bytes, not a C string
  text += std::string(100000, 'x');
  const FileBytes read = ReadRegularFile(dir.Write("a.py", text).string());
  ASSERT_TRUE(read.ok()) << read.error;
  EXPECT_EQ(read.bytes, text);
  EXPECT_EQ(read.size, text.size());
  const FileBytes empty = ReadRegularFile(dir.Write("empty.py", "").string());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.bytes.empty());
}

TEST(ReadRegularFile, SaysWhyItCouldNotRead) {
  testing::TempDir dir;
  const FileBytes missing = ReadRegularFile((dir.path() / "missing.py").string());
  EXPECT_EQ(missing.status, Status::kCannotRead);
  EXPECT_EQ(missing.error, "No such file or directory");
  const FileBytes folder = ReadRegularFile(dir.path().string());
  EXPECT_EQ(folder.status, Status::kNotRegular);
  EXPECT_EQ(folder.error, "a folder");
}

TEST(ReadRegularFile, RefusesAFifoWithoutWaitingForAWriter) {
  testing::TempDir dir;
  const std::string fifo = (dir.path() / "pipe.py").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const FileBytes read = ReadRegularFile(fifo);
  EXPECT_EQ(read.status, Status::kNotRegular);
  EXPECT_EQ(read.error, "a FIFO");
}

TEST(ReadRegularFile, AFileOverTheBoundIsNotRead) {
  testing::TempDir dir;
  const std::string path = dir.Write("big.py", std::string(1001, 'x')).string();
  const FileBytes over = ReadRegularFile(path, 1000);
  EXPECT_EQ(over.status, Status::kTooLarge);
  EXPECT_EQ(over.size, 1001u);
  EXPECT_TRUE(over.bytes.empty());
  EXPECT_TRUE(ReadRegularFile(path, 1001).ok());
}

}  // namespace
}  // namespace dagport::ir
