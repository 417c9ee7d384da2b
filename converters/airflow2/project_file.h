#pragma once
/// One file of a conversion run: reading it (what is converted, copied or skipped, and why), and
/// converting it, with the container analysis of its original first. The project converter
/// (project_converter.h) runs these for every file, and for the helper modules the Airflow 2
/// analysis of a DAG file imports (`ConvertedText`).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "converters/airflow2/file_converter.h"
#include "converters/airflow2/project_converter.h"
#include "converters/airflow2/project_inputs.h"
#include "converters/containers/container_plan.h"
#include "parser/file_analyzer.h"

namespace dagport::converters::airflow2 {

/// A file's bytes without the UTF-8 byte order mark DecodeSource drops: its text, for a UTF-8
/// file.
std::string_view WithoutBom(std::string_view bytes);

/// Reads an input: the text of a Python file that can be converted. Otherwise nothing, with
/// `file` saying why (status kSkipped and diagnostics; kCopied for a file that is not Python).
/// `bytes` receives the file as read.
std::optional<std::string> ReadInput(const std::filesystem::path& path, FileResult& file,
                                     std::string& bytes);

/// What a conversion run shares between its files.
struct RunContext {
  const ProjectOptions& options;
  const std::vector<ImportConfig>& configs;
  const std::vector<ProjectFacts>& facts;
  unsigned run;
  std::shared_ptr<const parser::ModuleLoader::Overlay> overlay;
  parser::EvaluationLimits airflow1;
};

/// A file's conversion, and what was learnt on the way.
struct Conversion {
  FileConversion conversion;
  /// The original's analysis (Airflow 1.10 semantics) when the container rewrite needed it.
  std::optional<parser::FileAnalysis> original;
  /// The project's facts with the file's container classes, when it has some.
  std::optional<ProjectFacts> container_facts;
};

/// Converts the parsed file `name` of import configuration `config`. With the container
/// rewrite, the original is also analysed: its tasks' footprints say which operator classes
/// become container tasks in this file (the file is then converted again with them); they are
/// added to `plan` when it is given.
Conversion ConvertParsed(const RunContext& context, const std::string& name,
                         const parser::SyntaxTree& tree, size_t config,
                         containers::ContainerPlan* plan, std::vector<ir::Diagnostic>& diagnostics);

/// The text `input` will be written with, when it is an input the conversion
/// changes: what the Airflow 2 analysis of the other files imports. Computed as the file's own
/// conversion computes it (the rare later change of step 1b is checked again in step 2).
std::optional<std::string> ConvertedText(const RunContext& context, const Input& input);

}  // namespace dagport::converters::airflow2
