#pragma once
/// What the Markdown and HTML reports show the same way: the scenario metrics as rows, the
/// diff of a file's conversion (cut to a readable length), an environment's container files.

#include <string>
#include <utility>
#include <vector>

#include "migrate/migration.h"

namespace dagport::migrate {

struct MetricRow {
  std::string name;
  std::vector<std::string> values;  ///< one per scenario
};
std::vector<MetricRow> ScenarioRows(const Migration& m);

/// The DAG's id, or for a DAG file from which no DAG could be read, the file.
std::string DisplayName(const DagReport& d);

struct FileDiff {
  std::string text;    ///< unified diff, at most kMaxDiffLines lines
  size_t omitted = 0;  ///< lines left out
};
inline constexpr size_t kMaxDiffLines = 400;
/// The diff of the conversion of `file` (relative to the legacy folder); empty when unchanged.
FileDiff DiffOf(const Migration& m, const std::string& file);

/// The DAGs that get a section of their own (graph, reasons, diff): blocked first, then to
/// review, then ready, at most kMaxDagSections (a browser stays responsive on a folder of
/// thousands of DAGs; every DAG is in the readiness table and report.json). `left_out`
/// receives how many were left out.
inline constexpr size_t kMaxDagSections = 300;
std::vector<const DagReport*> DagSections(const Migration& m, size_t* left_out);

/// The files the container conversion wrote for environment `id` (Dockerfile, task
/// definition or pod spec, requirements), as (path, text).
std::vector<std::pair<std::string, std::string>> ContainerFilesOf(const Migration& m,
                                                                  const std::string& id);

}  // namespace dagport::migrate
