#pragma once
/// One diagnostic type used by every component: a finding is data (code, severity, location,
/// message, hint) that flows to the renderers and the reports.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ir/source_range.h"

namespace dagport::ir {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

std::string_view SeverityName(Severity s);  ///< "info", "warning", "error"
std::optional<Severity> ParseSeverity(std::string_view name);

struct Diagnostic {
  std::string code;  ///< "DP101": DP0xx general, DP1xx parser, DP2xx converters, DP3xx
                     ///< simulator, DP4xx runtime; each is explained in docs/diagnostics.md
  Severity severity = Severity::kError;
  std::string file;   ///< path as the user named it; empty when not about a file
  SourceRange where;  ///< unknown (line 0) when not about a place in the file
  std::string message;
  std::string hint;  ///< what to do about it; may be empty

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// An entry of the table of diagnostic codes (`diagnostic_codes.cc`).
struct DiagnosticCode {
  std::string_view code;
  Severity severity;       ///< default severity
  std::string_view title;  ///< short description (SARIF rule shortDescription)
  std::string_view help;   ///< what it means and what to do (SARIF rule help)
};

/// Every code dagport can emit, sorted by code.
std::span<const DiagnosticCode> AllDiagnosticCodes();
/// The table entry for `code`, or nullptr for an unknown code.
const DiagnosticCode* FindDiagnosticCode(std::string_view code);

/// A diagnostic with the code's default severity.
Diagnostic MakeDiagnostic(std::string_view code, std::string file, SourceRange where,
                          std::string message, std::string hint = {});

}  // namespace dagport::ir
