// libFuzzer target: any bytes as a DAG file. The parser must neither crash nor hang; every
// outcome is an IR with diagnostics.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ir/ir_json.h"
#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/source_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagport;
  static parser::ModuleLoader loader({"/nonexistent-dagport-fuzz-root"}, {});
  parser::SourceText source =
      parser::DecodeSource(std::string(reinterpret_cast<const char*>(data), size), "fuzz.py");
  if (!source.text) return 0;
  // Make the DagBag safe-mode test pass so that every input is evaluated.
  std::string text = "from airflow import DAG\n" + *source.text;
  parser::EvaluationLimits limits;
  limits.max_steps = 200'000;  // keep each input fast
  parser::FileAnalysis analysis = parser::AnalyzeSource("fuzz.py", std::move(text), loader, limits);
  (void)ir::DagFileToJson(analysis.file).dump();
  return 0;
}
