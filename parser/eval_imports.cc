// Import statements: local modules are evaluated (once per file analysis), other modules give
// external names; 1.x plugin-style names resolve to the plugin's class.
#include <fmt/format.h>

#include <cstring>
#include <filesystem>

#include "parser/airflow_names.h"
#include "parser/evaluator.h"
#include "parser/module_loader.h"

namespace dagport::parser {

namespace {

std::string Dotted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\\' && c != '\r') out += c;
  }
  return out;
}

}  // namespace

void Evaluator::RecordImport(const Frame& frame, std::string module, std::string name,
                             std::string alias, TSNode node) {
  if (frame.module != root_module) return;
  imports.push_back(
      ir::Import{std::move(module), std::move(name), std::move(alias), Range(node, frame)});
}

bool Evaluator::ExecImport(TSNode node, Frame& frame) {
  for (TSNode item : NamedChildren(node)) {
    std::string name;
    std::string alias;
    if (NodeType(item) == "aliased_import") {
      name = Dotted(Text(ChildByField(item, "name"), frame));
      alias = std::string(Text(ChildByField(item, "alias"), frame));
    } else if (NodeType(item) == "dotted_name") {
      name = Dotted(Text(item, frame));
    } else {
      continue;
    }
    RecordImport(frame, name, "", alias, item);
    if (limits_.airflow_major == 1 && IsAirflow2OnlyModule(name)) return false;
    Val module = ImportModule(*this, name, item, frame);
    if (!alias.empty()) {
      Bind(alias, module, frame);
      continue;
    }
    // `import a.b.c` binds `a`; its submodules are reached as attributes.
    const std::string top = name.substr(0, name.find('.'));
    if (top == name) {
      Bind(top, module, frame);
    } else {
      Val top_module = ImportModule(*this, top, item, frame);
      if (Is(top_module, Kind::kModule)) {
        // Make sure each intermediate package knows its submodule.
        Val current = top_module;
        std::string prefix = top;
        size_t start = top.size() + 1;
        while (start <= name.size() && Is(current, Kind::kModule)) {
          const size_t dot = name.find('.', start);
          const std::string part =
              name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
          prefix += "." + part;
          Val next = ImportModule(*this, prefix, item, frame);
          current->module->globals->Set(part, next);
          current = next;
          if (dot == std::string::npos) break;
          start = dot + 1;
        }
      }
      Bind(top, top_module, frame);
    }
  }
  return true;
}

bool Evaluator::ExecImportFrom(TSNode node, Frame& frame) {
  TSNode module_node = ChildByField(node, "module_name");
  std::string module_name;
  std::string extra_root;
  if (NodeType(module_node) == "relative_import") {
    size_t dots = 0;
    std::string rest;
    for (TSNode c : NamedChildren(module_node)) {
      if (NodeType(c) == "import_prefix") dots = Text(c, frame).size();
      if (NodeType(c) == "dotted_name") rest = Dotted(Text(c, frame));
    }
    std::string package = frame.module->package;
    for (size_t d = 1; d < dots && !package.empty(); ++d) {
      const size_t dot = package.rfind('.');
      package = dot == std::string::npos ? "" : package.substr(0, dot);
    }
    module_name = package.empty() ? rest : (rest.empty() ? package : package + "." + rest);
    if (package.empty()) {
      // A relative import in a top-level file: resolve it beside the file.
      extra_root = std::filesystem::path(frame.module->path).parent_path().string();
    }
  } else {
    module_name = Dotted(Text(module_node, frame));
  }
  // Under Airflow 1.10 an Airflow 2 module does not exist (ModuleNotFoundError).
  if (limits_.airflow_major == 1 && IsAirflow2OnlyModule(module_name)) {
    RecordImport(frame, module_name, "", "", node);
    return false;
  }

  Val module = nullptr;
  if (!module_name.empty()) {
    if (!extra_root.empty()) {
      if (std::optional<ModuleLoader::Found> found = loader().Find(module_name, extra_root)) {
        module = LoadModule(*this, module_name, *found, node, frame)->self;
      }
    }
    if (module == nullptr) module = ImportModule(*this, module_name, module_node, frame);
  }

  for (TSNode item : NamedChildren(node)) {
    if (ts_node_eq(item, module_node)) continue;
    if (NodeType(item) == "wildcard_import") {
      RecordImport(frame, module_name, "*", "", item);
      if (Is(module, Kind::kModule)) {
        Scope* globals = module->module->globals;
        // `__all__` lists what `*` imports; without it, every name not starting with '_'.
        if (Val* all = globals->Find("__all__");
            all != nullptr && (Is(*all, Kind::kList) || Is(*all, Kind::kTuple))) {
          for (const Val& name : (*all)->items) {
            if (!Is(name, Kind::kStr)) continue;
            if (Val* v = globals->Find(name->text)) Bind(name->text, *v, frame);
          }
        } else {
          for (const std::string& name : globals->order) {
            if (!name.starts_with("_")) Bind(name, globals->vars[name], frame);
          }
        }
      } else if (Is(module, Kind::kExternal)) {
        frame.scope->wildcard_modules.push_back(module->text);
      }
      continue;
    }
    std::string name;
    std::string alias;
    if (NodeType(item) == "aliased_import") {
      name = Dotted(Text(ChildByField(item, "name"), frame));
      alias = std::string(Text(ChildByField(item, "alias"), frame));
    } else if (NodeType(item) == "dotted_name") {
      name = Dotted(Text(item, frame));
    } else {
      continue;
    }
    RecordImport(frame, module_name, name, alias, item);
    Val value = nullptr;
    if (module_name.empty()) {
      // `from . import helpers` in a top-level file.
      if (std::optional<ModuleLoader::Found> found = loader().Find(name, extra_root)) {
        value = LoadModule(*this, name, *found, item, frame)->self;
      }
    } else if (Is(module, Kind::kModule)) {
      if (Val* v = module->module->globals->Find(name)) {
        value = *v;
      } else {
        value = ImportSubmodule(*this, module->module, name, item, frame);
      }
      if (value == nullptr && module->module->loading && plugin_lookups == 0) {
        // An import cycle: Python raises ImportError, and the importing file loads nothing.
        FailImportIfCertain(
            "DP125", item, frame,
            fmt::format("cannot import name '{}' from partially initialized module '{}' (an "
                        "import cycle): Airflow loads nothing from this file",
                        name, module_name),
            "break the cycle: move the shared names into a module both import, or import "
            "inside the function that needs them");
      } else if (value == nullptr) {
        Report("DP113", item, frame,
               fmt::format("cannot import name '{}' from '{}'", name, module_name),
               "Airflow would fail to import the file (ImportError)");
      }
    } else {
      const std::string path = module_name + "." + name;
      value = ResolveExternalName(*this, path, item, frame);
      if (limits_.airflow_major == 1 && MissingAirflow1Name(*this, path, value)) {
        Report("DP113", item, frame,
               fmt::format("Airflow 1.10 has no '{}' in '{}' and no plugin registers it", name,
                           module_name),
               "Airflow raises ImportError here; check the name, or pass the plugins folder that "
               "defines it");
        return false;
      }
    }
    if (value == nullptr)
      value = Unresolved(name, fmt::format("name '{}' from '{}' not found", name, module_name));
    Bind(alias.empty() ? name : alias, value, frame);
  }
  return true;
}

}  // namespace dagport::parser
