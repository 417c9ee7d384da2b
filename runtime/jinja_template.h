#pragma once
/// Airflow's Jinja templates as DAG files use them, rendered by the local runtime for every
/// templated field it runs (a bash_command or its .sh file, an env value, a PythonOperator's
/// op_kwargs and templates_dict), as Airflow's environment renders them (Jinja's sandbox,
/// StrictUndefined, trim_blocks and lstrip_blocks off, one trailing newline dropped):
///
///   {{ ds }}, {{ ts_nodash }}, {{ logical_date.strftime('%Y/%m') }}, {{ macros.ds_add(ds, -1) }},
///   {{ macros.ds_format(ds, '%Y-%m-%d', '%d/%m/%Y') }}, {{ params.table }},
///   {{ var.value.bucket }}, {{ var.json.cfg.region }}, {{ var.value.get('x', 'default') }},
///   {{ ti.xcom_pull(task_ids='extract') }}, {{ ti.try_number }}, {{ dag.dag_id }},
///   {{ dag_run.conf.get('date', ds) }}, {{ 'a' ~ ds }}, {{ x | upper }}, {{ x | default('y') }}
///
///   {% if params.full is defined and params.full %}...{% elif x not in xs %}...{% else %}...
///   {% endif %}, {% for k, v in params.cfg.items() if v %}{{ loop.index }}...{% else %}...
///   {% endfor %}, {% for i in range(3) %}, {% set x = ... %}, {% set x %}...{% endset %},
///   {% raw %}...{% endraw %}, {{- x -}}, {%- ... -%}, {# comments #}
///
/// Expressions: literals (strings, numbers, True/False/None, lists, tuples as lists, dicts),
/// names of the context and of the template (set, loop variables, `loop`, range(), dict()),
/// attributes, items and slices, calls of the context's functions and methods, filters, tests
/// (`is defined`, `is none`, `is odd`, ...), arithmetic, `~`, comparisons (chained), `in`,
/// `not in`, `and`, `or`, `not` and `a if c else b`, with Jinja's precedence; only the branches
/// taken are evaluated. The template is parsed whole first (runtime/jinja_syntax.h), so that a
/// syntax error is found even in a branch not taken, then rendered (runtime/jinja_render.cc)
/// within bounds of time and memory. Anything else (a name the context does not have, a
/// statement such as `{% macro %}` or `{% include %}`, a block left open, an unknown filter or
/// method) is an error naming the tag, and its line when the template has several: the task
/// fails with the reason instead of running with a half-rendered command.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ir/graph.h"
#include "ir/value.h"
#include "sched/template_context.h"

namespace dagport::runtime {

struct TemplateEnvironment {
  sched::TemplateContext context;
  /// The DAG's params, then the task's (in the order they are written, as Python keeps them).
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  nlohmann::ordered_json conf = nlohmann::ordered_json::object();  ///< dag_run.conf
  /// An Airflow Variable's value (AIRFLOW_VAR_<NAME>), or nullopt when it is not set.
  std::function<std::optional<std::string>(const std::string& name)> variable;
  /// The JSON text of an XCom of this run (task_id, key), or nullopt when there is none.
  std::function<std::optional<std::string>(const std::string& task_id, const std::string& key)>
      xcom;
  /// True when the DAG has no user_defined_macros: a name that neither Airflow's context nor
  /// the template has is then undefined, as in Airflow (`is defined` is false, `default`
  /// replaces it). False: it may be one of those macros, so using it is an error.
  bool knows_all_names = false;
};

/// The params templates see: the DAG's, then the task's own (which win), as Airflow merges
/// them. False with `why` when one is not known statically.
bool MergedParams(const ir::Dag& dag, const ir::Task& task, nlohmann::ordered_json* out,
                  std::string* why);

/// The environment variable Airflow reads a Variable from: AIRFLOW_VAR_<NAME>.
std::string VariableEnvName(const std::string& name);
/// The Variable `name` from this process's environment; nullopt when it is not set.
std::optional<std::string> VariableFromEnvironment(const std::string& name);

/// The rendered text, or nullopt with `why` saying which expression could not be rendered.
std::optional<std::string> RenderTemplate(std::string_view text, const TemplateEnvironment& env,
                                          std::string* why);

/// A statically known IR value as JSON, its strings rendered with `env` (or kept as they are
/// when `env` is null); false with `why` when a part is not known statically or a template
/// cannot be rendered.
bool ValueToJson(const ir::Value& value, const TemplateEnvironment* env,
                 nlohmann::ordered_json* out, std::string* why);

/// A Python-like `str()` of a JSON value ("None", "True", "['a', 1]").
std::string PythonStr(const nlohmann::ordered_json& value);

}  // namespace dagport::runtime
