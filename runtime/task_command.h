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
/// A bash_command ending in `.sh` or `.bash` names a template file, as in Airflow: it is looked
/// up in `template_folders` (the DAG's folder, then its template_searchpath), and its rendered
/// text is the command.
std::optional<TaskCommand> CommandFor(const ir::Task& task, const TemplateEnvironment& env,
                                      std::string* why,
                                      const std::vector<std::string>& template_folders = {});

/// The file a template name stands for, looked up as Jinja's FileSystemLoader does: the name
/// split at '/', empty and '.' parts dropped, '..' refused, joined to each folder in turn;
/// nullopt when none has it (Airflow's TemplateNotFound).
std::optional<std::string> FindTemplateFile(const std::string& name,
                                            const std::vector<std::string>& folders);

/// The folders Airflow looks for template files in: the DAG file's folder, then the DAG's
/// template_searchpath (a folder or a list of them).
std::vector<std::string> TemplateFolders(const ir::Dag& dag, const std::string& dag_file);

}  // namespace dagport::runtime
