#include "parser/footprint.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "parser/airflow_names.h"
#include "parser/operations.h"
#include "parser/syntax_tree.h"

namespace dagport::parser {

namespace {

/// The names of Airflow's template context an `execute(self, context)` reads, as the Jinja
/// expression each stands for (per run, so kept as a template).
constexpr std::array<std::string_view, 24> kTemplateContextKeys = {"ds",
                                                                   "ds_nodash",
                                                                   "ts",
                                                                   "ts_nodash",
                                                                   "ts_nodash_with_tz",
                                                                   "run_id",
                                                                   "next_ds",
                                                                   "next_ds_nodash",
                                                                   "prev_ds",
                                                                   "prev_ds_nodash",
                                                                   "tomorrow_ds",
                                                                   "tomorrow_ds_nodash",
                                                                   "yesterday_ds",
                                                                   "yesterday_ds_nodash",
                                                                   "execution_date",
                                                                   "next_execution_date",
                                                                   "prev_execution_date",
                                                                   "logical_date",
                                                                   "data_interval_start",
                                                                   "data_interval_end",
                                                                   "task_instance_key_str",
                                                                   "dag_run",
                                                                   "ti",
                                                                   "task_instance"};

/// Renders the path `node` computes, binding what is known: an unknown part is written as its
/// source text in angle brackets.
class PathRenderer {
 public:
  PathRenderer(Evaluator& ev, Frame& frame) : ev_(ev), frame_(frame) {}

  /// The text of `value` (computed from `node`), or nullopt for something that is no path.
  std::optional<std::string> Render(const Val& value, TSNode node) {
    if (Is(value, Kind::kStr)) return value->text;
    if (Is(value, Kind::kExternal) && value->text.starts_with("path:"))
      return value->text.substr(5);
    if (Is(value, Kind::kExternal) && value->text.starts_with("open:")) return std::nullopt;
    if (IsNumber(value) || Is(value, Kind::kNone) || Is(value, Kind::kBool)) return std::nullopt;
    if (ts_node_is_null(node)) return "<" + (value != nullptr ? value->text : "?") + ">";
    return RenderNode(node, 0);
  }

 private:
  std::string RenderNode(TSNode node, int depth) {
    const std::string_view type = NodeType(node);
    if (depth < 8) {
      if (type == "call") {
        TSNode fn = ChildByField(node, "function");
        const std::string_view fn_text = ev_.Text(fn, frame_);
        TSNode args = ChildByField(node, "arguments");
        if ((fn_text.ends_with("path.join") || fn_text.ends_with("joinpath")) &&
            !ts_node_is_null(args)) {
          std::string out;
          for (TSNode a : NamedChildren(args)) {
            if (NodeType(a) == "comment") continue;
            std::string part = Part(a, depth);
            if (part.starts_with("/") || out.empty()) {
              out = part;
            } else {
              if (!out.ends_with("/")) out += '/';
              out += part;
            }
          }
          return out;
        }
      }
      if (type == "binary_operator") {
        TSNode op = ChildByField(node, "operator");
        const std::string_view op_text = ev_.Text(op, frame_);
        if (op_text == "+" || op_text == "/") {
          std::string left = Part(ChildByField(node, "left"), depth);
          std::string right = Part(ChildByField(node, "right"), depth);
          if (op_text == "/" && !left.ends_with("/")) left += '/';
          return left + right;
        }
      }
      if (type == "parenthesized_expression" && ts_node_named_child_count(node) == 1)
        return Part(NamedChild(node, 0), depth);
    }
    return "<" + std::string(ev_.Text(node, frame_)) + ">";
  }

  std::string Part(TSNode node, int depth) {
    if (ts_node_is_null(node)) return "<?>";
    Val v = ev_.Eval(node, frame_);
    if (Is(v, Kind::kStr)) return v->text;
    if (Is(v, Kind::kExternal) && v->text.starts_with("path:")) return v->text.substr(5);
    return RenderNode(node, depth + 1);
  }

  Evaluator& ev_;
  Frame& frame_;
};

/// The words of a command given as a list (subprocess style) or a string (shell).
std::vector<std::vector<std::string>> CommandWords(const Val& command, TSNode node,
                                                   PathRenderer& render) {
  if (Is(command, Kind::kStr)) return ShellWords(command->text);
  if (Is(command, Kind::kList) || Is(command, Kind::kTuple)) {
    std::vector<std::string> words;
    for (const Val& item : command->items) {
      if (std::optional<std::string> w = render.Render(item, TSNode{})) words.push_back(*w);
    }
    return {words};
  }
  if (std::optional<std::string> text = render.Render(command, node)) return ShellWords(*text);
  return {};
}

/// Records what one library call of an operator's code does to the disk.
void RecordLibraryCall(Evaluator& ev, const std::string& path, const CallArgs& args, TSNode node,
                       Frame& frame, FootprintSink& sink) {
  auto arg = [&](size_t i, std::string_view keyword) -> std::pair<Val, TSNode> {
    if (i < args.positional.size()) return {args.positional[i], args.positional_nodes[i]};
    if (const Val* v = args.Keyword(keyword)) return {*v, args.KeywordNode(keyword)};
    return {nullptr, TSNode{}};
  };
  PathRenderer render(ev, frame);
  auto path_of = [&](size_t i, std::string_view keyword) -> std::optional<std::string> {
    auto [v, n] = arg(i, keyword);
    if (v == nullptr) return std::nullopt;
    return render.Render(v, n);
  };
  auto add = [&](size_t i, std::string_view keyword, std::string_view mode,
                 std::string_view resource) {
    if (std::optional<std::string> p = path_of(i, keyword)) {
      auto [v, n] = arg(i, keyword);
      const bool unique =
          NamesFreshTemporary(*p) || (IsUnresolved(v) && NamesFreshTemporary(v->text));
      sink.Add(*p, mode, resource, false, unique);
    }
  };
  sink.At(frame.module->path, ev.Range(node, frame));
  if (path == "open" || path == "io.open" || path == "codecs.open") {
    auto [mode, mode_node] = arg(1, "mode");
    const std::string m = Is(mode, Kind::kStr) ? mode->text : "r";
    const bool writes = m.find_first_of("wax+") != std::string::npos;
    add(0, "file", writes ? "write" : "read", "file");
    return;
  }
  if (path == "os.remove" || path == "os.unlink") return add(0, "path", "delete", "file");
  if (path == "os.rmdir" || path == "shutil.rmtree" || path == "os.removedirs")
    return add(0, "path", "delete", "directory");
  if (path == "os.makedirs" || path == "os.mkdir") return add(0, "name", "create", "directory");
  if (path == "shutil.copy" || path == "shutil.copy2" || path == "shutil.copyfile" ||
      path == "shutil.copytree") {
    add(0, "src", "read", path == "shutil.copytree" ? "directory" : "file");
    add(1, "dst", "write", path == "shutil.copytree" ? "directory" : "file");
    return;
  }
  if (path == "shutil.move" || path == "os.rename" || path == "os.replace") {
    add(0, "src", "delete", "file");
    add(1, "dst", "write", "file");
    return;
  }
  if (path == "venv.create" || path == "virtualenv.create_environment")
    return add(0, "env_dir", "create", "virtualenv");
  // Library entry points that take a command line's arguments: run as that program would.
  const char* program = path == "virtualenv.cli_run"                         ? "virtualenv"
                        : path == "pip.main" || path == "pip._internal.main" ? "pip"
                                                                             : nullptr;
  if (program != nullptr) {
    auto [v, n] = arg(0, "args");
    for (std::vector<std::string>& words : CommandWords(v, n, render)) {
      words.insert(words.begin(), program);
      AddCommandFootprint(std::move(words), sink);
    }
    return;
  }
  static constexpr std::array<std::string_view, 10> kRunners = {
      "subprocess.call",  "subprocess.check_call", "subprocess.check_output",    "subprocess.run",
      "subprocess.Popen", "subprocess.getoutput",  "subprocess.getstatusoutput", "os.system",
      "os.popen",         "commands.getoutput"};
  if (std::find(kRunners.begin(), kRunners.end(), path) != kRunners.end()) {
    auto [v, n] = arg(0, path.starts_with("os.") ? "command" : "args");
    if (v == nullptr) return;
    sink.unique = IsUnresolved(v) && NamesFreshTemporary(v->text);
    for (const std::vector<std::string>& words : CommandWords(v, n, render))
      AddCommandFootprint(words, sink);
    sink.unique = false;
  }
}

/// What a call that makes or names a temporary path stands for in a footprint: a fresh path is
/// a placeholder the analysis marks unique; the shared temporary folder is /tmp.
Val FreshPath(const std::string& path) {
  if (path == "tempfile.gettempdir") return Str("/tmp");
  if (path == "tempfile.mkdtemp" || path == "tempfile.TemporaryDirectory" ||
      path == "tempfile.mkstemp" || path == "tempfile.NamedTemporaryFile" ||
      path == "airflow.utils.file.TemporaryDirectory" || path == "uuid.uuid4" ||
      path == "uuid.uuid1") {
    return Str("<" + path + "()>");
  }
  return nullptr;
}

/// Airflow's template context as `execute()` receives it: per-run values as their templates.
Val TemplateContext(const TaskObj& task) {
  Val context = Dict();
  for (std::string_view key : kTemplateContextKeys) {
    DictSet(context, Str(std::string(key)), Str(fmt::format("{{{{ {} }}}}", key)));
  }
  Val params = nullptr;
  for (const auto& [name, value] : task.effective_arguments) {
    if (name == "params") params = value;
  }
  DictSet(context, Str("params"), params != nullptr ? params : Dict());
  DictSet(context, Str("task"), task.self != nullptr ? task.self : None());
  DictSet(context, Str("dag"),
          task.dag != nullptr && task.dag->self != nullptr ? task.dag->self : None());
  return context;
}

/// Evaluates `execute()` of the task's class with `self` bound to its arguments.
void CustomOperatorFootprint(Evaluator& ev, TaskObj& task) {
  const Val* execute = task.cls->FindAttribute("execute");
  if (execute == nullptr || !Is(*execute, Kind::kFunction)) return;
  FunctionInfo* fn = (*execute)->function;

  Val self = CurrentHeap().Make<Obj>();
  self->kind = Kind::kInstance;
  self->cls = task.cls;
  auto set = [&](const std::string& name, Val v) {
    for (auto& [k, x] : self->entries) {
      if (k->text == name) {
        x = v;
        return;
      }
    }
    self->entries.emplace_back(Str(name), v);
  };
  // An argument not statically known is bound as its expression in angle brackets, so that the
  // paths computed from it keep what is known: /tmp/venvs/<Variable.get('project')>.
  auto placeholder = [](const Val& v) {
    return IsUnresolved(v) ? Str("<" + v->text.substr(0, 120) + ">") : v;
  };
  for (const auto& [name, value] : task.effective_arguments) set(name, placeholder(value));
  set("task_id", Str(task.task_id));
  if (task.dag != nullptr) set("dag_id", Str(task.dag->dag_id));

  Frame frame;
  frame.module = fn->module;
  frame.scope = fn->module->globals;

  FootprintSink sink(task.footprint, fn->module->path, fn->module->tree->Range(fn->node));
  bool rendering = false;
  ev.on_library_call = [&](const std::string& path, const CallArgs& args, TSNode node,
                           Frame& call_frame) -> Val {
    if (rendering) return nullptr;
    if (Val fresh = FreshPath(path)) return fresh;
    rendering = true;
    RecordLibraryCall(ev, path, args, node, call_frame, sink);
    rendering = false;
    return nullptr;
  };
  try {
    // __init__ computes attributes from the arguments (self.venv = os.path.join(...)).
    if (const Val* init = task.cls->FindAttribute("__init__");
        init != nullptr && Is(*init, Kind::kFunction)) {
      CallArgs init_args;
      for (const auto& [name, value] : task.arguments) {
        // Without task_id and dag, `super().__init__(**kwargs)` builds no second task.
        if (name == "task_id" || name == "dag") continue;
        init_args.keywords.emplace_back(name, placeholder(value));
        init_args.keyword_nodes.push_back(TSNode{});
      }
      Val bound = GetAttribute(ev, self, "__init__", fn->node, frame);
      ev.Call(bound, init_args, fn->node, frame);
    }
    CallArgs args;
    args.positional.push_back(TemplateContext(task));
    args.positional_nodes.push_back(TSNode{});
    Val bound = GetAttribute(ev, self, "execute", fn->node, frame);
    ev.Call(bound, args, fn->node, frame);
  } catch (const PythonException&) {
    // execute() raises on some path: what it did before is the footprint.
  } catch (const AirflowImportError&) {
  }
  ev.on_library_call = nullptr;
}

bool EndsWithName(std::string_view path, std::string_view name) {
  return path == name || (path.ends_with(name) && path[path.size() - name.size() - 1] == '.');
}

}  // namespace

void ComputeFootprints(Evaluator& ev) {
  // Operator code runs on the worker, not at import: what it builds or reports is not part of
  // the file's analysis.
  const Evaluator::OutputMark before = ev.Mark();
  const std::vector<DagObj*> dag_context = ev.dag_context;
  const std::vector<GroupObj*> group_context = ev.group_context;
  const std::vector<TaskObj*> all(ev.tasks.begin(), ev.tasks.end());
  try {
    for (TaskObj* task : all) {
      if (task->cls != nullptr) {
        CustomOperatorFootprint(ev, *task);
        continue;
      }
      const std::string& op = task->operator_class;
      if (EndsWithName(op, "PythonVirtualenvOperator")) {
        FootprintSink sink(task->footprint, std::string(task->file), task->where);
        sink.Add("<temporary directory>/venv", "create", "virtualenv", false, true);
        sink.Add("<temporary directory>/venv", "write", "packages", false, true);
      } else if (EndsWithName(op, "BashOperator")) {
        for (const auto& [name, value] : task->effective_arguments) {
          if (name != "bash_command" || !Is(value, Kind::kStr)) continue;
          // A path to a script file (`run.sh `) is rendered from a file dagport does not read.
          task->footprint = ShellCommandFootprint(value->text, task->file, task->where);
        }
      }
    }
  } catch (const EvaluationBoundReached&) {
    // The work bound for the file is reached: footprints computed so far are kept.
  }
  ev.on_library_call = nullptr;
  ev.Rollback(before);
  ev.dag_context = dag_context;
  ev.group_context = group_context;
}

}  // namespace dagport::parser
