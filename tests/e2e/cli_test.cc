// The `dagport` binary as a user calls it: help, version, exit codes, unknown commands.
#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace dagport {
namespace {

using testing::RunDagport;

TEST(Cli, VersionPrintsTheVersion) {
  auto r = RunDagport({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "dagport " DAGPORT_VERSION "\n");
}

TEST(Cli, HelpListsEveryCommand) {
  auto r = RunDagport({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"inspect", "graph", "convert", "simulate", "run", "migrate"}) {
    EXPECT_NE(r.out.find(std::string("  ") + c), std::string::npos) << c;
  }
  EXPECT_TRUE(r.err.empty());
}

TEST(Cli, NoArgumentsIsAUsageError) {
  auto r = RunDagport({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Usage: dagport COMMAND"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, UnknownCommandSuggestsTheNearestOne) {
  auto r = RunDagport({"inspcet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean 'inspect'?"), std::string::npos) << r.err;
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* c : {"inspect", "graph", "convert", "simulate", "run", "migrate"}) {
    auto r = RunDagport({c, "--help"});
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_NE(r.out.find(std::string("Usage: dagport ") + c), std::string::npos) << c;
    auto via_help = RunDagport({"help", c});
    EXPECT_EQ(via_help.out, r.out) << c;
  }
}

TEST(Cli, UnknownOptionIsAUsageError) {
  auto r = RunDagport({"convert", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("see 'dagport convert --help'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dagport
