#pragma once
/// Unified diffs (as `diff -u` prints them) between two versions of a text file, for
/// `dagport convert --diff`.

#include <string>
#include <string_view>

namespace dagport::converters {

/// The diff from `before` to `after` with three lines of context, headed `--- a/<name>` and
/// `+++ b/<name>`; empty when the texts are equal. Diffs are shown to people (terminals, CI
/// logs, reports): secret values in the texts are masked (ir/secrets.h).
std::string UnifiedDiff(std::string_view before, std::string_view after, const std::string& name);

}  // namespace dagport::converters
