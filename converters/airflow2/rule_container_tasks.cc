// container-tasks: a task of a custom operator that builds a virtualenv (or installs packages,
// or uses fixed host paths) on the worker becomes a `ContainerTaskOperator` task: it runs in its
// own container on the target (ECS Fargate, Kubernetes, Docker), from an image built for its
// requirements (converters/containers). The call keeps its arguments' expressions: their names
// change to the wrapper's (command, requirements, python_version, environment, cpu, memory),
// arguments meant as environment variables move into `environment`, and arguments with no
// meaning in a container are removed and reported. The class is replaced by the wrapper, whose
// import is added; the old import goes when nothing else uses it.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "converters/airflow2/rule.h"
#include "converters/containers/wrapper_module.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

constexpr const char* kRule = "container-tasks";

/// The wrapper's name for argument `name` of the class; "" when it has none.
std::string WrapperName(const containers::OperatorMapping& m, const std::string& name) {
  if (name == m.command) return "command";
  if (name == m.requirements) return "requirements";
  if (name == m.python_version) return "python_version";
  if (name == m.environment) return "environment";
  if (name == m.cpu) return "cpu";
  if (name == m.memory) return "memory";
  return "";
}

/// --no-wrapper: the call becomes the target's operator itself, for one known environment.
struct Direct {
  const containers::ContainerConfig* config = nullptr;
  containers::TargetOperator op;
  std::string environment;
};

void RewriteCall(FileContext& ctx, const CallSite& site, const containers::OperatorMapping& m,
                 const Direct* direct = nullptr) {
  const TSNode function = ChildByField(site.call, "function");
  ctx.UseRemoved(function);  // its import may become unused
  const std::string class_name = direct != nullptr ? direct->op.name : containers::kWrapperClass;
  ctx.edits.Replace(ts_node_start_byte(function), ts_node_end_byte(function), class_name);
  if (direct != nullptr) {
    ctx.add_imports.insert(fmt::format("from {} import {}", direct->op.module, direct->op.name));
    ctx.providers.insert(direct->op.provider);
  } else {
    ctx.add_imports.insert(
        fmt::format("from {} import {}", containers::kWrapperModule, containers::kWrapperClass));
  }
  std::string command_expression, environment_expression;  // direct: taken out of the call

  std::vector<std::pair<std::string, std::string>> variables;  // name -> expression
  // Deletions and additions wait until the end: an addition takes the place of a deleted last
  // argument (two edits cannot touch the same bytes).
  std::vector<TSNode> deleted;
  std::vector<std::string> added;
  TSNode environment_value{};
  bool has_style = false, has_python = false;
  std::vector<std::string> dropped;
  size_t position = 0;
  for (TSNode argument : ListItems(site.arguments)) {
    const std::string_view type = NodeType(argument);
    if (type == "keyword_argument") {
      const TSNode name_node = ChildByField(argument, "name");
      const TSNode value = ChildByField(argument, "value");
      const std::string name(ctx.Text(name_node));
      if (ctx.keyword_fate.contains(ts_node_start_byte(argument))) continue;
      if (name == "command_style") has_style = true;
      if (name == m.python_callable && !m.fixed_command.empty()) {
        // The callable moved into the image: the task runs it there.
        ctx.edits.Replace(ts_node_start_byte(argument), ts_node_end_byte(argument),
                          "command='" + m.fixed_command + "'");
        ctx.keyword_fate[ts_node_start_byte(argument)] = "command";
        if (NodeType(value) == "identifier") ctx.uses_removed[std::string(ctx.Text(value))]++;
        continue;
      }
      if (name == m.python_version) has_python = true;
      if (auto var = m.environment_variables.find(name); var != m.environment_variables.end()) {
        variables.emplace_back(var->second, std::string(ctx.Text(value)));
        deleted.push_back(argument);
        ctx.keyword_fate[ts_node_start_byte(argument)] = "";
        continue;
      }
      const std::string renamed = WrapperName(m, name);
      if (!renamed.empty() && direct != nullptr) {
        // Baked into the image or the operator's own arguments.
        if (renamed == "command") command_expression = ctx.Text(value);
        if (renamed == "environment") environment_expression = ctx.Text(value);
        deleted.push_back(argument);
        ctx.keyword_fate[ts_node_start_byte(argument)] = "";
        continue;
      }
      if (!renamed.empty()) {
        if (renamed == "environment") environment_value = value;
        if (renamed != name) {
          ctx.edits.Replace(ts_node_start_byte(name_node), ts_node_end_byte(name_node), renamed);
          ctx.keyword_fate[ts_node_start_byte(argument)] = renamed;
        }
        continue;
      }
      if (std::find(m.drop.begin(), m.drop.end(), name) != m.drop.end()) {
        deleted.push_back(argument);
        ctx.keyword_fate[ts_node_start_byte(argument)] = "";
        dropped.push_back(name);
      }
      continue;
    }
    if (type == "list_splat" || type == "dictionary_splat" || type == "comment") continue;
    // A positional argument: named by the class's parameter at its position.
    const size_t index = position++;
    if (index >= m.parameters.size()) continue;
    const std::string& name = m.parameters[index];
    if (name == m.python_version) has_python = true;
    if (auto var = m.environment_variables.find(name); var != m.environment_variables.end()) {
      variables.emplace_back(var->second, std::string(ctx.Text(argument)));
      deleted.push_back(argument);
      continue;
    }
    const std::string renamed = WrapperName(m, name);
    if (!renamed.empty() && direct != nullptr) {
      if (renamed == "command") command_expression = ctx.Text(argument);
      if (renamed == "environment") environment_expression = ctx.Text(argument);
      deleted.push_back(argument);
    } else if (!renamed.empty()) {
      ctx.edits.Replace(ts_node_start_byte(argument), ts_node_end_byte(argument),
                        renamed + "=" + std::string(ctx.Text(argument)));
      if (renamed == "environment") environment_value = argument;
    } else {
      deleted.push_back(argument);
      dropped.push_back(name);
    }
  }
  if (!variables.empty()) {
    std::string entries;
    for (const auto& [var, expression] : variables)
      entries += fmt::format("{}{}: {}", entries.empty() ? "" : ", ", "'" + var + "'", expression);
    if (direct != nullptr) {
      environment_expression =
          environment_expression.empty()
              ? "{" + entries + "}"
              : fmt::format("dict({}, **{{{}}})", environment_expression, entries);
    } else if (!ts_node_is_null(environment_value)) {
      ctx.edits.Replace(ts_node_start_byte(environment_value), ts_node_end_byte(environment_value),
                        fmt::format("dict({}, **{{{}}})", ctx.Text(environment_value), entries));
    } else {
      added.push_back(fmt::format("environment={{{}}}", entries));
    }
  }
  if (direct != nullptr) {
    for (const auto& [keyword, expression] :
         containers::DirectKeywords(*direct->config, ctx.options.target, direct->environment,
                                    m.command_style.empty() ? "shell" : m.command_style,
                                    command_expression, environment_expression)) {
      added.push_back(keyword + "=" + expression);
    }
  } else {
    // The class's own default Python, written out: the wrapper's default may differ.
    if (!has_python && !m.python_version_default.empty())
      added.push_back(fmt::format("python_version='{}'", m.python_version_default));
    if (!m.command_style.empty() && m.command_style != "shell" && !has_style)
      added.push_back("command_style='" + m.command_style + "'");
  }
  const parser::NodeList items = ListItems(site.arguments);
  if (!added.empty() && !items.empty()) {
    const TSNode last = items[items.size() - 1];
    auto it =
        std::find_if(deleted.begin(), deleted.end(), [&](TSNode n) { return ts_node_eq(n, last); });
    if (it != deleted.end()) {
      ctx.edits.Replace(ts_node_start_byte(last), ts_node_end_byte(last), added.front());
      deleted.erase(it);
      added.erase(added.begin());
    }
  }
  for (TSNode node : deleted) DeleteListItem(ctx.edits, ctx.tree, node);
  for (const std::string& item : added) AppendListItem(ctx.edits, ctx.tree, site.arguments, item);
  ctx.Changed(kRule, site.call,
              fmt::format("{} -> {}: the task runs in its own container, from the image built "
                          "for its requirements",
                          NameOf(site.legacy), class_name));
  for (const std::string& name : dropped) {
    ctx.Report("DP224", site.call,
               fmt::format("argument '{}' of {} has no counterpart in the container task and "
                           "was removed",
                           name, NameOf(site.legacy)),
               fmt::format("if the command reads it, pass it as an environment variable: "
                           "\"environment_variables\": {{\"{}\": \"{}\"}} in dagport.json",
                           name, [&] {
                             std::string upper = name;
                             for (char& c : upper) c = static_cast<char>(std::toupper(c));
                             return upper;
                           }()));
  }
}

/// Rewrites the call to the wrapper, or (--no-wrapper) to the target's operator when the call
/// makes tasks of one known environment with a plain command.
void Rewrite(FileContext& ctx, const CallSite& site, const containers::OperatorMapping& m) {
  const containers::ContainerConfig* config = ctx.project.container_config;
  if (config == nullptr || config->wrapper) return RewriteCall(ctx, site, m);
  const ir::SourceRange at = ctx.tree.Range(site.call);
  const auto envs = ctx.project.containers.call_environments.find({at.line, at.column});
  std::string why;
  if (m.command_style == "callable") {
    why = "it runs a Python callable";
  } else if (envs == ctx.project.containers.call_environments.end() || envs->second.size() != 1 ||
             envs->second.begin()->empty()) {
    why = "its tasks do not have one statically known environment";
  } else if ((!m.cpu.empty() && !ts_node_is_null(ctx.Keyword(site.arguments, m.cpu))) ||
             (!m.memory.empty() && !ts_node_is_null(ctx.Keyword(site.arguments, m.memory)))) {
    why = "it asks for its own CPU or memory";
  } else if (ts_node_is_null(ctx.Keyword(site.arguments, m.command)) &&
             std::find(m.parameters.begin(), m.parameters.end(), m.command) == m.parameters.end()) {
    why = "its command is not an argument of the call";
  }
  if (!why.empty()) {
    ctx.Report(
        "DP228", site.call,
        fmt::format("--no-wrapper: this call keeps {} because {}", containers::kWrapperClass, why),
        "the wrapper computes it when the DAG is parsed; see docs/containers.md");
    return RewriteCall(ctx, site, m);
  }
  Direct direct;
  direct.config = config;
  direct.op = containers::TargetOperatorFor(config->target, ctx.options.target);
  direct.environment = *envs->second.begin();
  RewriteCall(ctx, site, m, &direct);
}

}  // namespace

void RuleContainerTasks(FileContext& ctx) {
  const containers::FileContainers& containers = ctx.project.containers;
  if (containers.empty()) return;
  for (const CallSite& site : ctx.calls) {
    if (auto it = containers.classes.find(site.legacy); it != containers.classes.end()) {
      Rewrite(ctx, site, it->second);
      continue;
    }
    const ir::SourceRange at = ctx.tree.Range(site.call);
    if (auto it = containers.calls.find({at.line, at.column}); it != containers.calls.end())
      Rewrite(ctx, site, it->second);
  }
  // Classes the DAG file defines itself are named <file stem>.<Class> and not imported.
  const std::string stem = std::filesystem::path(ctx.path).stem().string();
  for (TSNode call : ctx.nodes.Of("call")) {
    const TSNode function = ChildByField(call, "function");
    if (NodeType(function) != "identifier" || ctx.imports.Find(std::string(ctx.Text(function))))
      continue;
    const std::string path = stem + "." + std::string(ctx.Text(function));
    const containers::OperatorMapping* mapping = nullptr;
    if (auto it = containers.classes.find(path); it != containers.classes.end()) {
      mapping = &it->second;
    } else {
      const ir::SourceRange at = ctx.tree.Range(call);
      if (auto c = containers.calls.find({at.line, at.column}); c != containers.calls.end())
        mapping = &c->second;
    }
    if (mapping == nullptr) continue;
    CallSite site;
    site.call = call;
    site.arguments = ChildByField(call, "arguments");
    site.legacy = path;
    if (NodeType(site.arguments) == "argument_list") Rewrite(ctx, site, *mapping);
  }
}

}  // namespace dagport::converters::airflow2
