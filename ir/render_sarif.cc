// SARIF 2.1.0 rendering of diagnostics (OASIS SARIF v2.1.0, the subset code-scanning tools read).
#include <fmt/format.h>

#include <map>

#include "ir/diagnostic_render.h"

namespace dagport::ir {

namespace {

std::string_view SarifLevel(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "note";
  }
  return "error";
}

/// Percent-encodes a path for a URI, keeping '/' and the unreserved characters of RFC 3986.
std::string EncodePath(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    out += keep ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

Json ArtifactLocation(const std::string& file) {
  if (!file.empty() && file[0] == '/') return Json{{"uri", "file://" + EncodePath(file)}};
  std::string_view rel = file;
  while (rel.starts_with("./")) rel.remove_prefix(2);
  return Json{{"uri", EncodePath(rel)}, {"uriBaseId", "%SRCROOT%"}};
}

/// "DP150" with title "Cycle in DAG" becomes the rule name "CycleInDag".
std::string RuleName(std::string_view title) {
  std::string name;
  bool upper = true;
  for (char c : title) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return name;
}

}  // namespace

Json RenderSarif(const std::vector<Diagnostic>& diagnostics, const std::string& tool_version) {
  std::map<std::string, size_t> rule_index;  // code -> index, in code order
  for (const Diagnostic& d : diagnostics) rule_index.emplace(d.code, 0);
  Json rules = Json::array();
  for (auto& [code, index] : rule_index) {
    index = rules.size();
    Json rule{{"id", code}};
    if (const DiagnosticCode* entry = FindDiagnosticCode(code)) {
      rule["name"] = RuleName(entry->title);
      rule["shortDescription"] = Json{{"text", entry->title}};
      rule["fullDescription"] = Json{{"text", entry->help}};
      rule["help"] = Json{{"text", entry->help}};
      rule["defaultConfiguration"] = Json{{"level", SarifLevel(entry->severity)}};
    }
    rules.push_back(std::move(rule));
  }

  Json results = Json::array();
  for (const Diagnostic& d : diagnostics) {
    Json result{{"ruleId", d.code},
                {"ruleIndex", rule_index.at(d.code)},
                {"level", SarifLevel(d.severity)},
                {"message", Json{{"text", d.message}}}};
    if (!d.file.empty()) {
      Json physical{{"artifactLocation", ArtifactLocation(d.file)}};
      if (d.where.known()) {
        Json region{{"startLine", d.where.line},
                    {"startColumn", std::max<uint32_t>(1, d.where.column)}};
        if (d.where.end_line >= d.where.line && d.where.end_line != 0) {
          region["endLine"] = d.where.end_line;
          if (d.where.end_column > 0) region["endColumn"] = d.where.end_column;
        }
        physical["region"] = std::move(region);
      }
      result["locations"] = Json::array({Json{{"physicalLocation", std::move(physical)}}});
    }
    if (!d.hint.empty()) result["properties"] = Json{{"hint", d.hint}};
    results.push_back(std::move(result));
  }

  Json driver{{"name", "dagport"},
              {"version", tool_version},
              {"semanticVersion", tool_version},
              {"rules", std::move(rules)}};
  Json run{{"tool", Json{{"driver", std::move(driver)}}},
           {"columnKind", "unicodeCodePoints"},
           {"originalUriBaseIds",
            Json{{"%SRCROOT%",
                  Json{{"description", Json{{"text", "the folder dagport was run from"}}}}}}},
           {"results", std::move(results)}};
  return Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({std::move(run)})}};
}

}  // namespace dagport::ir
