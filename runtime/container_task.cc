#include "runtime/container_task.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

std::string ShortName(const std::string& class_path) {
  return class_path.substr(class_path.rfind('.') + 1);
}

bool IsTargetOperator(const std::string& name) {
  return name == "EcsRunTaskOperator" || name == "ECSOperator" || name == "EcsOperator" ||
         name == "KubernetesPodOperator" || name == "DockerOperator";
}

const ir::Value* Arg(const ir::Task& task, std::string_view name) {
  return ir::FindArgument(task.effective_arguments, name);
}

/// The manifest's environment whose task definition (ECS) or image (Kubernetes, Docker) the
/// task names; nullptr when none does.
const nlohmann::json* ManifestEnvironment(const ir::Task& task, const ContainerLayout& layout) {
  if (!layout.manifest.is_object() || !layout.manifest.contains("environments")) return nullptr;
  const std::string name = ShortName(task.operator_class);
  const bool ecs = name != "KubernetesPodOperator" && name != "DockerOperator";
  const ir::Value* v = Arg(task, ecs ? "task_definition" : "image");
  if (v == nullptr || !v->is_text()) return nullptr;
  const char* field = ecs ? "task_definition" : "image";
  for (const nlohmann::json& e : layout.manifest["environments"]) {
    if (e.is_object() && e.contains(field) && e[field].is_string() &&
        e[field].get<std::string>() == v->as_text())
      return &e;
  }
  return nullptr;
}

/// A requirements argument: a list of strings, or one string with one per line (# lines
/// skipped), as the wrapper takes it.
bool Requirements(const ir::Value* v, std::vector<std::string>* out, std::string* why) {
  if (v == nullptr || v->is_none()) return true;
  if (v->is_text()) {
    std::istringstream lines(v->as_text());
    std::string line;
    while (std::getline(lines, line)) {
      const size_t start = line.find_first_not_of(" \t\r");
      if (start == std::string::npos || line[start] == '#') continue;
      out->push_back(line.substr(start, line.find_last_not_of(" \t\r") + 1 - start));
    }
    return true;
  }
  if (v->is_sequence()) {
    for (const ir::Value& item : v->items()) {
      if (!item.is_text()) {
        *why = fmt::format("a requirement ({}) is not known statically", item.ToPython());
        return false;
      }
      out->push_back(item.as_text());
    }
    return true;
  }
  *why = fmt::format("requirements={} is not known statically", v->ToPython());
  return false;
}

std::optional<std::string> RenderText(const ir::Value* v, const std::string& field,
                                      const TemplateEnvironment& env, std::string* why) {
  if (v == nullptr || !v->is_text()) {
    *why = v == nullptr ? fmt::format("{} is not given", field)
                        : fmt::format("{}={} is not known statically", field, v->ToPython());
    return std::nullopt;
  }
  std::string reason;
  std::optional<std::string> text = RenderTemplate(v->as_text(), env, &reason);
  if (!text) *why = fmt::format("{}: {}", field, reason);
  return text;
}

/// Environment variables from a dict ({"NAME": "value"}) or a list of {"name", "value"}
/// entries (ECS overrides), rendered.
bool Variables(const ir::Value* v, const std::string& field, const TemplateEnvironment& env,
               std::vector<std::string>* out, std::string* why) {
  if (v == nullptr || v->is_none()) return true;
  auto add = [&](const ir::Value& name, const ir::Value& value) {
    if (!name.is_text()) {
      *why = fmt::format("a name in {} is not known statically", field);
      return false;
    }
    std::string text;
    if (value.kind() == ir::ValueKind::kInt) {
      text = std::to_string(value.as_int());
    } else {
      auto rendered = RenderText(&value, field + "." + name.as_text(), env, why);
      if (!rendered) return false;
      text = *rendered;
    }
    out->push_back(name.as_text() + "=" + text);
    return true;
  };
  if (v->kind() == ir::ValueKind::kDict) {
    for (const auto& [name, value] : v->entries())
      if (!add(name, value)) return false;
    return true;
  }
  if (v->is_sequence()) {
    for (const ir::Value& entry : v->items()) {
      const ir::Value* name = entry.kind() == ir::ValueKind::kDict ? entry.Find("name") : nullptr;
      const ir::Value* value = entry.kind() == ir::ValueKind::kDict ? entry.Find("value") : nullptr;
      if (name == nullptr || value == nullptr) {
        *why = fmt::format("an entry of {} is not {{'name': ..., 'value': ...}}", field);
        return false;
      }
      if (!add(*name, *value)) return false;
    }
    return true;
  }
  *why = fmt::format("{} is not known statically", field);
  return false;
}

/// [style, command] as the target operators pass them to dagport-entrypoint.
bool StyleAndCommand(const ir::Value* v, const std::string& field, const TemplateEnvironment& env,
                     ContainerCommand* out, std::string* why) {
  if (v == nullptr || !v->is_sequence() || v->items().size() != 2 || !v->items()[0].is_text()) {
    *why = fmt::format("{} is not [style, command] as dagport writes it", field);
    return false;
  }
  out->style = v->items()[0].as_text();
  auto command = RenderText(&v->items()[1], field, env, why);
  if (!command) return false;
  out->command = *command;
  return true;
}

bool PushesXcom(const ir::Task& task, bool by_default) {
  const ir::Value* push = Arg(task, "do_xcom_push");
  if (push == nullptr || push->kind() != ir::ValueKind::kBool) return by_default;
  return push->as_bool();
}

/// The spec dagport_run.py reads for a callable-style task, as the wrapper builds it (its
/// context values are templates Airflow renders with the rest of the command).
std::optional<std::string> CallableSpec(const ir::Task& task, const std::string& callable,
                                        const TemplateEnvironment& env, std::string* why) {
  nlohmann::ordered_json spec;
  spec["callable"] = callable;
  nlohmann::ordered_json args = nlohmann::ordered_json::array();
  nlohmann::ordered_json kwargs = nlohmann::ordered_json::object();
  if (const ir::Value* v = Arg(task, "op_args"); v != nullptr && !v->is_none()) {
    if (!ValueToJson(*v, nullptr, &args, why)) return std::nullopt;
  }
  if (const ir::Value* v = Arg(task, "op_kwargs"); v != nullptr && !v->is_none()) {
    if (!ValueToJson(*v, nullptr, &kwargs, why)) return std::nullopt;
  }
  spec["args"] = args;
  spec["kwargs"] = kwargs;
  nlohmann::ordered_json context;
  for (const auto& [key, expression] : std::vector<std::pair<const char*, const char*>>{
           {"ds", "{{ ds }}"},
           {"ds_nodash", "{{ ds_nodash }}"},
           {"ts", "{{ ts }}"},
           {"ts_nodash", "{{ ts_nodash }}"},
           {"run_id", "{{ run_id }}"},
           {"logical_date", "{{ logical_date }}"},
           {"data_interval_start", "{{ data_interval_start }}"},
           {"data_interval_end", "{{ data_interval_end }}"},
           {"dag_id", "{{ dag.dag_id }}"},
           {"task_id", "{{ task.task_id }}"},
           {"try_number", "{{ ti.try_number }}"}})
    context[key] = expression;
  spec["context"] = context;
  std::string reason;
  auto rendered = RenderTemplate(spec.dump(), env, &reason);
  if (!rendered) *why = "the callable's arguments: " + reason;
  return rendered;
}

}  // namespace

ContainerLayout FindContainerLayout(const std::string& dag_file) {
  ContainerLayout layout;
  std::error_code ec;
  const fs::path file = fs::absolute(dag_file, ec);
  fs::path folder = fs::is_directory(file, ec) ? file : file.parent_path();
  layout.dag_folder = layout.root = folder.string();
  fs::path at = folder;
  for (int level = 0; level < 4; ++level) {
    const fs::path manifest = at / "containers" / "manifest.json";
    if (fs::is_regular_file(manifest, ec)) {
      std::ifstream in(manifest);
      layout.manifest = nlohmann::json::parse(in, nullptr, false);
      if (layout.manifest.is_discarded() || !layout.manifest.is_object()) {
        throw std::runtime_error(fmt::format(
            "{}: not a dagport container manifest (not JSON); run dagport convert again",
            manifest.string()));
      }
      layout.root = at.string();
      layout.dag_folder = fs::is_directory(at / "dags", ec) ? (at / "dags").string() : at.string();
      if (fs::is_directory(at / "containers" / "callables", ec))
        layout.callables = (at / "containers" / "callables").string();
      break;
    }
    if (!at.has_parent_path() || at.parent_path() == at) break;
    at = at.parent_path();
  }
  // The wrapper's default Python version and memory, from the generated module's SETTINGS.
  static const std::regex kDefault("\"python_version\":\\s*\"([0-9]+\\.[0-9]+)\"");
  static const std::regex kMemory("\"memory\":\\s*([0-9]{1,7})\\b");
  for (const fs::path& candidate : {fs::path(layout.root) / "plugins" / "dagport_container.py",
                                    fs::path(layout.dag_folder) / "dagport_container.py",
                                    fs::path(layout.root) / "dagport_container.py"}) {
    std::ifstream in(candidate);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    std::smatch m;
    const std::string s = text.str();
    if (std::regex_search(s, m, kDefault)) layout.default_python = m[1];
    if (std::regex_search(s, m, kMemory)) layout.default_memory_mb = std::stoul(m[1]);
    break;
  }
  return layout;
}

bool IsContainerTask(const ir::Task& task, const ContainerLayout& layout) {
  const std::string name = ShortName(task.operator_class);
  if (name == "ContainerTaskOperator") return true;
  return IsTargetOperator(name) && ManifestEnvironment(task, layout) != nullptr;
}

std::optional<ContainerEnvironment> ContainerEnvironmentOf(const ir::Task& task,
                                                           const ContainerLayout& layout,
                                                           std::string* why) {
  ContainerEnvironment environment;
  if (ShortName(task.operator_class) == "ContainerTaskOperator") {
    if (!Requirements(Arg(task, "requirements"), &environment.requirements, why))
      return std::nullopt;
    const ir::Value* version = Arg(task, "python_version");
    environment.python_version = layout.default_python;
    if (version != nullptr && version->is_text()) environment.python_version = version->as_text();
    return environment;
  }
  const nlohmann::json* e = ManifestEnvironment(task, layout);
  if (e == nullptr) {
    *why = "its image or task definition is not one of containers/manifest.json";
    return std::nullopt;
  }
  environment.python_version = e->value("python_version", layout.default_python);
  for (const nlohmann::json& r : e->value("requirements", nlohmann::json::array()))
    if (r.is_string()) environment.requirements.push_back(r.get<std::string>());
  return environment;
}

std::optional<ContainerCommand> ContainerCommandFor(const ir::Task& task,
                                                    const ContainerLayout& layout,
                                                    const TemplateEnvironment& env,
                                                    std::string* why) {
  auto environment = ContainerEnvironmentOf(task, layout, why);
  if (!environment) return std::nullopt;
  return ContainerCommandFor(task, layout, std::move(*environment), env, why);
}

std::optional<ContainerCommand> ContainerCommandFor(const ir::Task& task,
                                                    const ContainerLayout& layout,
                                                    ContainerEnvironment environment,
                                                    const TemplateEnvironment& env,
                                                    std::string* why) {
  ContainerCommand c;
  c.environment = std::move(environment);
  c.operator_name = ShortName(task.operator_class);
  // The container's memory: the wrapper task's own, else its default; a target operator's
  // environment in the manifest (its task definition's size).
  if (c.operator_name == "ContainerTaskOperator") {
    const ir::Value* memory = Arg(task, "memory");
    c.memory_mb = memory != nullptr && memory->kind() == ir::ValueKind::kInt && memory->as_int() > 0
                      ? static_cast<size_t>(memory->as_int())
                      : layout.default_memory_mb;
  } else if (const nlohmann::json* e = ManifestEnvironment(task, layout)) {
    if (auto m = e->find("memory"); m != e->end() && m->is_number_integer() && *m > 0)
      c.memory_mb = m->get<size_t>();
  }
  if (c.operator_name == "ContainerTaskOperator") {
    const ir::Value* style = Arg(task, "command_style");
    c.style = style != nullptr && style->is_text() ? style->as_text() : "shell";
    if (c.style == "callable") {
      const ir::Value* callable = Arg(task, "command");
      if (callable == nullptr || !callable->is_text()) {
        *why = "command (module:function of the callable) is not known statically";
        return std::nullopt;
      }
      auto spec = CallableSpec(task, callable->as_text(), env, why);
      if (!spec) return std::nullopt;
      c.command = *spec;
      std::string reason;
      auto params = RenderTemplate("{{ params | tojson }}", env, &reason);
      if (params) c.env.push_back("DAGPORT_PARAMS=" + *params);
    } else {
      auto command = RenderText(Arg(task, "command"), "command", env, why);
      if (!command) return std::nullopt;
      c.command = *command;
    }
    if (!Variables(Arg(task, "environment"), "environment", env, &c.env, why)) return std::nullopt;
    c.push_xcom = PushesXcom(task, true);  // EcsRunTaskOperator pushes the last log line
  } else if (c.operator_name == "KubernetesPodOperator") {
    if (!StyleAndCommand(Arg(task, "arguments"), "arguments", env, &c, why)) return std::nullopt;
    if (!Variables(Arg(task, "env_vars"), "env_vars", env, &c.env, why)) return std::nullopt;
    if (PushesXcom(task, false)) {
      *why =
          "do_xcom_push of KubernetesPodOperator (the pod's /airflow/xcom/return.json) is not "
          "supported by the local runtime";
      return std::nullopt;
    }
  } else if (c.operator_name == "DockerOperator") {
    if (!StyleAndCommand(Arg(task, "command"), "command", env, &c, why)) return std::nullopt;
    if (!Variables(Arg(task, "environment"), "environment", env, &c.env, why)) return std::nullopt;
    c.push_xcom = PushesXcom(task, true);  // the last line of the container's output
  } else {                                 // ECS
    const ir::Value* overrides = Arg(task, "overrides");
    const ir::Value* containers = overrides != nullptr && overrides->kind() == ir::ValueKind::kDict
                                      ? overrides->Find("containerOverrides")
                                      : nullptr;
    if (containers == nullptr || !containers->is_sequence() || containers->items().empty() ||
        containers->items()[0].kind() != ir::ValueKind::kDict) {
      *why = "overrides.containerOverrides is not known statically";
      return std::nullopt;
    }
    const ir::Value& container = containers->items()[0];
    if (!StyleAndCommand(container.Find("command"), "overrides command", env, &c, why))
      return std::nullopt;
    if (!Variables(container.Find("environment"), "overrides environment", env, &c.env, why))
      return std::nullopt;
    c.push_xcom = PushesXcom(task, true);
  }
  if (c.style != "python" && c.style != "shell" && c.style != "callable") {
    *why = fmt::format("command_style '{}' is not python, shell or callable", c.style);
    return std::nullopt;
  }
  if (c.style == "callable" && layout.callables.empty()) {
    *why = fmt::format(
        "a callable-style task needs containers/callables/ next to the DAG folder ({} has "
        "none); run dagport convert again",
        layout.root);
    return std::nullopt;
  }
  return c;
}

std::vector<std::string> EntrypointArgv(const std::string& style, const std::string& command) {
  // The image's dagport-entrypoint, with the DAG folder and the callables where this machine
  // has them.
  static const char* kScript =
      "cd \"$DAGPORT_DAG_FOLDER\" || exit 70\n"
      "case \"$1\" in\n"
      "  python) exec /bin/sh -c \"exec python $2\" ;;\n"
      "  shell) exec /bin/bash -c \"$2\" ;;\n"
      "  callable) exec python \"$DAGPORT_CALLABLES/dagport_run.py\" \"$2\" ;;\n"
      "esac\n"
      "echo \"dagport-entrypoint: unknown style '$1'\" >&2\n"
      "exit 64\n";
  return {"/bin/sh", "-c", kScript, "dagport-entrypoint", style, command};
}

}  // namespace dagport::runtime
