// provide-context: Airflow 2 passes the task context to every python callable that asks for it,
// and PythonOperator pops `provide_context` only when it is true: `provide_context=False` stays
// in kwargs and BaseOperator raises "Invalid arguments were passed". The argument is removed
// wherever it is written: on operator calls, in default_args dicts and dict(...) calls.
#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

constexpr const char* kRule = "provide-context";
constexpr std::string_view kName = "provide_context";

/// An operator-looking call the import table could not resolve: a custom operator class of the
/// project (`MyPythonOperator(..., provide_context=True)`) or `dict(...)`.
bool LooksLikeOperatorOrDict(const FileContext& ctx, TSNode call) {
  TSNode function = ChildByField(call, "function");
  if (NodeType(function) == "attribute") function = ChildByField(function, "attribute");
  if (NodeType(function) != "identifier") return false;
  const std::string_view name = ctx.Text(function);
  return name == "dict" || name.ends_with("Operator") || name.ends_with("Sensor");
}

}  // namespace

void RuleProvideContext(FileContext& ctx) {
  for (TSNode call : ctx.nodes.Of("call")) {
    const TSNode arguments = ChildByField(call, "arguments");
    const TSNode keyword = ctx.Keyword(arguments, kName);
    if (ts_node_is_null(keyword)) continue;
    bool known = false;
    for (const CallSite& site : ctx.calls) known = known || ts_node_eq(site.call, call);
    if (!known && !LooksLikeOperatorOrDict(ctx, call)) continue;
    DeleteListItem(ctx.edits, ctx.tree, keyword);
    ctx.keyword_fate[ts_node_start_byte(keyword)] = "";
    ctx.Changed(kRule, keyword,
                std::string("removed ") + std::string(ctx.Text(keyword)) +
                    " (Airflow 2 passes the context to the callable by itself)");
  }
  for (TSNode dictionary : ctx.nodes.Of("dictionary")) {
    const TSNode pair = FindDictKey(ctx.tree, dictionary, kName);
    if (ts_node_is_null(pair)) continue;
    DeleteListItem(ctx.edits, ctx.tree, pair);
    ctx.Changed(kRule, pair,
                "removed '" + std::string(kName) + "' from a dict (default_args): Airflow 2 " +
                    "rejects it on operators that do not take it");
  }
}

}  // namespace dagport::converters::airflow2
