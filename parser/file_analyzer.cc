#include "parser/file_analyzer.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "ir/graph_checks.h"
#include "parser/airflow_model.h"
#include "parser/airflow_names.h"
#include "parser/footprint.h"
#include "parser/pair_set.h"
#include "parser/source_reader.h"

namespace dagport::parser {

namespace {

/// The IR of the evaluator's values, each list, dict, datetime and string made once per file:
/// the values of a DAG's `default_args` are in the effective arguments of each of its tasks,
/// and a task's own arguments are there again. The copies share what they hold (ir::Value).
class IrValues {
 public:
  ir::Value Get(const Val& v) {
    switch (v->kind) {
      case Kind::kStr:
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kSet:
      case Kind::kDict:
      case Kind::kDatetime: break;
      default: return ToIrValue(v);
    }
    // Open addressing, half full at most: one allocation per growth, not one per value.
    if (2 * (count_ + 1) > slots_.size()) Grow();
    for (size_t i = Hash(v);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.from == v) return slot.ir;
      if (slot.from == nullptr) {
        slot.from = v;
        slot.ir = ToIrValue(v);
        ++count_;
        return slot.ir;
      }
    }
  }

  ir::Arguments Get(const std::vector<std::pair<std::string, Val>>& args) {
    ir::Arguments out;
    out.reserve(args.size());
    for (const auto& [name, v] : args) out.emplace_back(name, Get(v));
    return out;
  }

 private:
  struct Slot {
    const Obj* from = nullptr;
    ir::Value ir;
  };
  size_t Hash(const Obj* v) const {
    const auto key = reinterpret_cast<uintptr_t>(v);
    return ((key >> 4) * 0x9E3779B97F4A7C15ULL >> 20) & (slots_.size() - 1);
  }
  void Grow() {
    std::vector<Slot> old =
        std::exchange(slots_, std::vector<Slot>(std::max<size_t>(64, 2 * slots_.size())));
    for (Slot& slot : old) {
      if (slot.from == nullptr) continue;
      size_t i = Hash(slot.from);
      while (slots_[i].from != nullptr) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = std::move(slot);
    }
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

/// The DAGs Airflow's DagBag collects: DAG objects among the module's globals (in their
/// binding order), each followed by its sub-DAGs.
/// The DAGs Airflow's DagBag collects from the module: those its globals hold, the DAGs
/// Airflow 2.4+ auto-registers (`auto_registered`, created by this file), and their sub-DAGs.
/// `auto_only` gets those that only auto-registration collects (no global holds them).
std::vector<DagObj*> CollectDags(ModuleState* module, const std::vector<DagObj*>& built,
                                 const std::string& path, std::unordered_set<DagObj*>& auto_only) {
  std::vector<DagObj*> out;
  std::unordered_set<DagObj*> seen;
  std::vector<DagObj*> stack;
  std::vector<DagObj*> roots;
  for (const std::string& name : module->globals->order) {
    auto it = module->globals->vars.find(name);
    if (it != module->globals->vars.end() && Is(it->second, Kind::kDag))
      roots.push_back(it->second->dag);
  }
  const size_t global_roots = roots.size();
  for (DagObj* dag : built) {
    if (dag->auto_registered && dag->file == path) roots.push_back(dag);
  }
  for (size_t r = 0; r < roots.size(); ++r) {
    stack.push_back(roots[r]);
    while (!stack.empty()) {
      DagObj* dag = stack.back();
      stack.pop_back();
      if (!seen.insert(dag).second) continue;
      out.push_back(dag);
      if (r >= global_roots) auto_only.insert(dag);
      for (auto t = dag->tasks.rbegin(); t != dag->tasks.rend(); ++t) {
        if ((*t)->subdag != nullptr) stack.push_back((*t)->subdag);
      }
    }
  }
  return out;
}

ir::Dag ToIrDag(const DagObj& dag, const std::vector<EdgeObj>& edges, AnalysisDepth depth,
                IrValues& values) {
  ir::Dag out;
  out.dag_id = dag.dag_id;
  out.dynamic = dag.dynamic;
  out.arguments = values.Get(dag.arguments);
  out.where = dag.where;
  if (dag.parent_task != nullptr && dag.parent_task->dag != nullptr)
    out.parent_dag = dag.parent_task->dag->dag_id;
  for (const TaskObj* t : dag.tasks) {
    ir::Task task;
    task.task_id = t->task_id;
    task.dynamic = t->dynamic;
    task.operator_class = t->operator_class;
    if (depth == AnalysisDepth::kFull) {
      task.arguments = values.Get(t->arguments);
      task.effective_arguments = values.Get(t->effective_arguments);
    }
    if (t->group != nullptr) task.task_group = t->group->group_id;
    if (t->subdag != nullptr) task.subdag = t->subdag->dag_id;
    task.footprint = t->footprint;
    task.where = t->where;
    out.tasks.push_back(std::move(task));
  }
  // Airflow keeps dependencies by task id on the task object they were set on; a duplicate
  // task (not in the DAG's task_dict) loses those set on it.
  PairSet<std::string_view> seen;
  for (const EdgeObj& e : edges) {
    // Airflow records a dependency by id on both tasks; the scheduler resolves ids through the
    // DAG, so an edge counts when either end is the task the DAG keeps for its id.
    if (e.from->dag != &dag || (!e.from->registered && !e.to->registered)) continue;
    if (!seen.Insert(e.from->task_id, e.to->task_id)) continue;
    out.edges.push_back(ir::Edge{e.from->task_id, e.to->task_id, e.where});
  }
  for (const GroupObj* g : dag.groups) {
    out.task_groups.push_back(
        ir::TaskGroup{g->group_id, g->parent != nullptr ? g->parent->group_id : "", g->where});
  }
  return out;
}

std::string BasePath(const Val& base) {
  if (Is(base, Kind::kExternal)) return std::string(ResolveAirflowPath(base->text));
  if (Is(base, Kind::kClass)) return base->cls->path;
  return IsUnresolved(base) ? base->text : std::string(TypeName(base));
}

/// The custom operator classes of every module the analysis evaluated, in module order.
std::vector<ir::OperatorClass> OperatorClasses(const Evaluator& ev) {
  std::vector<ModuleState*> modules;
  for (const auto& [name, module] : ev.modules) modules.push_back(module);
  std::sort(modules.begin(), modules.end(),
            [](const ModuleState* a, const ModuleState* b) { return a->name < b->name; });
  std::vector<ir::OperatorClass> out;
  for (ModuleState* module : modules) {
    if (module->tree == nullptr) continue;
    for (const std::string& name : module->globals->order) {
      const Val* bound = module->globals->Find(name);
      if (bound == nullptr) continue;
      const Val v = *bound;
      if (!Is(v, Kind::kClass) || v->cls->module != module || !OperatorClassPath(v)) continue;
      const ClassInfo& cls = *v->cls;
      ir::OperatorClass c;
      c.path = cls.path;
      c.file = module->path;
      c.where = module->tree->Range(cls.node);
      for (const Val& base : cls.bases) c.bases.push_back(BasePath(base));
      for (const auto& [attr, value] : cls.attributes) {
        if (attr == "template_fields" && (Is(value, Kind::kTuple) || Is(value, Kind::kList))) {
          for (const Val& field : value->items) {
            if (Is(field, Kind::kStr)) c.template_fields.push_back(field->text);
          }
        }
        if (attr == "execute" && Is(value, Kind::kFunction))
          c.execute = module->tree->Range(value->function->node);
        if (attr == "__init__" && Is(value, Kind::kFunction)) {
          const FunctionInfo& init = *value->function;
          TSNode params = ChildByField(init.node, "parameters");
          std::vector<Parameter> parameters = Parameters(init, params, *module->tree);
          for (size_t i = 0; i < parameters.size(); ++i) {
            if (i == 0 && parameters[i].name == "self") continue;
            static constexpr const char* kKinds[] = {"positional", "keyword_only", "var_positional",
                                                     "var_keyword"};
            ir::OperatorParameter param{parameters[i].name, kKinds[parameters[i].kind], false,
                                        ir::Value::None()};
            if (parameters[i].default_value != nullptr) {
              param.has_default = true;
              param.default_value = ToIrValue(parameters[i].default_value);
            }
            c.init_parameters.push_back(std::move(param));
          }
        }
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace

FileAnalysis AnalyzeFile(const std::string& path, ModuleLoader& loader,
                         const EvaluationLimits& limits) {
  SourceText source = ReadSource(path, path);
  if (!source.text) {
    FileAnalysis result;
    result.file.path = path;
    result.file.diagnostics = std::move(source.diagnostics);
    return result;
  }
  FileAnalysis result = AnalyzeSource(path, std::move(*source.text), loader, limits);
  result.file.diagnostics.insert(result.file.diagnostics.begin(), source.diagnostics.begin(),
                                 source.diagnostics.end());
  return result;
}

FileAnalysis AnalyzeSource(const std::string& path, std::string text, ModuleLoader& loader,
                           const EvaluationLimits& limits) {
  FileAnalysis result;
  result.file.path = path;
  result.might_contain_dag =
      text.find("DAG") != std::string::npos && text.find("airflow") != std::string::npos;
  if (!result.might_contain_dag) return result;

  auto tree = std::make_unique<const SyntaxTree>(SyntaxTree::Parse(std::move(text)));
  FileAnalysis analysis = AnalyzeTree(path, *tree, loader, limits);
  analysis.tree = std::move(tree);
  return analysis;
}

FileAnalysis AnalyzeTree(const std::string& path, const SyntaxTree& tree, ModuleLoader& loader,
                         const EvaluationLimits& limits, AnalysisDepth depth) {
  FileAnalysis result;
  result.file.path = path;
  const std::string_view text = tree.text();
  result.might_contain_dag =
      text.find("DAG") != std::string::npos && text.find("airflow") != std::string::npos;
  if (!result.might_contain_dag) return result;
  std::vector<ir::Diagnostic>& diagnostics = result.file.diagnostics;
  std::vector<ir::Diagnostic> syntax = tree.SyntaxErrors(path);
  diagnostics.insert(diagnostics.end(), syntax.begin(), syntax.end());

  Heap heap;
  HeapScope heap_scope(heap);
  Evaluator ev(loader, limits);
  auto* module = heap.Make<ModuleState>();
  module->name = std::filesystem::path(path).stem().string();
  module->path = path;
  module->tree = &tree;
  module->globals = heap.Make<Scope>();
  module->globals->module = module;
  Val self = heap.Make<Obj>();
  self->kind = Kind::kModule;
  self->module = module;
  module->self = self;
  InitModuleGlobals(module);
  // DagBag imports a DAG file under a generated name, never as __main__.
  module->globals->Set("__name__", Str("unusual_prefix_" + module->name));
  ev.root_module = module;
  ev.modules.emplace(module->name, module);
  bool import_fails = false;
  try {
    ev.RunModule(module);
  } catch (const EvaluationBoundReached& bound) {
    ev.diagnostics.push_back(ir::MakeDiagnostic("DP105", path, {}, bound.what,
                                                "what was built before the bound is reported"));
  } catch (const AirflowImportError& error) {
    ev.diagnostics.push_back(error.diagnostic);
    import_fails = true;
  } catch (const PythonException& error) {
    ev.diagnostics.push_back(ir::MakeDiagnostic(
        "DP125", error.file, error.where,
        fmt::format("the file raises ({}) when Airflow imports it, so it loads nothing from it",
                    error.what),
        "make the module-level code run without an exception"));
    import_fails = true;
  }
  if (depth != AnalysisDepth::kGraph) ComputeFootprints(ev);
  // A file that is not valid Python 3 does not import at all.
  for (const ir::Diagnostic& d : syntax)
    import_fails = import_fails || d.severity == ir::Severity::kError;

  std::unordered_set<DagObj*> auto_only;
  std::vector<DagObj*> collected = CollectDags(module, ev.dags, path, auto_only);
  std::unordered_set<DagObj*> collected_set(collected.begin(), collected.end());
  for (DagObj* dag : ev.dags) {
    if (collected_set.contains(dag) || dag->file != path) continue;
    ev.diagnostics.push_back(ir::MakeDiagnostic(
        "DP112", path, dag->where,
        fmt::format(
            "DAG '{}' is built but not bound to a module global: Airflow does not collect it",
            dag->dag_id),
        "assign it to a global (dag = DAG(...)) or to globals()[dag_id]"));
  }
  for (TaskObj* task : ev.tasks) {
    if (task->dag != nullptr || task->file != path) continue;
    ev.diagnostics.push_back(ir::MakeDiagnostic(
        "DP116", path, task->where,
        fmt::format("task '{}' is not assigned to any DAG", task->task_id),
        "pass dag=..., create it inside `with DAG(...)`, or link it to a task of a DAG"));
  }
  IrValues values;
  for (DagObj* dag : collected) {
    result.file.dags.push_back(ToIrDag(*dag, ev.edges, depth, values));
    result.file.dags.back().auto_registered = auto_only.contains(dag);
  }
  for (const auto& [name, loaded] : ev.modules) {
    if (loaded != module && loaded != nullptr && !loaded->path.empty())
      result.local_modules.push_back(loaded->path);
  }
  // Two DAGs with one id: DagBag keeps the later one, in the place of the first.
  {
    std::vector<ir::Dag> unique;
    std::map<std::string, size_t> position;
    for (ir::Dag& dag : result.file.dags) {
      auto [it, inserted] = position.emplace(dag.dag_id, unique.size());
      if (inserted) {
        unique.push_back(std::move(dag));
        continue;
      }
      ev.diagnostics.push_back(ir::MakeDiagnostic(
          "DP126", path, dag.where,
          fmt::format("DAG id '{}' is used again (first at line {}): Airflow keeps only this one",
                      dag.dag_id, unique[it->second].where.line),
          "give each DAG its own dag_id"));
      unique[it->second] = std::move(dag);
    }
    result.file.dags = std::move(unique);
  }
  // DagBag refuses a DAG with a cycle (AirflowDagCycleException), and with it its sub-DAGs.
  // A cron expression croniter rejects: Airflow 2 refuses the DAG (its timetable is validated
  // before the DAG is bagged); 1.10's DagBag checks it after bag_dag, so the DAG stays in
  // DagBag.dags and the file only gets an import error.
  std::set<std::string> refused;
  const bool airflow1 = limits.airflow_major == 1;
  for (const ir::Dag& dag : result.file.dags) {
    const std::optional<std::string> why = ir::InvalidCronSchedule(dag);
    if (!why) continue;
    if (!airflow1) refused.insert(dag.dag_id);
    ev.diagnostics.push_back(ir::MakeDiagnostic(
        "DP127", path, dag.where,
        fmt::format("invalid cron expression for DAG '{}': {}", dag.dag_id, *why),
        airflow1 ? "Airflow 1.10 loads the DAG but records an import error (\"Invalid Cron "
                   "expression\") and cannot schedule it; Airflow 2 refuses it. Use five "
                   "cron fields or a preset such as @daily"
                 : "Airflow refuses the DAG (\"Invalid Cron expression\"); use five cron "
                   "fields or a preset such as @daily"));
  }
  for (const ir::Dag& dag : result.file.dags) {
    std::vector<ir::Diagnostic> checks = ir::CheckDag(dag, path);
    for (const ir::Diagnostic& d : checks) {
      if (d.code == "DP150") refused.insert(dag.dag_id);
    }
    ev.diagnostics.insert(ev.diagnostics.end(), checks.begin(), checks.end());
  }
  std::vector<ir::Dag> loaded;
  for (ir::Dag& dag : result.file.dags) {
    const bool parent_refused = !dag.parent_dag.empty() && refused.contains(dag.parent_dag);
    if (parent_refused) refused.insert(dag.dag_id);
    if (import_fails || refused.contains(dag.dag_id)) {
      result.file.recovered_dags.push_back(std::move(dag));
    } else {
      loaded.push_back(std::move(dag));
    }
  }
  result.file.dags = std::move(loaded);
  result.file.imports = std::move(ev.imports);
  if (depth != AnalysisDepth::kGraph) result.file.operator_classes = OperatorClasses(ev);
  diagnostics.insert(diagnostics.end(), ev.diagnostics.begin(), ev.diagnostics.end());
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const ir::Diagnostic& a, const ir::Diagnostic& b) {
                     const bool a_other = a.file != path, b_other = b.file != path;
                     if (a_other != b_other) return !a_other;
                     if (a.file != b.file) return a.file < b.file;
                     if (a.where.line != b.where.line) return a.where.line < b.where.line;
                     return a.where.column < b.where.column;
                   });
  return result;
}

}  // namespace dagport::parser
