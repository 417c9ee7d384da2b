#pragma once
/// The pre-cut-over report of `dagport migrate`: readiness per DAG with its reasons, the three
/// scenarios side by side with what changed and why, and per DAG its graph, the diff of its
/// conversion and its containers. As JSON (schema `dagport.migration/1`, docs/migrate.md),
/// Markdown, and one self-contained HTML file (inline CSS and SVG, no script, no network).

#include <nlohmann/json.hpp>
#include <string>

#include "migrate/migration.h"

namespace dagport::migrate {

inline constexpr const char* kMigrationSchema = "dagport.migration/1";

struct ReadinessTotals {
  size_t dags = 0, ready = 0, review = 0, blocked = 0, tasks = 0, container_tasks = 0;
};
ReadinessTotals TotalsOf(const Migration& m);

nlohmann::ordered_json RenderJson(const Migration& m);
std::string RenderMarkdown(const Migration& m);
std::string RenderHtml(const Migration& m);

/// A short text summary for the terminal.
std::string RenderSummary(const Migration& m);

}  // namespace dagport::migrate
