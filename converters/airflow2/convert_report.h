#pragma once
/// The report of `dagport convert`: per file, the rules applied (with lines), what needs a
/// person, and errors; totals, including how many files converted with no manual work. As text,
/// JSON (schema "dagport.convert-report/1", docs/convert.md) or Markdown.

#include <string>

#include "converters/airflow2/project_converter.h"

namespace dagport::converters::airflow2 {

struct ReportTotals {
  size_t files = 0, python = 0, airflow_files = 0, converted = 0, unchanged = 0, copied = 0,
         skipped = 0, failed = 0, dag_files = 0, dags = 0, tasks = 0;
  size_t no_manual_work = 0;  ///< Airflow files converted (or already fine) with nothing to do
  /// Airflow files that load on the target without a manual edit: converted or already fine,
  /// with no error (warnings may remain: deprecations, behaviour to check).
  size_t loads_without_edit = 0;
  size_t changes = 0, errors = 0, warnings = 0;
};
ReportTotals Totals(const ProjectResult& result);

std::string ReportText(const ProjectResult& result, const AirflowVersion& target);
std::string ReportJson(const ProjectResult& result, const AirflowVersion& target);
std::string ReportMarkdown(const ProjectResult& result, const AirflowVersion& target);

/// The format a report file's name asks for: "json" (.json), "markdown" (.md), else "text".
std::string ReportFormatFor(const std::string& path);

}  // namespace dagport::converters::airflow2
