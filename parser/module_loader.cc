#include "parser/module_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "parser/airflow_names.h"
#include "parser/source_reader.h"

namespace dagport::parser {

namespace fs = std::filesystem;

namespace {

// Top-level packages of the standard library and of libraries DAG files commonly import: not
// finding them in the DAG folder is expected, so no diagnostic is reported for them.
constexpr std::array kKnownLibraries = {
    "__future__", "abc", "airflow", "argparse", "ast", "base64", "boto3", "botocore", "calendar",
    "collections", "concurrent", "configparser", "contextlib", "copy", "croniter", "csv",
    "dataclasses", "datetime", "dateutil", "decimal", "docker", "email", "enum", "functools",
    "glob", "google", "gzip", "hashlib", "http", "importlib", "inspect", "io", "itertools",
    "jinja2", "json", "kubernetes", "logging", "math", "numpy", "operator", "os", "pandas",
    "paramiko", "pathlib", "pendulum", "pickle", "platform", "pprint", "psycopg2", "pymysql",
    "pytz", "random", "re", "requests", "shlex", "shutil", "six", "slack", "slack_sdk", "smtplib",
    "snowflake", "socket", "sqlalchemy", "string", "struct", "subprocess", "sys", "tempfile",
    "textwrap", "threading", "time", "traceback", "typing", "urllib", "uuid", "warnings", "yaml",
    "zipfile",
    // the rest of the standard library DAG files reach for
    "array", "asyncio", "bisect", "builtins", "bz2", "cgi", "cmd", "codecs", "contextvars",
    "ctypes", "dbm", "difflib", "dis", "errno", "fcntl", "filecmp", "fileinput", "fnmatch",
    "fractions", "ftplib", "getpass", "gettext", "grp", "heapq", "hmac", "html", "imaplib",
    "ipaddress", "keyword", "linecache", "locale", "lzma", "mimetypes", "mmap", "multiprocessing",
    "netrc", "numbers", "pkgutil", "poplib", "posixpath", "pwd", "queue", "quopri", "resource",
    "sched", "secrets", "select", "selectors", "shelve", "signal", "site", "sqlite3", "ssl", "stat",
    "statistics", "sysconfig", "tarfile", "telnetlib", "types", "unicodedata", "unittest",
    "weakref", "webbrowser", "xml", "xmlrpc", "zlib", "zoneinfo"};

bool IsKnownLibrary(std::string_view name) {
  const std::string_view top = name.substr(0, name.find('.'));
  return std::find(kKnownLibraries.begin(), kKnownLibraries.end(), top) != kKnownLibraries.end();
}

std::string ModuleNameOf(const fs::path& relative) {
  std::string name;
  for (const auto& part : relative) {
    std::string p = part.string();
    if (p.ends_with(".py")) p.resize(p.size() - 3);
    if (p == "__init__") continue;
    if (!name.empty()) name += '.';
    name += p;
  }
  return name;
}

/// The AirflowPlugin subclasses of a module, as (plugin name, class info).
void CollectPlugins(ModuleState* module, std::vector<std::pair<std::string, ClassInfo*>>& out) {
  for (const std::string& global : module->globals->order) {
    Val v = module->globals->vars[global];
    if (!Is(v, Kind::kClass) || v->cls->module != module) continue;
    bool is_plugin = false;
    for (const Val& base : v->cls->bases) {
      is_plugin = is_plugin || (Is(base, Kind::kExternal) && base->text.ends_with("AirflowPlugin"));
    }
    if (!is_plugin) continue;
    const Val* name = v->cls->FindAttribute("name");
    if (name != nullptr && Is(*name, Kind::kStr)) out.emplace_back((*name)->text, v->cls);
  }
}

}  // namespace

ModuleLoader::ModuleLoader(std::vector<std::string> roots, std::vector<std::string> plugin_roots)
    : roots_(std::move(roots)), plugin_roots_(std::move(plugin_roots)) {
  for (const std::string& p : plugin_roots_) {
    if (std::find(roots_.begin(), roots_.end(), p) == roots_.end()) roots_.push_back(p);
  }
}

std::optional<ModuleLoader::Found> ModuleLoader::Find(const std::string& name,
                                                      const std::string& extra_root) {
  const std::string key = name + "\n" + extra_root;
  if (auto it = found_.find(key); it != found_.end()) return it->second;
  std::string relative = name;
  std::replace(relative.begin(), relative.end(), '.', '/');
  std::optional<Found> result;
  std::vector<std::string> search = roots_;
  if (!extra_root.empty()) search.push_back(extra_root);
  std::error_code ec;
  for (const std::string& root : search) {
    const fs::path base = fs::path(root) / relative;
    if (fs::is_regular_file(base.string() + ".py", ec)) {
      result = Found{base.string() + ".py", false};
      break;
    }
    if (fs::is_regular_file(base / "__init__.py", ec)) {
      result = Found{(base / "__init__.py").string(), true};
      break;
    }
    if (fs::is_directory(base, ec)) {
      result = Found{"", true};
      break;
    }
  }
  found_.emplace(key, result);
  return result;
}

std::optional<ModuleLoader::Found> ModuleLoader::FindNear(const std::string& name,
                                                          const std::string& importing_path) {
  // The key: the path up to its file name (which decides the folder), and the name.
  const size_t slash = importing_path.rfind('/');
  std::string key = slash == std::string::npos ? std::string() : importing_path.substr(0, slash);
  key += '\n';
  key += name;
  if (auto it = found_near_.find(key); it != found_near_.end()) return it->second;
  std::optional<Found> result;
  fs::path dir = fs::path(importing_path).parent_path();
  if (dir.empty()) dir = ".";
  for (int up = 0; up < 4 && !result; ++up) {
    result = Find(name, dir.string());
    dir = (dir / "..").lexically_normal();
  }
  found_near_.emplace(std::move(key), result);
  return result;
}

const SyntaxTree* ModuleLoader::Tree(const std::string& path,
                                     std::vector<ir::Diagnostic>& diagnostics) {
  if (auto it = trees_.find(path); it != trees_.end()) return it->second.get();
  if (overlay_ != nullptr) {
    if (auto it = overlay_->find(fs::path(path).lexically_normal().string());
        it != overlay_->end()) {
      auto tree = std::make_unique<SyntaxTree>(SyntaxTree::Parse(it->second));
      return trees_.emplace(path, std::move(tree)).first->second.get();
    }
  }
  SourceText source = ReadSource(path, path);
  std::unique_ptr<SyntaxTree> tree;
  if (source.text && transform_) {
    if (std::optional<std::string> text = transform_(path)) {
      source.text = std::move(text);
      transformed_.insert(path);
    }
  }
  if (source.text) {
    tree = std::make_unique<SyntaxTree>(SyntaxTree::Parse(std::move(*source.text)));
  }
  diagnostics.insert(diagnostics.end(), source.diagnostics.begin(), source.diagnostics.end());
  return trees_.emplace(path, std::move(tree)).first->second.get();
}

void ModuleLoader::SetOverlay(std::shared_ptr<const Overlay> overlay) {
  overlay_ = std::move(overlay);
  trees_.clear();
}

void ModuleLoader::SetTransform(SourceTransform transform) {
  transform_ = std::move(transform);
  trees_.clear();
  transformed_.clear();
}

const std::vector<std::pair<std::string, std::string>>& ModuleLoader::PluginModules() {
  if (plugin_modules_) return *plugin_modules_;
  plugin_modules_.emplace();
  std::error_code ec;
  for (const std::string& root : plugin_roots_) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it.depth() > 6) it.disable_recursion_pending();
      if (it->is_regular_file(ec) && it->path().extension() == ".py") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      plugin_modules_->emplace_back(ModuleNameOf(f.lexically_relative(root)), f.string());
    }
  }
  return *plugin_modules_;
}

void InitModuleGlobals(ModuleState* module) {
  // __doc__: the module's docstring (`dag.doc_md = __doc__` is common).
  Val doc = None();
  if (module->tree != nullptr && ts_node_named_child_count(module->tree->root()) > 0) {
    TSNode first = NamedChild(module->tree->root(), 0);
    if (std::string_view(ts_node_type(first)) == "expression_statement" &&
        ts_node_named_child_count(first) == 1) {
      TSNode str = NamedChild(first, 0);
      if (std::string_view(ts_node_type(str)) == "string" && ts_node_named_child_count(str) == 3) {
        doc = Str(std::string(module->tree->NodeText(NamedChild(str, 1))));
      }
    }
  }
  module->globals->Set("__name__", Str(module->name));
  // The path as dagport was given it: os.path.basename(__file__) (a common dag_id idiom) gives
  // the real name, and the result does not depend on where the folder is checked out.
  module->globals->Set("__file__", Str(module->path));
  module->globals->Set("__doc__", doc);
}

ModuleState* LoadModule(Evaluator& ev, const std::string& name, const ModuleLoader::Found& found,
                        TSNode node, Frame& frame) {
  if (auto it = ev.modules.find(name); it != ev.modules.end()) {
    if (it->second->loading) {
      ev.Report("DP114", node, frame,
                fmt::format("import cycle: '{}' is imported while it is being imported", name),
                "names defined after the cyclic import are not visible here, as in Python");
    }
    return it->second;
  }
  auto* module = CurrentHeap().Make<ModuleState>();
  module->name = name;
  module->path = found.path;
  module->package =
      found.is_package
          ? name
          : (name.rfind('.') == std::string::npos ? "" : name.substr(0, name.rfind('.')));
  module->globals = CurrentHeap().Make<Scope>();
  module->globals->module = module;
  Val self = CurrentHeap().Make<Obj>();
  self->kind = Kind::kModule;
  self->module = module;
  module->self = self;
  ev.modules.emplace(name, module);
  if (found.path.empty()) return module;  // namespace package: a folder without __init__.py
  module->tree = ev.loader().Tree(found.path, ev.diagnostics);
  InitModuleGlobals(module);
  if (module->tree == nullptr) return module;
  if (ts_node_has_error(module->tree->root())) {
    // Python raises SyntaxError when it imports the module: the importing file fails too.
    const std::vector<ir::Diagnostic> errors = module->tree->SyntaxErrors(found.path, 1);
    const std::string where =
        errors.empty()
            ? found.path
            : fmt::format("{}:{}:{}", found.path, errors[0].where.line, errors[0].where.column);
    ev.modules.erase(name);
    ev.FailImportIfCertain(
        "DP125", node, frame,
        fmt::format("importing '{}' raises SyntaxError ({}), so Airflow loads nothing from "
                    "this file",
                    name, where),
        "fix the syntax error in the imported module");
    return module;
  }
  ev.RunModule(module);
  return module;
}

Val ImportModule(Evaluator& ev, const std::string& name, TSNode node, Frame& frame) {
  if (auto it = ev.modules.find(name); it != ev.modules.end()) {
    if (it->second->loading && it->second != frame.module) {
      ev.Report("DP114", node, frame,
                fmt::format("import cycle: '{}' is imported while it is being imported", name),
                "names defined after the cyclic import are not visible here, as in Python");
    }
    return it->second->self;
  }
  if (!name.starts_with("airflow.") && name != "airflow") {
    if (std::optional<ModuleLoader::Found> found = ev.loader().FindNear(name, frame.module->path))
      return LoadModule(ev, name, *found, node, frame)->self;
    if (!IsKnownLibrary(name)) {
      ev.Report(
          "DP113", node, frame,
          fmt::format(
              "module '{}' is not in the DAG folder or plugins folder: its names are not analysed",
              name),
          "pass the folder that holds it (dagport inspect FOLDER) or --plugins; tasks built from "
          "it may be missed");
    }
  }
  return External(name);
}

Val ImportSubmodule(Evaluator& ev, ModuleState* module, const std::string& name, TSNode node,
                    Frame& frame) {
  const std::string full = module->name + "." + name;
  if (auto it = ev.modules.find(full); it != ev.modules.end()) return it->second->self;
  if (std::optional<ModuleLoader::Found> found = ev.loader().Find(full, "")) {
    Val sub = LoadModule(ev, full, *found, node, frame)->self;
    module->globals->Set(name, sub);
    return sub;
  }
  return nullptr;
}

Val ResolveExternalName(Evaluator& ev, const std::string& path, TSNode node, Frame& frame) {
  if (IsPackageLevelName(path)) return External(std::string(ResolveAirflowPath(path)));
  // TriggerRule.ALL_DONE and WeightRule.UPSTREAM are the strings Airflow compares them with.
  for (std::string_view holder : {"TriggerRule.", "WeightRule."}) {
    const size_t at = path.rfind(holder);
    if (path.starts_with("airflow.") && at != std::string::npos &&
        at + holder.size() < path.size()) {
      std::string value = path.substr(at + holder.size());
      if (value.find('.') != std::string::npos) break;
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return Str(value);
    }
  }
  // Plugins: airflow.operators.<plugin>.X, airflow.operators.X (and sensors, hooks). Airflow 2
  // removed these names (a plugin's classes are imported from its own module), so converted code
  // never loads the plugins for them: `airflow.operators.bash.BashOperator` is Airflow's own.
  if (ev.limits().airflow_major >= 2) return External(path);
  static constexpr std::array kPluginPackages = {"airflow.operators.", "airflow.sensors.",
                                                 "airflow.hooks.", "airflow.executors.",
                                                 "airflow.macros."};
  for (std::string_view package : kPluginPackages) {
    if (!path.starts_with(package)) continue;
    const std::string rest = path.substr(package.size());
    const size_t dot = rest.find('.');
    const std::string plugin_name = dot == std::string::npos ? "" : rest.substr(0, dot);
    const std::string class_name = dot == std::string::npos ? rest : rest.substr(dot + 1);
    if (class_name.find('.') != std::string::npos || class_name.empty()) break;
    // Only look further when the name is not one of Airflow's own modules.
    if (dot != std::string::npos &&
        (plugin_name.ends_with("_operator") || plugin_name.ends_with("_sensor") ||
         plugin_name.ends_with("_hook"))) {
      break;
    }
    const bool first_letter_upper =
        !class_name.empty() && std::isupper(static_cast<unsigned char>(class_name[0]));
    if (!first_letter_upper) break;
    std::vector<std::pair<std::string, ClassInfo*>> plugins;
    ++ev.plugin_lookups;
    try {
      for (const auto& [module_name, module_path] : ev.loader().PluginModules()) {
        ModuleState* m =
            LoadModule(ev, module_name, ModuleLoader::Found{module_path, false}, node, frame);
        CollectPlugins(m, plugins);
      }
    } catch (...) {
      --ev.plugin_lookups;
      throw;
    }
    --ev.plugin_lookups;
    const bool operators = package == "airflow.operators.";
    for (const auto& [name, plugin] : plugins) {
      if (!plugin_name.empty() && name != plugin_name) continue;
      std::vector<const char*> lists;
      if (operators) lists = {"operators", "sensors"};
      if (package == "airflow.sensors.") lists = {"sensors"};
      if (package == "airflow.hooks.") lists = {"hooks"};
      if (package == "airflow.executors.") lists = {"executors"};
      if (package == "airflow.macros.") lists = {"macros"};
      for (const char* list : lists) {
        const Val* members = plugin->FindAttribute(list);
        if (members == nullptr || !(Is(*members, Kind::kList) || Is(*members, Kind::kTuple)))
          continue;
        for (const Val& member : (*members)->items) {
          if (Is(member, Kind::kClass) && member->cls->name == class_name) return member;
          if (Is(member, Kind::kFunction) && member->function->name == class_name) return member;
        }
      }
    }
    break;
  }
  return External(path);
}

}  // namespace dagport::parser

namespace dagport::parser {

std::vector<ir::Plugin> ListPlugins(ModuleLoader& loader) {
  std::vector<ir::Plugin> out;
  Heap heap;
  HeapScope heap_scope(heap);
  Evaluator ev(loader);
  for (const auto& [module_name, module_path] : loader.PluginModules()) {
    auto* module = CurrentHeap().Make<ModuleState>();
    module->name = module_name;
    module->path = module_path;
    module->globals = CurrentHeap().Make<Scope>();
    module->globals->module = module;
    module->self = CurrentHeap().Make<Obj>();
    module->self->kind = Kind::kModule;
    module->self->module = module;
    module->tree = loader.Tree(module_path, ev.diagnostics);
    if (module->tree == nullptr || ev.modules.contains(module_name)) continue;
    ev.modules.emplace(module_name, module);
    InitModuleGlobals(module);
    try {
      ev.RunModule(module);
    } catch (const EvaluationBoundReached&) {
      continue;
    } catch (const AirflowImportError&) {
      continue;
    } catch (const PythonException&) {
      continue;  // the module raises on import: Airflow would not load its plugins either
    }
    std::vector<std::pair<std::string, ClassInfo*>> plugins;
    CollectPlugins(module, plugins);
    for (const auto& entry : plugins) {
      const ClassInfo* plugin_class = entry.second;
      ir::Plugin plugin{entry.first, plugin_class->path, module_path, {}, {}, {}};
      auto paths = [&](const char* list, std::vector<std::string>& into) {
        const Val* members = plugin_class->FindAttribute(list);
        if (members == nullptr || !(Is(*members, Kind::kList) || Is(*members, Kind::kTuple)))
          return;
        for (const Val& m : (*members)->items) {
          if (Is(m, Kind::kClass)) into.push_back(m->cls->path);
          if (Is(m, Kind::kExternal)) into.push_back(m->text);
        }
      };
      paths("operators", plugin.operators);
      paths("sensors", plugin.sensors);
      paths("hooks", plugin.hooks);
      out.push_back(std::move(plugin));
    }
  }
  return out;
}

}  // namespace dagport::parser

namespace dagport::parser {

bool MissingAirflow1Name(Evaluator& ev, const std::string& path, const Val& resolved) {
  static constexpr std::array kPackages = {"airflow.operators.",       "airflow.sensors.",
                                           "airflow.hooks.",           "airflow.contrib.operators.",
                                           "airflow.contrib.sensors.", "airflow.contrib.hooks."};
  for (std::string_view package : kPackages) {
    if (!path.starts_with(package)) continue;
    const std::string rest = path.substr(package.size());
    const size_t dot = rest.find('.');
    const std::string name = dot == std::string::npos ? rest : rest.substr(dot + 1);
    if (name.empty() || name.find('.') != std::string::npos ||
        !std::isupper(static_cast<unsigned char>(name[0]))) {
      return false;
    }
    const bool contrib = package.starts_with("airflow.contrib.");
    if (dot != std::string::npos) {
      // airflow.operators.<module>.X: a real 1.10 module (bash_operator, ...) is not decided here.
      const std::string module = rest.substr(0, dot);
      if (contrib || module.ends_with("_operator") || module.ends_with("_sensor") ||
          module.ends_with("_hook") || module == "sensors" || module == "subdag_operator") {
        return false;
      }
    }
    if (IsPackageLevelName(path)) return false;
    if (!contrib && ev.loader().PluginModules().empty())
      return false;  // plugins unknown: do not decide
    return Is(resolved, Kind::kExternal) && resolved->text == path;
  }
  return false;
}

}  // namespace dagport::parser
