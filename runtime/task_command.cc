#include "runtime/task_command.h"

#include <fmt/format.h>

namespace dagport::runtime {

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

std::optional<TaskCommand> CommandFor(const ir::Task& task, const TemplateEnvironment& env,
                                      std::string* why) {
  const std::string name = ShortName(task.operator_class);
  if (name != "BashOperator") {
    *why = fmt::format(
        "{} is not supported by the local runtime yet (BashOperator, "
        "EmptyOperator and DummyOperator are); --simulate-unsupported marks such "
        "tasks success",
        name);
    return std::nullopt;
  }
  auto command =
      Render(ir::FindArgument(task.effective_arguments, "bash_command"), "bash_command", env, why);
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
