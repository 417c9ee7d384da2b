// Inputs the fuzzers (tests/fuzz/) found that the parser mishandled, or that review found
// while fuzzing, each reduced to a few lines, with what the parser must say about them now.
// Every one is something a hostile DAG file can write: the analysis must not crash, overflow or
// run out of memory on it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/syntax_tree.h"

namespace dagport::parser {
namespace {

// Two statements on one line without `;` (here an expression and an import) parse with a
// MISSING newline token, which tree-sitter keeps hidden from the cursor: SyntaxErrors walked
// past it and called the file valid Python, so the converter rewrote it (and two of its rules
// then edited the same bytes). Found by converter_fuzzer.
TEST(ParserFuzzRegressions, MissingNewlineBetweenTwoStatementsIsASyntaxError) {
  const SyntaxTree tree = SyntaxTree::Parse(
      "from airflow.operators.bash_operator import BashOperator\n"
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "\n"
      "def f():\n"
      "    extract >> r.bash_operator import BashOperator\n"
      "from airflow.operators.dummy_operator import DummyOperator\n");
  const std::vector<ir::Diagnostic> errors = tree.SyntaxErrors("input.py");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "DP101");
  EXPECT_EQ(errors[0].where.line, 5u);
  EXPECT_EQ(errors[0].where.column, 32u);
  EXPECT_EQ(errors[0].message, "syntax error near 'import BashOperator'");

  // The same at module level, and a valid line with `;` for contrast.
  EXPECT_FALSE(SyntaxTree::Parse("x = 1\na >> b.c import d\n").SyntaxErrors("m.py").empty());
  EXPECT_TRUE(SyntaxTree::Parse("a >> b.c; import d\n").SyntaxErrors("m.py").empty());
}

/// What `expression` evaluates to, seen through a task id: "t_<value>", or the reason it is
/// not statically known.
std::string Value(const std::string& expression) {
  static ModuleLoader loader({"/nonexistent-dagport-test-root"}, {});
  const std::string source =
      "from datetime import datetime, timedelta\n"
      "from airflow import DAG\n"
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "M = -9223372036854775807 - 1\n"
      "dag = DAG('d', start_date=datetime(2021, 1, 1))\n"
      "DummyOperator(task_id='t_' + str(" +
      expression + "), dag=dag)\n";
  const FileAnalysis a = AnalyzeSource("input.py", source, loader);
  for (const ir::Diagnostic& d : a.file.diagnostics) {
    if (d.code == "DP110") return d.message.substr(d.message.find(": ") + 2);
  }
  if (a.file.dags.size() != 1 || a.file.dags[0].tasks.size() != 1) return "no task";
  return a.file.dags[0].tasks[0].task_id;
}

// 64-bit integer arithmetic overflowed (UBSan: signed integer overflow), and INT64_MIN // -1
// and % -1 trap on x86. Python's integers have no bound: beyond 64 bits a value is unknown.
// The first was found by converter_fuzzer; the others by review.
TEST(ParserFuzzRegressions, IntegersBeyond64Bits) {
  EXPECT_EQ(Value("2222226222222 * 22222622222222"), "an integer beyond 64 bits");
  for (const char* e : {"-M", "M // -1", "M - 1", "M * 2", "2 ** 63", "3 << 62", "M + M"})
    EXPECT_EQ(Value(e), "an integer beyond 64 bits") << e;
  EXPECT_EQ(Value("M % -1"), "t_0");
  EXPECT_EQ(Value("7 // -1"), "t_-7");
  EXPECT_EQ(Value("2 ** 62 + (2 ** 62 - 1)"), "t_9223372036854775807");
  EXPECT_EQ(Value("-(M + 1)"), "t_9223372036854775807");
  // range() stepping past the largest int64.
  EXPECT_EQ(Value("len(list(range(M, 9223372036854775807, 2**62)))"), "t_4");
}

// Casting a float beyond int64 to an integer is undefined (UBSan): int(1e300), '%d' % 1e300.
TEST(ParserFuzzRegressions, FloatsBeyond64BitIntegers) {
  EXPECT_EQ(Value("int(1e300)"), "int() of a float beyond 64-bit integers");
  EXPECT_EQ(Value("int(float('inf'))"), "int() of a float beyond 64-bit integers");
  EXPECT_EQ(Value("'%d' % 1e300"), "%-formatting dagport cannot evaluate");
  EXPECT_EQ(Value("int(-2.5)"), "t_-2");
}

// A timedelta beyond 64-bit microseconds wrapped around (timedelta(microseconds=2**63-1) had
// -106751992 days), a datetime plus one overflowed, and datetime() took any year: year
// 99999999 overflowed its microseconds since 1970 (UBSan), and 2**32 + 2021 was read as 2021.
TEST(ParserFuzzRegressions, DatesAndDurationsBeyondTheirRange) {
  EXPECT_EQ(Value("timedelta(microseconds=9223372036854775807).days"),
            "duration with arguments not statically known");
  EXPECT_EQ(Value("timedelta(days=10**9).days"), "duration with arguments not statically known");
  EXPECT_EQ(Value("(datetime(99999999, 1, 1) + timedelta(days=1)).year"),
            "datetime with arguments not statically known");
  EXPECT_EQ(Value("datetime(4294969317, 1, 1).year"),
            "datetime with arguments not statically known");
  EXPECT_EQ(Value("datetime(2021, 2, 29)"), "datetime with arguments not statically known");
  EXPECT_EQ(Value("(datetime(9999, 12, 31) + timedelta(microseconds=9000000000000000000)).year"),
            "an integer beyond 64 bits");
  EXPECT_EQ(Value("(datetime(2021, 1, 1) - datetime(1, 1, 1)).days"), "t_737790");
  EXPECT_EQ(Value("datetime(2024, 2, 29).day"), "t_29");
}

// Strings a short file can ask for: '' * 10**18 looped 10**18 times (a hang), 'a'.ljust(10**12)
// and '{:>1000000000}' allocated gigabytes, a width of many digits overflowed an int, and a
// loop building 16 MiB strings ran out of memory. The longest string built is 16 MiB, and a
// file builds at most 256 MiB of strings (found by review while fuzzing).
TEST(ParserFuzzRegressions, StringsAreBounded) {
  EXPECT_EQ(Value("len('' * 10**18)"), "t_0");
  EXPECT_EQ(Value("len([] * 10**18)"), "t_0");
  EXPECT_EQ(Value("'ab' * 3"), "t_ababab");
  EXPECT_EQ(Value("len('a' * 16777216)"), "t_16777216");
  EXPECT_EQ(Value("len('a' * 16777217)"), "a string longer than dagport builds (16 MiB)");
  EXPECT_EQ(Value("len('a'.ljust(10**12))"), "str.ljust() not evaluated statically");
  EXPECT_EQ(Value("len('{:>1000000000}'.format('x'))"), "str.format() not evaluated statically");
  EXPECT_EQ(Value("'{:>99999999999999999999}'.format('x')"),
            "str.format() not evaluated statically");
  EXPECT_EQ(Value("len(','.join(['x' * 16777216] * 2))"), "str.join() not evaluated statically");
  EXPECT_EQ(Value("len(('a' * 4096).replace('a', 'b' * 8192))"),
            "str.replace() not evaluated statically");
  EXPECT_EQ(Value("'a'.rjust(3, '-')"), "t_--a");
  // len() of a string made a value per character, and so did iterating it: gigabytes for one
  // of 16 MiB. len() counts code points now, and a string is iterated up to the loop bound.
  EXPECT_EQ(Value("len('x' * 16777216) + len('\u00e9' * 3)"), "t_16777219");
  EXPECT_EQ(Value("len(list('x' * 16777216))"), "list() of a value not statically known");

  static ModuleLoader loader({"/nonexistent-dagport-test-root"}, {});
  const FileAnalysis a = AnalyzeSource("input.py",
                                       "from airflow import DAG\n"
                                       "l = []\n"
                                       "x = 'x' * 16777216\n"
                                       "for i in range(1000):\n"
                                       "    l.append(x + 'y')\n",
                                       loader);
  ASSERT_FALSE(a.file.diagnostics.empty());
  EXPECT_EQ(a.file.diagnostics.back().code, "DP105");
  EXPECT_NE(a.file.diagnostics.back().message.find("more than 256 MiB of strings"),
            std::string::npos);
}

}  // namespace
}  // namespace dagport::parser
