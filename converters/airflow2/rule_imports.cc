// imports: every import of an Airflow 1.x module or class is rewritten to where it is on the
// target version, through the API data (Airflow's own deprecation tables): module moves
// (airflow.operators.bash_operator -> airflow.operators.bash), provider packages
// (airflow.contrib.operators.ecs_operator.ECSOperator -> airflow.providers.amazon.aws.operators.
// ecs.EcsRunTaskOperator), 1.x package-level names (`from airflow.operators import X`), and
// plugin classes (`from airflow.operators.<plugin> import X`, gone in Airflow 2) to the module
// of the plugin that defines them. A class whose name changed is renamed where the file uses it.
// Imports other rules made unused are dropped, and imports they need are added.
#include <fmt/format.h>
#include <algorithm>
#include <cstdint>
#include <iterator>

#include <map>
#include <optional>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"
#include "parser/airflow_names.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NamedChild;
using parser::NodeType;

namespace {

constexpr const char* kRule = "imports";

/// Functions and module attributes that moved, which Airflow's class tables do not list.
struct NameMove {
  std::string_view from, to, why;
};
constexpr NameMove kNameMoves[] = {
    {"airflow.utils.helpers.chain", "airflow.models.baseoperator.chain",
     "deprecated in airflow.utils.helpers since 2.0"},
    {"airflow.utils.helpers.cross_downstream", "airflow.models.baseoperator.cross_downstream",
     "deprecated in airflow.utils.helpers since 2.0"},
    {"airflow.conf", "airflow.configuration.conf", "removed from the airflow package in 2.0"},
    {"airflow.LoggingMixin", "airflow.utils.log.logging_mixin.LoggingMixin",
     "removed from the airflow package in 2.0"},
    {"airflow.utils.file.TemporaryDirectory", "tempfile.TemporaryDirectory",
     "removed in 2.0; the standard library has it"},
};

/// What one imported name becomes.
struct Plan {
  const ImportItem* item = nullptr;
  bool change = false;  ///< module or name differ from the original
  bool drop = false;    ///< no longer used: removed
  std::string module, name, alias;
  std::string rename_uses;  ///< rename the file's uses of item->local to this
};

/// The pip package of an Airflow 2 provider module (airflow.providers.cncf.kubernetes... ->
/// apache-airflow-providers-cncf-kubernetes); empty for core modules.
std::string ProviderOfModule(std::string_view module) {
  constexpr std::string_view kPrefix = "airflow.providers.";
  if (!module.starts_with(kPrefix)) return "";
  std::string_view rest = module.substr(kPrefix.size());
  std::vector<std::string_view> parts;
  while (!rest.empty()) {
    const size_t dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  if (parts.empty()) return "";
  std::string name(parts[0]);
  static const std::set<std::string_view> kTwoPart = {"apache", "cncf", "common", "microsoft",
                                                      "dbt"};
  if (kTwoPart.contains(parts[0]) && parts.size() > 1) name += "-" + std::string(parts[1]);
  return "apache-airflow-providers-" + name;
}

/// Identifier nodes that use `local` as a name (not attribute names, keyword names or the
/// imports themselves).
std::vector<TSNode> Uses(const FileContext& ctx, std::string_view local) {
  std::vector<TSNode> out;
  // The import statements' byte ranges, in source order: an identifier inside one is not a use.
  // (ts_node_parent walks down from the root on every call: climbing to the module from each
  // identifier cost thousands of instructions a step.)
  std::vector<std::pair<uint32_t, uint32_t>> imports;
  bool listed = false;
  for (TSNode id : ctx.nodes.Of("identifier")) {
    if (ctx.Text(id) != local) continue;
    if (!listed) {
      for (TSNode statement : ctx.nodes.ImportStatements())
        imports.emplace_back(ts_node_start_byte(statement), ts_node_end_byte(statement));
      listed = true;
    }
    const uint32_t at = ts_node_start_byte(id);
    auto after = std::upper_bound(imports.begin(), imports.end(), std::pair{at, UINT32_MAX});
    if (after != imports.begin() && at < std::prev(after)->second) continue;
    const TSNode parent = ts_node_parent(id);
    const std::string_view type = NodeType(parent);
    if (type == "attribute" && ts_node_eq(ChildByField(parent, "attribute"), id)) continue;
    if (type == "keyword_argument" && ts_node_eq(ChildByField(parent, "name"), id)) continue;
    out.push_back(id);
  }
  return out;
}

/// True when the file defines `name` itself (def, class, or an assignment), so that a rename
/// of an imported class of that name could hit the wrong thing.
bool DefinesName(const FileContext& ctx, std::string_view name) {
  for (const char* type : {"function_definition", "class_definition"}) {
    for (TSNode def : ctx.nodes.Of(type)) {
      if (ctx.Text(ChildByField(def, "name")) == name) return true;
    }
  }
  for (TSNode assignment : ctx.nodes.Of("assignment")) {
    const TSNode left = ChildByField(assignment, "left");
    if (NodeType(left) == "identifier" && ctx.Text(left) == name) return true;
  }
  return false;
}

std::string ItemText(const std::string& name, const std::string& alias) {
  return alias.empty() || alias == name ? name : name + " as " + alias;
}

void RenameModuleMembers(FileContext& ctx, std::string_view object_text,
                         const std::string& legacy_module, const std::string& new_module);

/// Plans one name of `from M import N [as A]`.
Plan PlanFromItem(FileContext& ctx, const ImportItem& item) {
  Plan plan{&item, false, false, item.module, item.name, item.alias, ""};
  if (item.relative || !(item.module == "airflow" || item.module.starts_with("airflow."))) {
    return plan;
  }
  const std::string path = item.Path();
  const AirflowVersion& target = ctx.options.target;
  // A module imported by name: `from airflow.contrib.operators import ecs_operator`.
  if (ctx.api.IsLegacyModule(path)) {
    if (auto moved = ctx.api.MoveModule(path)) {
      plan.module = std::string(ModuleOf(*moved));
      plan.name = std::string(NameOf(*moved));
      if (plan.name != item.local) plan.alias = item.local;
      plan.change = true;
      ctx.Changed(kRule, item.item, fmt::format("module {} -> {}", path, *moved));
      if (auto provider = ProviderOfModule(*moved); !provider.empty())
        ctx.providers.insert(provider);
      RenameModuleMembers(ctx, item.local, path, *moved);
    } else {
      ctx.Report("DP202", item.item,
                 fmt::format("module {} has no single Airflow 2 successor", path),
                 "import the classes you use from their Airflow 2 modules");
    }
    return plan;
  }
  if (ctx.api.ModuleExists(path)) return plan;  // an Airflow 2 module
  for (const NameMove& move : kNameMoves) {
    if (path != move.from) continue;
    plan.module = std::string(ModuleOf(move.to));
    plan.name = std::string(NameOf(move.to));
    plan.change = true;
    ctx.Changed(kRule, item.item, fmt::format("{} -> {} ({})", path, move.to, move.why));
    return plan;
  }

  const std::string canonical = CanonicalLegacyPath(path, ctx.project);
  if (!canonical.starts_with("airflow.")) {
    // A plugin's class: Airflow 2 imports it from the plugins folder's module.
    plan.module = std::string(ModuleOf(canonical));
    plan.name = std::string(NameOf(canonical));
    plan.change = true;
    if (plan.name != item.name && item.alias.empty()) plan.alias = item.local;
    ctx.Changed(kRule, item.item,
                fmt::format("plugin class {} -> {} (Airflow 2 no longer exposes plugin classes "
                            "under airflow.operators)",
                            path, canonical));
    return plan;
  }
  const std::optional<ClassMove> move = ctx.api.MoveClass(canonical, target);
  std::string to;
  if (move) {
    if (move->removed) {
      if (move->removed_later) {
        ctx.Report("DP202", item.item,
                   fmt::format("{} does not import on Airflow {}: the provider that had it "
                               "dropped it by then",
                               path, target.ToString()),
                   "choose an older --airflow-version, pin an older provider, or replace the "
                   "class");
      } else {
        ctx.Report("DP202", item.item,
                   fmt::format("{} does not import on Airflow {}: it was removed without a "
                               "successor",
                               path, target.ToString()),
                   "replace what it did, or keep a copy of the 1.10 class in the project");
      }
      return plan;
    }
    to = move->target;
    if (!move->provider.empty()) ctx.providers.insert(move->provider);
    if (!move->replacement.empty()) {
      ctx.Report("DP208", item.item,
                 fmt::format("{} is deprecated on Airflow 2 in favour of {}", NameOf(to),
                             move->replacement),
                 fmt::format("it still works; moving to {} removes a deprecation warning",
                             NameOf(move->replacement)));
    }
    if (move->inferred) {
      ctx.Report(
          "DP211", item.item,
          fmt::format("{} -> {} is inferred (same class name), not listed by Airflow", path, to),
          "check the class's Airflow 2 documentation");
    }
  } else if (ctx.api.ModuleDefines(item.module, item.name)) {
    return plan;  // valid on Airflow 2 as written
  } else if (parser::IsPackageLevelName(path) || item.module.starts_with("airflow.operators") ||
             item.module.starts_with("airflow.sensors") ||
             item.module.starts_with("airflow.hooks")) {
    ctx.Report("DP203", item.item,
               fmt::format("{} is neither an Airflow class nor one a plugin of the plugins "
                           "folder registers",
                           path),
               "pass the plugins folder with --plugins, or import the class from its module");
    return plan;
  } else {
    if (!ctx.api.ModuleExists(item.module)) {
      ctx.Report("DP211", item.item,
                 fmt::format("{} is not a module of Airflow 2.10: cannot check {}", item.module,
                             item.name),
                 "check the import against the Airflow 2 documentation");
    }
    return plan;
  }
  if (to == path) return plan;
  plan.module = std::string(ModuleOf(to));
  plan.name = std::string(NameOf(to));
  plan.change = true;
  if (plan.name != item.name && item.alias.empty()) {
    if (DefinesName(ctx, item.local)) {
      plan.alias = item.local;  // keep the local name rather than rename into a clash
    } else {
      plan.rename_uses = plan.name;
    }
  }
  ctx.Changed(kRule, item.item, fmt::format("{} -> {}", path, to));
  return plan;
}

/// Rewrites `object.X` attributes whose class was renamed within its module.
void RenameModuleMembers(FileContext& ctx, std::string_view object_text,
                         const std::string& legacy_module, const std::string& new_module) {
  for (TSNode attribute : ctx.nodes.Of("attribute")) {
    if (ctx.Text(ChildByField(attribute, "object")) != object_text) continue;
    const TSNode member = ChildByField(attribute, "attribute");
    const std::string legacy = legacy_module + "." + std::string(ctx.Text(member));
    auto move = ctx.api.MoveClass(legacy, ctx.options.target);
    if (!move || move->target.empty()) continue;
    if (!move->provider.empty()) ctx.providers.insert(move->provider);
    if (ModuleOf(move->target) != new_module) {
      ctx.Report("DP211", attribute,
                 fmt::format("{} moved to {}, not to the module {} now imports", legacy,
                             move->target, object_text),
                 fmt::format("import {} from {}", NameOf(move->target), ModuleOf(move->target)));
      continue;
    }
    if (NameOf(move->target) == ctx.Text(member)) continue;
    ctx.edits.Replace(ts_node_start_byte(member), ts_node_end_byte(member),
                      std::string(NameOf(move->target)));
    ctx.Changed(kRule, attribute, fmt::format("{} -> {}", legacy, move->target));
  }
}

void ConvertImportStatement(FileContext& ctx, const ImportItem& item) {
  if (!(item.module == "airflow" || item.module.starts_with("airflow."))) return;
  if (!ctx.api.IsLegacyModule(item.module)) {
    if (!ctx.api.ModuleExists(item.module) && item.module.find('.') != std::string::npos) {
      ctx.Report("DP211", item.item, fmt::format("{} is not a module of Airflow 2.10", item.module),
                 "check the import against the Airflow 2 documentation");
    }
    return;
  }
  auto moved = ctx.api.MoveModule(item.module);
  if (!moved) {
    ctx.Report("DP202", item.item,
               fmt::format("module {} has no single Airflow 2 successor", item.module),
               "import the classes you use from their Airflow 2 modules");
    return;
  }
  const TSNode name =
      NodeType(item.item) == "aliased_import" ? ChildByField(item.item, "name") : item.item;
  ctx.edits.Replace(ts_node_start_byte(name), ts_node_end_byte(name), *moved);
  ctx.Changed(kRule, item.item, fmt::format("module {} -> {}", item.module, *moved));
  if (auto provider = ProviderOfModule(*moved); !provider.empty()) ctx.providers.insert(provider);
  if (!item.alias.empty()) {
    RenameModuleMembers(ctx, item.alias, item.module, *moved);
    return;
  }
  // `import a.b.c` is used as a.b.c.X: rewrite those chains.
  for (TSNode attribute : ctx.nodes.Of("attribute")) {
    const TSNode object = ChildByField(attribute, "object");
    if (ctx.Text(object) != item.module) continue;
    const TSNode member = ChildByField(attribute, "attribute");
    std::string member_name(ctx.Text(member));
    if (auto move = ctx.api.MoveClass(item.module + "." + member_name, ctx.options.target);
        move && !move->target.empty() && ModuleOf(move->target) == *moved) {
      member_name = std::string(NameOf(move->target));
    }
    ctx.edits.Replace(ts_node_start_byte(attribute), ts_node_end_byte(attribute),
                      *moved + "." + member_name);
  }
}

/// Where new top-level imports go: after the last top-level import that no rule rewrites (as
/// "\n<statement>"), else before the first import, else after the module docstring.
struct InsertionPoint {
  uint32_t at = 0;
  bool after_statement = false;
};

InsertionPoint ImportInsertionPoint(const FileContext& ctx) {
  InsertionPoint point;
  std::optional<uint32_t> first_import, docstring_end;
  bool first = true;
  for (TSNode child : parser::NamedChildren(ctx.tree.root())) {
    const std::string_view type = NodeType(child);
    const uint32_t start = ts_node_start_byte(child), end = ts_node_end_byte(child);
    if (type == "import_statement" || type == "import_from_statement" ||
        type == "future_import_statement") {
      if (!first_import && type != "future_import_statement") first_import = start;
      if (!ctx.edits.Touches(end, end + 1)) {  // not on a line being deleted
        point = InsertionPoint{end, true};
      }
    } else if (first && type == "expression_statement" &&
               NodeType(NamedChild(child, 0)) == "string") {
      docstring_end = end;
    }
    if (type != "comment") first = false;
  }
  if (point.after_statement) return point;
  if (first_import) {
    uint32_t line_start = *first_import;
    while (line_start > 0 && ctx.tree.text()[line_start - 1] != '\n') --line_start;
    return InsertionPoint{line_start, false};
  }
  if (docstring_end) return InsertionPoint{*docstring_end, true};
  return point;
}

void AddRequestedImports(FileContext& ctx) {
  const InsertionPoint point = ImportInsertionPoint(ctx);
  for (const std::string& statement : ctx.add_imports) {
    // "import pendulum" binds pendulum; "from datetime import timedelta" binds timedelta.
    const std::string bound = statement.substr(statement.rfind(' ') + 1);
    if (ctx.imports.Find(bound) != nullptr) continue;
    ctx.edits.Insert(point.at, point.after_statement ? "\n" + statement : statement + "\n");
    ctx.Changed(kRule, ctx.tree.root(), "added `" + statement + "`");
  }
}

}  // namespace

void RuleImports(FileContext& ctx) {
  // Plans, statement by statement.
  std::map<uint32_t, std::vector<Plan>> statements;  // by start byte, in source order
  for (const ImportItem& item : ctx.imports.items()) {
    if (!item.from) {
      ConvertImportStatement(ctx, item);
      continue;
    }
    bool drop = false;
    if (auto removed = ctx.uses_removed.find(item.local); removed != ctx.uses_removed.end()) {
      drop = static_cast<int>(Uses(ctx, item.local).size()) <= removed->second;
    }
    // A dropped name needs no plan: nothing to report about it, no provider to install.
    Plan plan = drop ? Plan{&item, false, true, item.module, item.name, item.alias, ""}
                     : PlanFromItem(ctx, item);
    statements[ts_node_start_byte(item.statement)].push_back(std::move(plan));
  }

  // Local name -> what its uses became: a name imported twice has its uses renamed once.
  std::map<std::string, std::string> renamed;
  for (auto& [start, plans] : statements) {
    const TSNode statement = plans.front().item->statement;
    bool any = false, all_dropped = true;
    std::vector<std::string> modules;  // the new modules, in order
    for (const Plan& p : plans) {
      any = any || p.change || p.drop;
      if (p.drop) continue;
      all_dropped = false;
      if (std::find(modules.begin(), modules.end(), p.module) == modules.end())
        modules.push_back(p.module);
    }
    for (const Plan& p : plans) {
      if (p.rename_uses.empty() || p.drop) continue;
      const auto [earlier, first] = renamed.emplace(p.item->local, p.rename_uses);
      if (!first) {
        if (earlier->second != p.rename_uses) {
          ctx.Report("DP205", p.item->item,
                     fmt::format("{} is imported twice, as two classes that Airflow 2 names "
                                 "differently: its uses were renamed to {} only",
                                 p.item->local, earlier->second),
                     "import the name once, or give the second import an alias");
        }
        continue;
      }
      for (TSNode use : Uses(ctx, p.item->local)) {
        ctx.edits.Replace(ts_node_start_byte(use), ts_node_end_byte(use), p.rename_uses);
      }
      ctx.Changed(
          kRule, p.item->item,
          fmt::format("{} renamed to {} where the file uses it", p.item->local, p.rename_uses));
    }
    if (!any) continue;
    if (all_dropped) {
      const TSNode parent = ts_node_parent(statement);
      if (NodeType(parent) == "module") {
        // The imports other rules asked for take the place of the one dropped.
        std::string added;
        for (auto it = ctx.add_imports.begin(); it != ctx.add_imports.end();) {
          const std::string bound = it->substr(it->rfind(' ') + 1);
          if (ctx.imports.Find(bound) != nullptr) {
            ++it;
            continue;
          }
          added += (added.empty() ? "" : "\n") + *it;
          ctx.Changed(kRule, statement, "added `" + *it + "`");
          it = ctx.add_imports.erase(it);
        }
        if (!added.empty()) {
          ctx.edits.Replace(ts_node_start_byte(statement), ts_node_end_byte(statement), added);
          ctx.Changed(kRule, statement, "removed an import the converted file no longer uses");
          continue;
        }
      }
      if (NodeType(parent) == "block" && ListItems(parent).size() == 1) {
        ctx.edits.Replace(ts_node_start_byte(statement), ts_node_end_byte(statement), "pass");
      } else {
        DeleteListItem(ctx.edits, ctx.tree, statement);
      }
      ctx.Changed(kRule, statement, "removed an import the converted file no longer uses");
      continue;
    }
    if (modules.size() == 1) {
      // One module: edit the module name and the names in place, keeping the layout.
      const TSNode module_name = ChildByField(statement, "module_name");
      if (ctx.Text(module_name) != modules[0]) {
        ctx.edits.Replace(ts_node_start_byte(module_name), ts_node_end_byte(module_name),
                          modules[0]);
      }
      for (const Plan& p : plans) {
        if (p.drop) {
          DeleteListItem(ctx.edits, ctx.tree, p.item->item);
          ctx.Changed(kRule, p.item->item,
                      "removed " + p.item->local + ": the converted file no longer uses it");
          continue;
        }
        const std::string text = ItemText(p.name, p.alias);
        if (ctx.Text(p.item->item) != text) {
          ctx.edits.Replace(ts_node_start_byte(p.item->item), ts_node_end_byte(p.item->item), text);
        }
      }
      continue;
    }
    // Several modules: one statement per module, in the order of the names.
    const std::string indent(LineIndent(ctx.tree.text(), ts_node_start_byte(statement)));
    std::string text;
    for (const std::string& module : modules) {
      std::string names;
      for (const Plan& p : plans) {
        if (p.drop || p.module != module) continue;
        names += (names.empty() ? "" : ", ") + ItemText(p.name, p.alias);
      }
      text += (text.empty() ? "" : "\n" + indent) + "from " + module + " import " + names;
    }
    ctx.edits.Replace(ts_node_start_byte(statement), ts_node_end_byte(statement), text);
  }
  AddRequestedImports(ctx);
}

}  // namespace dagport::converters::airflow2
