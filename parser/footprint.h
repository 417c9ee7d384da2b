#pragma once
/// A task's footprint: what it does on the worker's disk when it runs (virtualenvs it builds,
/// packages it installs, files and folders it creates, writes, reads or deletes). Computed
/// statically, as the rest of the analysis: a custom operator's `execute()` is evaluated with
/// the task's own arguments bound to `self` and Airflow's template context (`context['ds']` is
/// `{{ ds }}`), and the calls it makes into `os`, `shutil`, `subprocess` and `open` are
/// recorded; Bash commands are read word by word. Nothing is run.

#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "parser/command_footprint.h"
#include "parser/evaluator.h"

namespace dagport::parser {

/// Fills `footprint` of every task `ev` built. Run after the module: it evaluates operator code
/// but leaves the graph and the diagnostics as they were.
void ComputeFootprints(Evaluator& ev);

}  // namespace dagport::parser
