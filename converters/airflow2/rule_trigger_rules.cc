// trigger-rule: Airflow 2.2 renamed the trigger rules `dummy` (now `always`) and
// `none_failed_or_skipped` (now `none_failed_min_one_success`). Rewritten where they are written
// as strings (trigger_rule="dummy", 'trigger_rule': 'dummy' in default_args) and as TriggerRule
// members.
#include <fmt/format.h>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

constexpr const char* kRule = "trigger-rule";

struct RenamedRule {
  std::string_view old_value, new_value;
};
constexpr RenamedRule kRenamed[] = {
    {"dummy", "always"},
    {"none_failed_or_skipped", "none_failed_min_one_success"},
};

/// Rewrites the string literal `value` when it holds a renamed rule.
void RewriteString(FileContext& ctx, TSNode value) {
  std::string text;
  if (!StringLiteralValue(ctx.tree, value, text)) return;
  for (const RenamedRule& r : kRenamed) {
    if (text != r.old_value) continue;
    // Keep the quotes as written: replace the content only.
    const uint32_t begin = ts_node_start_byte(value) + 1;
    const uint32_t end = ts_node_end_byte(value) - 1;
    ctx.edits.Replace(begin, end, std::string(r.new_value));
    ctx.Changed(kRule, value,
                fmt::format("trigger rule '{}' -> '{}' (renamed in Airflow 2.2)", r.old_value,
                            r.new_value));
  }
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void RuleTriggerRules(FileContext& ctx) {
  for (TSNode keyword : ctx.nodes.Of("keyword_argument")) {
    if (ctx.Text(ChildByField(keyword, "name")) == "trigger_rule")
      RewriteString(ctx, ChildByField(keyword, "value"));
  }
  for (TSNode dictionary : ctx.nodes.Of("dictionary")) {
    const TSNode pair = FindDictKey(ctx.tree, dictionary, "trigger_rule");
    if (!ts_node_is_null(pair)) RewriteString(ctx, ChildByField(pair, "value"));
  }
  for (TSNode attribute : ctx.nodes.Of("attribute")) {
    const auto object = ctx.imports.Resolve(ctx.tree, ChildByField(attribute, "object"));
    if (!object || !object->ends_with("trigger_rule.TriggerRule")) continue;
    const TSNode member = ChildByField(attribute, "attribute");
    for (const RenamedRule& r : kRenamed) {
      if (ctx.Text(member) != Upper(r.old_value)) continue;
      ctx.edits.Replace(ts_node_start_byte(member), ts_node_end_byte(member), Upper(r.new_value));
      ctx.Changed(kRule, attribute,
                  fmt::format("TriggerRule.{} -> TriggerRule.{} (renamed in Airflow 2.2)",
                              Upper(r.old_value), Upper(r.new_value)));
    }
  }
}

}  // namespace dagport::converters::airflow2
