#pragma once
/// Escaping text for HTML and SVG (the reports and drawings): & < > " ' become entities, and
/// the control characters XML 1.0 forbids become '?' (tab and line breaks stay).

#include <string>
#include <string_view>

namespace dagport::ir {

void AppendEscapedXml(std::string_view text, std::string& out);
std::string EscapeXml(std::string_view text);

}  // namespace dagport::ir
