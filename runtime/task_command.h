#pragma once
/// What the local runtime runs for a task: the command of a BashOperator (its rendered
/// `bash_command`, its `env`), nothing for the operators the scheduler settles itself, and a
/// clear refusal for the operators the runtime cannot run yet.

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/jinja_template.h"

namespace dagport::runtime {

struct TaskCommand {
  std::vector<std::string> argv;
  std::vector<std::string> env;      ///< the task's own variables (NAME=value)
  bool push_xcom = false;            ///< the last line of stdout is the task's XCom
  std::vector<int> skip_exit_codes;  ///< exit codes that mean "skipped" (BashOperator: 99)
};

/// The command of `task` for this run; nullopt with `why` set when the runtime cannot run it
/// (an operator it does not support, a template it cannot render, a value not known statically).
std::optional<TaskCommand> CommandFor(const ir::Task& task, const TemplateEnvironment& env,
                                      std::string* why);

}  // namespace dagport::runtime
