// The converter on inputs that must neither crash it nor make it write something broken: every
// corpus file cut short at many places and with bytes flipped, deep nesting, huge files. Whatever
// it returns must either be marked not converted, or parse without syntax errors when the input
// parsed without them.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "converters/airflow2/file_converter.h"
#include "tests/test_support.h"

namespace dagport::converters::airflow2 {
namespace {

namespace fs = std::filesystem;

ConvertOptions Options() {
  ConvertOptions options;
  options.target = *AirflowVersion::Parse("2.10.3");
  options.today = "2026-11-26";
  return options;
}

std::vector<std::string> CorpusTexts() {
  std::vector<std::string> texts;
  for (const char* root : {"tests/converters/corpus", "tests/parser/corpus/dags"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() == ".py") texts.push_back(testing::ReadFile(entry.path()));
    }
  }
  return texts;
}

/// Converts `text`; when the input had no syntax error and the conversion changed it, the
/// result must have none either.
void ConvertAndCheck(const std::string& text) {
  const FileConversion c = ConvertFile("input.py", text, Options(), {});
  if (!c.converted || !c.changed) return;
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(c.text);
  EXPECT_TRUE(tree.SyntaxErrors("input.py").empty()) << "input:\n"
                                                     << text << "\noutput:\n"
                                                     << c.text;
}

TEST(ConverterRobustness, TruncatedCorpusFiles) {
  size_t runs = 0;
  for (const std::string& text : CorpusTexts()) {
    for (size_t cut = 0; cut < text.size(); cut += std::max<size_t>(1, text.size() / 23)) {
      ConvertAndCheck(text.substr(0, cut));
      ++runs;
    }
  }
  EXPECT_GT(runs, 1000u);
}

TEST(ConverterRobustness, FlippedBytes) {
  std::mt19937 random(20261126);
  for (const std::string& text : CorpusTexts()) {
    if (text.empty()) continue;
    for (int k = 0; k < 8; ++k) {
      std::string mutated = text;
      for (int flips = 0; flips < 3; ++flips) {
        const size_t at = random() % mutated.size();
        mutated[at] = static_cast<char>("()[]{},:=.'\"\n #\\x"[random() % 18]);
      }
      ConvertAndCheck(mutated);
    }
  }
}

TEST(ConverterRobustness, DeepNestingAndLongFiles) {
  ConvertAndCheck("from airflow import DAG\nx = " + std::string(5000, '[') +
                  std::string(5000, ']') + "\n");
  std::string big = "from airflow.operators.bash_operator import BashOperator\n";
  for (int i = 0; i < 5000; ++i) {
    big += "t" + std::to_string(i) + " = BashOperator(task_id='t" + std::to_string(i) +
           "', bash_command='x', xcom_push=True, provide_context=True)\n";
  }
  const FileConversion c = ConvertFile("big.py", big, Options(), {});
  ASSERT_TRUE(c.converted);
  EXPECT_EQ(c.text.find("provide_context"), std::string::npos);
  EXPECT_EQ(c.changes.size(), 1u + 5000u * 2);  // the import, then two changes per task
}

}  // namespace
}  // namespace dagport::converters::airflow2
