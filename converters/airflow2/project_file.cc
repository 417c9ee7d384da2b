#include "converters/airflow2/project_file.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

#include "converters/atomic_file.h"
#include "ir/file_bytes.h"
#include "parser/source_reader.h"

namespace dagport::converters::airflow2 {

namespace fs = std::filesystem;

std::string_view WithoutBom(std::string_view bytes) {
  return bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes;
}

std::optional<std::string> ReadInput(const fs::path& path, FileResult& file, std::string& bytes) {
  // A Python file over the parser's bound is not read at all (inspect reports DP104 for it too).
  ir::FileBytes read = ir::ReadRegularFile(
      path.string(), file.python ? parser::kMaxSourceBytes : std::numeric_limits<uint64_t>::max());
  if (read.status == ir::FileBytes::Status::kTooLarge) {
    file.status = FileStatus::kSkipped;
    file.diagnostics.push_back(ir::MakeDiagnostic(
        "DP104", file.input, {},
        fmt::format("file is {} bytes, over the {} MiB bound for a DAG file: not converted",
                    read.size, parser::kMaxSourceBytes >> 20),
        "split the file; no real DAG file is this large"));
    return std::nullopt;
  }
  if (!read.ok()) {
    file.status = FileStatus::kSkipped;
    file.diagnostics.push_back(ir::MakeDiagnostic(
        "DP001", file.input, {}, read.Failure(path.string()), "check that it is readable"));
    return std::nullopt;
  }
  bytes = std::move(read.bytes);
  if (!file.python) {
    file.status = FileStatus::kCopied;
    return std::nullopt;
  }
  parser::SourceText source = parser::DecodeSource(bytes, file.input);
  if (!source.text) {
    file.status = FileStatus::kSkipped;
    file.diagnostics = std::move(source.diagnostics);
    file.diagnostics.push_back(ir::MakeDiagnostic(
        "DP210", file.input, {}, "not converted: not a readable Python source file",
        "it is neither copied nor converted; remove it or fix it"));
    return std::nullopt;
  }
  if (*source.text != WithoutBom(bytes)) {
    file.status = FileStatus::kSkipped;
    file.diagnostics.push_back(ir::MakeDiagnostic(
        "DP210", file.input, {},
        "not converted: the file is not UTF-8 (it declares another encoding)",
        "re-encode it as UTF-8 (and drop the coding declaration), then convert again"));
    return std::nullopt;
  }
  return std::move(source.text);
}

Conversion ConvertParsed(const RunContext& context, const std::string& name,
                         const parser::SyntaxTree& tree, size_t config,
                         containers::ContainerPlan* plan,
                         std::vector<ir::Diagnostic>& diagnostics) {
  const ProjectOptions& options = context.options;
  Conversion out;
  // The rules run first, while the tree just parsed is still in the processor's caches. A file
  // whose analysis finds container tasks (few do) is converted again, with them.
  out.conversion = ConvertTree(name, tree, options.convert, context.facts[config]);
  if (options.containers && tree.text().find("airflow") != std::string_view::npos) {
    parser::ModuleLoader& legacy =
        ThreadLoader(context.run, context.configs[config], kLegacyLoader, context.overlay);
    // The tasks' arguments are what the container plan needs, only: a file with container
    // tasks (few) is analysed again, whole.
    out.original = parser::AnalyzeTree(name, tree, legacy, context.airflow1,
                                       parser::AnalysisDepth::kTasksWithoutArguments);
    containers::FileContainers found =
        containers::ContainersOf(out.original->file, *options.containers, diagnostics);
    if (!found.empty()) {
      // The same analysis, with the arguments; its diagnostics are the first one's (a helper
      // module's reading problems are reported by the loader once, to the first).
      std::vector<ir::Diagnostic> found_before = std::move(out.original->file.diagnostics);
      out.original = parser::AnalyzeTree(name, tree, legacy, context.airflow1);
      out.original->file.diagnostics = std::move(found_before);
      if (plan != nullptr)
        containers::AddToPlan(out.original->file, tree, found, *options.containers, *plan,
                              diagnostics);
      out.container_facts = context.facts[config];
      out.container_facts->containers = std::move(found);
      out.container_facts->container_config = &*options.containers;
      out.conversion = ConvertTree(name, tree, options.convert, *out.container_facts);
    }
  }
  return out;
}

std::optional<std::string> ConvertedText(const RunContext& context, const Input& input) {
  FileResult scratch;
  scratch.input = input.path.string();
  scratch.python = true;
  std::string bytes;
  std::optional<std::string> text = ReadInput(input.path, scratch, bytes);
  if (!text) return std::nullopt;
  const parser::SyntaxTree tree = parser::SyntaxTree::Parse(std::move(*text));
  std::vector<ir::Diagnostic> ignored;
  Conversion c = ConvertParsed(context, scratch.input, tree, input.config, nullptr, ignored);
  if (!c.conversion.converted || !c.conversion.changed) return std::nullopt;
  return std::move(c.conversion.text);
}

}  // namespace dagport::converters::airflow2
