#pragma once
/// The rules of the Airflow 1.x -> 2 rewrite and what they share while converting one file.
///
/// A rule is a small function over a `FileContext`: it reads the file's syntax tree and import
/// table, and records byte-range edits, the changes it made (for the report) and diagnostics for
/// what needs a person. Each rule lives in a file of its own (rule_*.cc) with its data; `Rules()`
/// lists them in the order they run. Rules never edit the same bytes; the import rule runs last
/// and also adds or drops the imports other rules asked for.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "converters/airflow2/api_data.h"
#include "converters/airflow2/import_table.h"
#include "converters/airflow2/node_index.h"
#include "converters/containers/container_plan.h"
#include "converters/source_edit.h"
#include "ir/diagnostic.h"
#include "ir/graph.h"
#include "parser/syntax_tree.h"

namespace dagport::converters::airflow2 {

struct ConvertOptions {
  AirflowVersion target;
  /// The date `days_ago(n)` is counted back from, as YYYY-MM-DD (UTC); empty: today.
  std::string today;
  /// Rewrite SubDagOperators whose factory is in the same file into TaskGroups
  /// (`--keep-subdags` turns it off).
  bool subdags_to_task_groups = true;
};

/// What the whole project tells the conversion of one file.
struct ProjectFacts {
  std::vector<ir::Plugin> plugins;  ///< AirflowPlugin subclasses of the plugins folders
  /// What becomes a container task in the file being converted (converters/containers):
  /// operator classes, and single calls, with how their arguments map.
  containers::FileContainers containers;
  /// The container conversion's configuration (null: no container conversion).
  const containers::ContainerConfig* container_config = nullptr;
};

/// One change a rule made, for the report.
struct AppliedChange {
  std::string rule;
  uint32_t line = 0;
  std::string message;
};

/// A call of a class the file imports: an operator, sensor or DAG.
struct CallSite {
  TSNode call{};
  TSNode arguments{};  ///< its argument_list
  std::string legacy;  ///< the class as Airflow 1.10 resolves it (package-level and plugin names
                       ///< resolved to the class's real path)
  std::string target;  ///< the class on the target version; empty when not Airflow's own or gone
  bool is_dag = false;
};

class FileContext {
 public:
  FileContext(const parser::SyntaxTree& tree, const std::string& path, const NodeIndex& nodes,
              const ImportTable& imports, const ConvertOptions& options,
              const ProjectFacts& project);

  const parser::SyntaxTree& tree;
  const std::string& path;
  const ImportTable& imports;
  const ConvertOptions& options;
  const ProjectFacts& project;
  const Api& api;
  const NodeIndex& nodes;  ///< the file's nodes by type
  std::vector<CallSite> calls;

  EditList edits;
  std::vector<AppliedChange> changes;
  std::vector<ir::Diagnostic> diagnostics;
  std::set<std::string> providers;  ///< pip packages the converted file needs

  // Requests to the import rule.
  std::set<std::string> add_imports;        ///< statements to add ("import pendulum")
  std::map<std::string, int> uses_removed;  ///< local name -> uses other rules rewrote away
  /// Keyword arguments a rule renamed or removed, by start byte: the new name, or "" when
  /// removed. The unknown-argument rule checks the names as they will be.
  std::map<uint32_t, std::string> keyword_fate;
  /// SubDagOperator calls rewritten into TaskGroups, by (line, column) as the IR places tasks.
  std::set<std::pair<uint32_t, uint32_t>> subdag_groups;
  /// SubDagOperator calls kept, by start byte: why the TaskGroup rewrite was not safe.
  std::map<uint32_t, std::string> subdags_kept;

  std::string_view Text(TSNode node) const { return tree.NodeText(node); }
  uint32_t Line(TSNode node) const { return ts_node_start_point(node).row + 1; }
  void Changed(const char* rule, TSNode at, std::string message);
  void Report(std::string_view code, TSNode at, std::string message, std::string hint);
  /// A use of an imported name that a rule rewrote away (`Mod.Class` counts for `Mod`): the
  /// import rule drops the import when no use is left.
  void UseRemoved(TSNode expression);

  /// The keyword argument `name` of `arguments` (an argument_list), as FindKeyword finds it; a
  /// null node if none. Rules ask every call for a few names: each argument list's keywords are
  /// read once, on first use.
  TSNode Keyword(TSNode arguments, std::string_view name);

 private:
  struct KeywordArgument {
    std::string_view name;
    TSNode node;
  };
  std::unordered_map<const void*, std::vector<KeywordArgument>> keywords_;  ///< by node id
};

using RuleFunction = void (*)(FileContext&);

struct Rule {
  const char* id;       ///< as shown in reports ("provide-context")
  const char* summary;  ///< one line for docs and `--help`
  RuleFunction run;
};

/// Every rule, in the order they run.
const std::vector<Rule>& Rules();

/// A 1.x class path as Airflow 1.10 resolves it: package-level names (`airflow.operators.
/// BashOperator`) to their module, plugin names (`airflow.operators.<plugin>.X`,
/// `airflow.operators.X`) to the plugin's class.
std::string CanonicalLegacyPath(const std::string& path, const ProjectFacts& project);

/// Where a class path (1.x or already 2.x) is on the target; empty when it is not Airflow's own
/// class or no successor imports there.
std::string TargetPath(const Api& api, const std::string& canonical, const AirflowVersion& target);

/// The calls of the file that construct Airflow classes (operators, sensors, DAGs) or plugin
/// classes, with their class before and after.
std::vector<CallSite> FindCallSites(const parser::SyntaxTree& tree,
                                    const std::vector<TSNode>& call_nodes,
                                    const ImportTable& imports, const Api& api,
                                    const AirflowVersion& target, const ProjectFacts& project);

// The rules (rule_*.cc).
void RuleSubdagTaskGroup(FileContext& ctx);
void RuleProvideContext(FileContext& ctx);
void RuleRenamedArguments(FileContext& ctx);
void RuleTriggerRules(FileContext& ctx);
void RuleContainerArguments(FileContext& ctx);
void RuleSensorArguments(FileContext& ctx);
void RuleDagBitShift(FileContext& ctx);
void RuleDagSchedule(FileContext& ctx);
void RuleDaysAgo(FileContext& ctx);
void RuleUnknownArguments(FileContext& ctx);
void RuleManualChanges(FileContext& ctx);
void RuleContainerTasks(FileContext& ctx);
void RuleImports(FileContext& ctx);

}  // namespace dagport::converters::airflow2
