#pragma once
/// A small abstract interpreter over tree-sitter's syntax tree: it runs a DAG file's module code
/// the way Python would at import time, as far as that is statically knowable, and records the
/// DAGs, tasks and dependencies Airflow would build. It never runs anything: calls into code it
/// does not analyse give `kUnresolved` values. Loops, calls and total work are bounded.

#include <array>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/diagnostic.h"
#include "parser/airflow_objects.h"
#include "parser/object.h"
#include "parser/pair_set.h"
#include "parser/scope.h"
#include "parser/syntax_tree.h"

namespace dagport::parser {

class ModuleLoader;

struct EvaluationLimits {
  size_t max_steps = 3'000'000;          ///< statements + expressions per file
  size_t max_loop_iterations = 100'000;  ///< per loop
  int max_call_depth = 48;               ///< nested calls of analysed functions
  int max_nesting = 400;                 ///< nested expressions
  size_t max_objects = 1'000'000;
  size_t max_text_bytes = 256u << 20;  ///< bytes of all the strings built per file
  /// Whose import semantics to follow: Airflow 1.10 (1; DagBag as legacy folders ran) or 2
  /// (converted code): under 1.10, Airflow 2 modules and unknown 1.x package names do not import.
  int airflow_major = 1;  ///< values allocated per file (about 300 bytes each)
  /// The day the files are taken to be parsed on (YYYY-MM-DD, UTC), which `days_ago(n)`
  /// counts back from, as Airflow evaluates it when it parses the file; empty: `days_ago` is
  /// not known statically.
  std::string today;
};

/// Positional and keyword arguments of a call, with the nodes they came from.
struct CallArgs {
  std::vector<Val> positional;
  std::vector<TSNode> positional_nodes;  ///< null nodes for values from `*args`
  std::vector<std::pair<std::string, Val>> keywords;
  std::vector<TSNode> keyword_nodes;

  const Val* Keyword(std::string_view name) const;
  TSNode KeywordNode(std::string_view name) const;
};

/// A parameter of a function of the analysed code.
struct Parameter {
  std::string name;
  enum Kind { kPositional, kKeywordOnly, kVarArgs, kVarKeywords } kind = kPositional;
  Val default_value = nullptr;  ///< evaluated when the function was defined; null: none
};
/// The parameters of `fn` (its `params` node), in order.
std::vector<Parameter> Parameters(const FunctionInfo& fn, TSNode params, const SyntaxTree& tree);

/// What a statement did to control flow.
enum class Flow { kNormal, kReturn, kBreak, kContinue };

/// Where evaluation is: the scope names resolve in and the module (for node text and messages).
struct Frame {
  Scope* scope = nullptr;
  ModuleState* module = nullptr;
  Val return_value = nullptr;  ///< set by `return`
  Val maybe_return = nullptr;  ///< a `return` under a condition that is not statically known
  bool is_function = false;
  /// A generator function's run: the list its `yield`s add to (the call returns it).
  Val yielded = nullptr;
  FunctionInfo* function = nullptr;  ///< the function being run, if any
  Val self = nullptr;                ///< its receiver, when it runs as a method
};

class Evaluator {
 public:
  Evaluator(ModuleLoader& loader, EvaluationLimits limits = {});

  /// Runs the module code of `module` (its tree and globals must be set).
  void RunModule(ModuleState* module);

  // What the code built, in creation order.
  std::vector<DagObj*> dags;
  std::vector<TaskObj*> tasks;
  std::vector<EdgeObj> edges;
  PairSet<const TaskObj*> edge_set;  ///< each dependency once
  std::vector<ir::Diagnostic> diagnostics;

  /// How much of the above has been made: code whose effects are dropped (an operator's
  /// `execute()` for its footprint, an `__init__` that did not build a task) goes back to it.
  struct OutputMark {
    size_t dags, tasks, edges, diagnostics;
  };
  OutputMark Mark() const { return {dags.size(), tasks.size(), edges.size(), diagnostics.size()}; }
  void Rollback(const OutputMark& mark) {
    dags.resize(mark.dags);
    tasks.resize(mark.tasks);
    edges.resize(mark.edges);
    diagnostics.resize(mark.diagnostics);
  }
  /// The names the analysed file's own `import` statements bind.
  std::vector<ir::Import> imports;
  ModuleState* root_module = nullptr;
  /// Modules evaluated for this file, by dotted name (Python's sys.modules).
  std::unordered_map<std::string, ModuleState*> modules;
  /// Above 0 while plugin modules are loaded to resolve a plugin-style `airflow.*` name: an
  /// import cycle met then is an artefact of that lookup, not something Python would raise.
  int plugin_lookups = 0;

  // Used by the parts of the evaluator in other files (builtins, methods, Airflow model).
  Val Eval(TSNode node, Frame& frame);
  Val Call(Val callee, CallArgs& args, TSNode node, Frame& frame);
  std::string_view Text(TSNode node, const Frame& frame) const;
  ir::SourceRange Range(TSNode node, const Frame& frame) const;
  /// An unresolved value whose source is `node`'s text.
  Val Unknown(TSNode node, const Frame& frame, std::string reason);
  void Report(std::string_view code, TSNode node, const Frame& frame, std::string message,
              std::string hint = {});
  /// Iterates a value as a `for` loop does; false when it cannot be iterated statically.
  bool Iterate(const Val& v, std::vector<Val>& out, TSNode node, Frame& frame);
  ModuleLoader& loader() { return loader_; }
  /// False while analysing code that may not run (a branch of an unknown condition).
  bool certain() const { return uncertain_ == 0; }
  /// Raises a Python exception at `node` when the code surely runs; otherwise does nothing.
  void RaiseIfCertain(TSNode node, const Frame& frame, std::string what);
  /// True inside the body of a `try` that has a handler: there a lookup that fails statically
  /// (KeyError, IndexError) raises, so that the handler's fallback is what is analysed.
  bool in_try() const { return try_depth_ > 0; }
  /// Fails the file's import (as Airflow would raise) when the code surely runs; otherwise
  /// reports `code` as a finding.
  void FailImportIfCertain(std::string_view code, TSNode node, const Frame& frame,
                           std::string message, std::string hint);
  const EvaluationLimits& limits() const { return limits_; }

  /// Called before each call into a module dagport does not analyse (`os`, `shutil`,
  /// `subprocess`, ...) with its dotted path, and before each `open()` (path "open"): the
  /// footprint analysis records what an operator's `execute()` does on disk. A value it returns
  /// is the call's result (a placeholder for a fresh temporary path); null: evaluated as usual.
  std::function<Val(const std::string& path, const CallArgs& args, TSNode node, Frame& frame)>
      on_library_call;

  /// A local operator class instantiated without a `task_id` (innermost last): its `__init__`
  /// runs, and the call that reaches Airflow's operator `__init__` through `super()` builds the
  /// task, with the keywords it passes up that the instantiation lacks (the task id it computes).
  struct PendingOperator {
    Val self;
    std::string operator_class;
    const CallArgs* args;  ///< the instantiation's
    TSNode node;           ///< the instantiation
    Frame* frame;          ///< where it is
    Val task = nullptr;
  };
  std::vector<PendingOperator> pending_operators;

  // The Airflow context managers in effect (`with DAG(...)`, `with TaskGroup(...)`).
  std::vector<DagObj*> dag_context;
  std::vector<GroupObj*> group_context;

 private:
  friend class StatementRunner;
  Flow ExecBlock(TSNode block, Frame& frame);
  Flow Exec(TSNode stmt, Frame& frame);
  Flow ExecIf(TSNode node, Frame& frame);
  Flow ExecFor(TSNode node, Frame& frame);
  Flow ExecWhile(TSNode node, Frame& frame);
  Flow ExecWith(TSNode node, Frame& frame);
  Flow ExecTry(TSNode node, Frame& frame);
  void ExecFunctionDef(TSNode node, Frame& frame, const std::vector<Val>& decorators);
  void ExecClassDef(TSNode node, Frame& frame, const std::vector<Val>& decorators);
  void ExecAssignment(TSNode node, Frame& frame);
  void ExecAugmentedAssignment(TSNode node, Frame& frame);
  /// Runs each of `bodies` (a null node: a path that runs nothing) from the same state, as the
  /// alternatives of a condition that is not statically known, then joins the variables they
  /// bind: a value every alternative agrees on is kept, any other becomes unresolved.
  void ExecAlternatives(const std::vector<TSNode>& bodies, Frame& frame, std::string_view why);
  /// Binds through the write log of the innermost alternative being analysed.
  void SetVariable(Scope* scope, const std::string& name, Val value);

  /// False when the import fails under Airflow 1.10 (an Airflow 2 module inside `try:`).
  bool ExecImport(TSNode node, Frame& frame);
  bool ExecImportFrom(TSNode node, Frame& frame);
  void RecordImport(const Frame& frame, std::string module, std::string name, std::string alias,
                    TSNode node);
  void Assign(TSNode target, Val value, Frame& frame);
  void Bind(const std::string& name, Val value, Frame& frame);
  Val Lookup(std::string_view name, TSNode node, Frame& frame);

  Val EvalInner(TSNode node, Frame& frame);
  Val EvalString(TSNode node, Frame& frame);
  Val EvalConcatenatedString(TSNode node, Frame& frame);
  Val EvalBinary(TSNode node, Frame& frame);
  Val EvalComparison(TSNode node, Frame& frame);
  Val EvalBoolean(TSNode node, Frame& frame);
  Val EvalAttribute(TSNode node, Frame& frame);
  Val EvalSubscript(TSNode node, Frame& frame);
  /// `del target`: names, subscripts of dicts and lists, several targets.
  void Delete(TSNode target, Frame& frame);
  /// A `slice` node's start, stop and step (None where omitted).
  std::array<Val, 3> SliceParts(TSNode slice, Frame& frame);
  /// The bounds [lo, hi) of a `slice` node (`a:b`, step 1) over a sequence of `size` items,
  /// clamped as Python does; false when they are not statically known.
  bool SliceBounds(TSNode slice, size_t size, Frame& frame, int64_t& lo, int64_t& hi);
  Val EvalCall(TSNode node, Frame& frame);
  Val EvalComprehension(TSNode node, Frame& frame);
  Val EvalLambda(TSNode node, Frame& frame);
  Val EvalCollection(TSNode node, Frame& frame, Kind kind);
  Val EvalDictionary(TSNode node, Frame& frame);
  void CollectArguments(TSNode argument_list, Frame& frame, CallArgs& args);

  Val CallFunction(FunctionInfo* fn, CallArgs& args, TSNode node, Frame& frame, Val self);
  Val Instantiate(ClassInfo* cls, CallArgs& args, TSNode node, Frame& frame);
  /// The task a local operator class instantiated without a `task_id` builds when an
  /// `__init__` of its own computes it (`super().__init__(task_id="check_" + table, **kwargs)`);
  /// null, with nothing the `__init__` did kept, when it does not get there.
  Val InstantiateOperator(ClassInfo* cls, const std::string& operator_class, CallArgs& args,
                          TSNode node, Frame& frame);
  void Step(TSNode node, const Frame& frame);

  ModuleLoader& loader_;
  EvaluationLimits limits_;
  size_t steps_ = 0;
  int call_depth_ = 0;
  int nesting_ = 0;
  int uncertain_ = 0;  ///< > 0 while analysing a branch whose condition is not known
  int try_depth_ = 0;  ///< > 0 inside the body of a `try` with handlers
  struct Write {
    Scope* scope;
    std::string name;
    Val old_value;  ///< null when the name was unbound
  };
  std::vector<std::vector<Write>> write_logs_;  ///< one per alternative being analysed
  std::unordered_set<std::string> reported_;    ///< once-only diagnostics
};

/// Thrown when a bound on the work for one file is reached; the file's analysis stops there.
struct EvaluationBoundReached {
  std::string what;
};

/// An exception the analysed code raises (`raise`, a missing dict key). Its type is not
/// modelled: the first `except` handler takes it. Escaping the module, it fails the import.
struct PythonException {
  std::string what;
  std::string file;
  ir::SourceRange where;
};

/// Thrown where Airflow itself would raise while importing the file (so DagBag loads nothing
/// from it), such as "Task is missing the start_date parameter".
struct AirflowImportError {
  ir::Diagnostic diagnostic;
};

}  // namespace dagport::parser
