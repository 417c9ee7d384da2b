#include "runtime/task_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

std::string ShortName(const std::string& class_path) {
  return class_path.substr(class_path.rfind('.') + 1);
}

/// A templated field's text rendered for the run; nullopt with `why` when it cannot be.
std::optional<std::string> Render(const ir::Value* v, const char* field,
                                  const TemplateEnvironment& env, std::string* why) {
  if (v == nullptr) {
    *why = fmt::format("{} is not given", field);
    return std::nullopt;
  }
  if (!v->is_text()) {
    *why = fmt::format("{}={} is not known statically", field, v->ToPython());
    return std::nullopt;
  }
  std::string reason;
  std::optional<std::string> text = RenderTemplate(v->as_text(), env, &reason);
  if (!text) *why = fmt::format("{}: {}", field, reason);
  return text;
}

}  // namespace

std::optional<std::string> FindTemplateFile(const std::string& name,
                                            const std::vector<std::string>& folders) {
  std::vector<std::string> pieces;
  size_t at = 0;
  while (at <= name.size()) {
    const size_t slash = std::min(name.find('/', at), name.size());
    const std::string piece = name.substr(at, slash - at);
    if (piece == "..") return std::nullopt;
    if (!piece.empty() && piece != ".") pieces.push_back(piece);
    at = slash + 1;
  }
  if (pieces.empty()) return std::nullopt;
  for (const std::string& folder : folders) {
    fs::path candidate = folder;
    for (const std::string& piece : pieces) candidate /= piece;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return std::nullopt;
}

std::vector<std::string> TemplateFolders(const ir::Dag& dag, const std::string& dag_file) {
  std::error_code ec;
  std::vector<std::string> folders = {fs::absolute(dag_file, ec).parent_path().string()};
  if (const ir::Value* v = ir::FindArgument(dag.arguments, "template_searchpath")) {
    if (v->is_text()) folders.push_back(v->as_text());
    if (v->is_sequence()) {
      for (const ir::Value& item : v->items())
        if (item.is_text()) folders.push_back(item.as_text());
    }
  }
  return folders;
}

std::optional<TaskCommand> CommandFor(const ir::Task& task, const TemplateEnvironment& env,
                                      std::string* why,
                                      const std::vector<std::string>& template_folders) {
  const std::string name = ShortName(task.operator_class);
  if (name != "BashOperator") {
    *why = fmt::format(
        "{} is not supported by the local runtime yet (BashOperator, "
        "EmptyOperator and DummyOperator are); --simulate-unsupported marks such "
        "tasks success",
        name);
    return std::nullopt;
  }
  const ir::Value* bash_command = ir::FindArgument(task.effective_arguments, "bash_command");
  std::optional<std::string> command;
  if (bash_command != nullptr && bash_command->is_text() &&
      (bash_command->as_text().ends_with(".sh") || bash_command->as_text().ends_with(".bash"))) {
    // BashOperator's template_ext: the value names a file whose text, rendered, is the command.
    const std::string& file = bash_command->as_text();
    auto path = FindTemplateFile(file, template_folders);
    if (!path) {
      *why = fmt::format(
          "bash_command '{}' ends in {}, so Airflow reads it as a template file, and no "
          "template folder has it ({}; Airflow raises TemplateNotFound): put it there, or add "
          "a space after the name to run it as a command",
          file, file.ends_with(".sh") ? ".sh" : ".bash", fmt::join(template_folders, ", "));
      return std::nullopt;
    }
    std::ifstream in(*path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      *why = fmt::format("bash_command: cannot read the template file {}", *path);
      return std::nullopt;
    }
    std::string reason;
    command = RenderTemplate(text.str(), env, &reason);
    if (!command) {
      *why = fmt::format("bash_command (the template file {}): {}", *path, reason);
      return std::nullopt;
    }
  } else {
    command = Render(bash_command, "bash_command", env, why);
  }
  if (!command) return std::nullopt;
  TaskCommand c;
  c.argv = {"bash", "-c", *command};
  c.skip_exit_codes = {99};  // BashOperator's skip_on_exit_code default (Airflow 2.6+)
  const ir::Value* push = ir::FindArgument(task.effective_arguments, "do_xcom_push");
  if (push == nullptr) push = ir::FindArgument(task.effective_arguments, "xcom_push");
  c.push_xcom = push == nullptr || (push->kind() == ir::ValueKind::kBool && push->as_bool());
  if (const ir::Value* variables = ir::FindArgument(task.effective_arguments, "env")) {
    if (variables->kind() != ir::ValueKind::kDict) {
      *why = "env is not known statically (a value dagport cannot compute)";
      return std::nullopt;
    }
    for (const auto& [key, value] : variables->entries()) {
      if (!key.is_text() || !value.is_text()) {
        *why = "an entry of env is not known statically (a value dagport cannot compute)";
        return std::nullopt;
      }
      auto rendered = Render(&value, "env", env, why);
      if (!rendered) return std::nullopt;
      c.env.push_back(key.as_text() + "=" + *rendered);
    }
  }
  return c;
}

}  // namespace dagport::runtime
