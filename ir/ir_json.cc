#include "ir/ir_json.h"

#include <fmt/format.h>

#include "ir/json_reader.h"

#include <algorithm>
#include <bit>

namespace dagport::ir {

namespace {

using namespace json_reader;

bool Bool(const Json& j, const char* key, const std::string& pointer) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  if (!it->is_boolean()) Fail(pointer + "/" + key, "expected true or false");
  return it->get<bool>();
}

const Json& Array(const Json& j, const char* key, const std::string& pointer) {
  static const Json kEmpty = Json::array();
  auto it = j.find(key);
  if (it == j.end()) return kEmpty;
  if (!it->is_array()) Fail(pointer + "/" + key, "expected an array");
  return *it;
}

SourceRange Range(const Json& j, const std::string& pointer) {
  auto it = j.find("source");
  return it == j.end() ? SourceRange{} : RangeFromJson(*it, pointer + "/source");
}

void WriteArguments(JsonWriter& w, const Arguments& args) {
  WriteObjectMembers(
      w, args, [](const std::string& name) -> std::string_view { return name; }, WriteValue);
}

template <typename T>
void WriteStrings(JsonWriter& w, const std::vector<T>& strings) {
  w.BeginArray();
  for (const auto& s : strings) w.String(s);
  w.EndArray();
}

template <typename T>
Json Parsed(void (*write)(JsonWriter&, const T&), const T& x) {
  std::string text;
  JsonWriter w(text);
  write(w, x);
  return Json::parse(text);
}

Arguments ArgumentsFromJson(const Json& j, const char* key, const std::string& pointer) {
  Arguments args;
  auto it = j.find(key);
  if (it == j.end()) return args;
  if (!it->is_object()) Fail(pointer + "/" + key, "expected an object");
  for (const auto& [name, v] : it->items()) {
    args.emplace_back(name, ValueFromJson(v, pointer + "/" + key + "/" + name));
  }
  return args;
}

template <typename T, typename F>
std::vector<T> ReadAll(const Json& j, const char* key, const std::string& pointer, F read) {
  std::vector<T> out;
  const Json& a = Array(j, key, pointer);
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    out.push_back(read(a[i], pointer + "/" + key + "/" + std::to_string(i)));
  }
  return out;
}

Task TaskFromJson(const Json& j, const std::string& p) {
  Task t;
  t.task_id = StringMember(j, "task_id", p);
  t.dynamic = Bool(j, "dynamic", p);
  t.operator_class = StringMember(j, "operator", p);
  t.arguments = ArgumentsFromJson(j, "arguments", p);
  t.effective_arguments = ArgumentsFromJson(j, "effective_arguments", p);
  t.task_group = StringMember(j, "task_group", p, false);
  t.subdag = StringMember(j, "subdag", p, false);
  t.footprint = ReadAll<HostAccess>(j, "footprint", p, [](const Json& a, const std::string& ap) {
    HostAccess h;
    h.path = StringMember(a, "path", ap);
    h.mode = StringMember(a, "mode", ap);
    h.resource = StringMember(a, "resource", ap);
    h.possible = Bool(a, "possible", ap);
    h.unique = Bool(a, "unique", ap);
    h.file = StringMember(a, "file", ap, false);
    h.where = Range(a, ap);
    return h;
  });
  t.where = Range(j, p);
  return t;
}

Edge EdgeFromJson(const Json& j, const std::string& p) {
  return Edge{StringMember(j, "from", p), StringMember(j, "to", p), Range(j, p)};
}

TaskGroup TaskGroupFromJson(const Json& j, const std::string& p) {
  return TaskGroup{StringMember(j, "group_id", p), StringMember(j, "parent", p, false),
                   Range(j, p)};
}

Dag DagFromJson(const Json& j, const std::string& p) {
  Dag d;
  d.dag_id = StringMember(j, "dag_id", p);
  d.dynamic = Bool(j, "dynamic", p);
  d.arguments = ArgumentsFromJson(j, "arguments", p);
  d.tasks = ReadAll<Task>(j, "tasks", p, TaskFromJson);
  d.edges = ReadAll<Edge>(j, "edges", p, EdgeFromJson);
  d.task_groups = ReadAll<TaskGroup>(j, "task_groups", p, TaskGroupFromJson);
  d.parent_dag = StringMember(j, "parent_dag", p, false);
  d.auto_registered = Bool(j, "auto_registered", p);
  d.where = Range(j, p);
  return d;
}

Import ImportFromJson(const Json& j, const std::string& p) {
  return Import{StringMember(j, "module", p), StringMember(j, "name", p, false),
                StringMember(j, "alias", p, false), Range(j, p)};
}

OperatorClass OperatorClassFromJson(const Json& j, const std::string& p) {
  OperatorClass c;
  c.path = StringMember(j, "path", p);
  c.file = StringMember(j, "file", p, false);
  c.bases = ReadAll<std::string>(j, "bases", p, [](const Json& b, const std::string& bp) {
    if (!b.is_string()) json_reader::Fail(bp, "expected a string");
    return b.get<std::string>();
  });
  c.template_fields =
      ReadAll<std::string>(j, "template_fields", p, [](const Json& b, const std::string& bp) {
        if (!b.is_string()) json_reader::Fail(bp, "expected a string");
        return b.get<std::string>();
      });
  c.init_parameters =
      ReadAll<OperatorParameter>(j, "init_parameters", p, [](const Json& x, const std::string& xp) {
        OperatorParameter param{StringMember(x, "name", xp), StringMember(x, "kind", xp), false,
                                Value::None()};
        if (auto it = x.find("default"); it != x.end()) {
          param.has_default = true;
          param.default_value = ValueFromJson(*it, xp + "/default");
        }
        return param;
      });
  c.where = Range(j, p);
  if (auto it = j.find("execute"); it != j.end()) c.execute = RangeFromJson(*it, p + "/execute");
  return c;
}

DagFile DagFileFromJson(const Json& j, const std::string& p) {
  DagFile f;
  f.path = StringMember(j, "path", p);
  f.dags = ReadAll<Dag>(j, "dags", p, DagFromJson);
  f.recovered_dags = ReadAll<Dag>(j, "recovered_dags", p, DagFromJson);
  f.imports = ReadAll<Import>(j, "imports", p, ImportFromJson);
  f.operator_classes = ReadAll<OperatorClass>(j, "operator_classes", p, OperatorClassFromJson);
  f.diagnostics = ReadAll<Diagnostic>(j, "diagnostics", p, DiagnosticFromJson);
  return f;
}

}  // namespace

void WriteDiagnostic(JsonWriter& w, const Diagnostic& d) {
  w.BeginObject();
  w.Member("code", d.code);
  w.Member("severity", SeverityName(d.severity));
  w.Member("file", d.file);
  w.Member("line", d.where.line);
  w.Member("column", d.where.column);
  w.Member("end_line", d.where.end_line);
  w.Member("end_column", d.where.end_column);
  w.Member("message", d.message);
  w.Member("hint", d.hint);
  w.EndObject();
}

Json DiagnosticToJson(const Diagnostic& d) {
  return Parsed(WriteDiagnostic, d);
}

Diagnostic DiagnosticFromJson(const Json& j, const std::string& p) {
  Diagnostic d;
  d.code = StringMember(j, "code", p);
  auto severity = ParseSeverity(StringMember(j, "severity", p));
  if (!severity) Fail(p + "/severity", "expected \"error\", \"warning\" or \"info\"");
  d.severity = *severity;
  d.file = StringMember(j, "file", p, false);
  d.where = RangeFromJson(j, p);
  d.message = StringMember(j, "message", p);
  d.hint = StringMember(j, "hint", p, false);
  return d;
}

namespace {

/// True when `a` and `b` are written as the same JSON: equal values, with floats compared by
/// their bits (0.0 == -0.0, but they are written differently).
bool SameJson(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kFloat:
      return std::bit_cast<uint64_t>(a.as_float()) == std::bit_cast<uint64_t>(b.as_float());
    case ValueKind::kList:
    case ValueKind::kTuple:
      return std::equal(a.items().begin(), a.items().end(), b.items().begin(), b.items().end(),
                        SameJson);
    case ValueKind::kDict:
      return std::equal(a.entries().begin(), a.entries().end(), b.entries().begin(),
                        b.entries().end(), [](const auto& x, const auto& y) {
                          return SameJson(x.first, y.first) && SameJson(x.second, y.second);
                        });
    default: return a == b;
  }
}

/// Where an argument's value was written, so that an equal value is copied from there instead
/// of written again. A task's effective arguments repeat its own arguments and, mostly, the
/// previous task's (the DAG's `default_args`): a third of a DAG folder's JSON.
struct WrittenArgument {
  std::string_view name;
  const Value* value;
  size_t begin, end;  ///< bytes of the output
};

class ArgumentCopies {
 public:
  /// Writes `args`, remembering where each value went in `own` (a task's own arguments) or in
  /// the effective arguments of this task (kept for the next one).
  void Write(JsonWriter& w, const Arguments& args, bool effective) {
    std::vector<WrittenArgument>& written = effective ? current_ : own_;
    written.clear();
    WriteObjectMembers(
        w, args, [](const std::string& name) -> std::string_view { return name; },
        [&](JsonWriter& out, const std::pair<std::string, Value>& arg) {
          const WrittenArgument* same = nullptr;
          if (effective) {
            same = Find(own_, arg);
            if (same == nullptr) same = Find(previous_, arg);
          }
          const size_t begin = out.size();
          if (same == nullptr || !out.Copy(same->begin, same->end)) WriteValue(out, arg.second);
          // The separator, if any, comes before the value: after the key, there is none.
          written.push_back({arg.first, &arg.second, begin, out.size()});
        });
    if (effective) previous_.swap(current_);
  }

 private:
  static const WrittenArgument* Find(const std::vector<WrittenArgument>& written,
                                     const std::pair<std::string, Value>& arg) {
    for (const WrittenArgument& a : written)
      if (a.name == arg.first) return SameJson(*a.value, arg.second) ? &a : nullptr;
    return nullptr;
  }

  std::vector<WrittenArgument> own_, previous_, current_;
};

void WriteTask(JsonWriter& w, const Task& t, ArgumentCopies& copies) {
  w.BeginObject();
  w.Member("task_id", t.task_id);
  w.Member("operator", t.operator_class);
  w.Member("dynamic", t.dynamic);
  // The settings' keys, quoted once: every task writes them all.
  static const std::vector<std::string> kSettingKeys = [] {
    std::vector<std::string> keys;
    for (std::string_view name : Task::SettingNames()) keys.push_back(fmt::format("\"{}\":", name));
    return keys;
  }();
  for (size_t i = 0; i < kSettingKeys.size(); ++i) {
    w.QuotedKey(kSettingKeys[i]);
    WriteValue(w, t.Setting(i));
  }
  w.Member("task_group", t.task_group);
  if (!t.subdag.empty()) w.Member("subdag", t.subdag);
  w.Key("arguments");
  copies.Write(w, t.arguments, false);
  w.Key("effective_arguments");
  copies.Write(w, t.effective_arguments, true);
  if (!t.footprint.empty()) {
    w.Key("footprint");
    w.BeginArray();
    for (const HostAccess& a : t.footprint) {
      w.BeginObject();
      w.Member("path", a.path);
      w.Member("mode", a.mode);
      w.Member("resource", a.resource);
      w.Member("possible", a.possible);
      w.Member("unique", a.unique);
      w.Member("file", a.file);
      w.Key("source");
      WriteRange(w, a.where);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("source");
  WriteRange(w, t.where);
  w.EndObject();
}

}  // namespace

void WriteTask(JsonWriter& w, const Task& t) {
  ArgumentCopies copies;
  WriteTask(w, t, copies);
}

void WriteDag(JsonWriter& w, const Dag& d) {
  w.BeginObject();
  w.Member("dag_id", d.dag_id);
  w.Member("dynamic", d.dynamic);
  for (std::string_view name : Dag::SettingNames()) {
    const Value v = d.Setting(name);
    w.Key(name);
    // A schedule reads best as the string the user wrote ("@daily", "0 5 * * *").
    if (name == "schedule" && v.kind() == ValueKind::kCron) {
      w.String(v.as_text());
    } else {
      WriteValue(w, v);
    }
  }
  w.Member("schedule_is_default", d.schedule_is_default());
  if (!d.parent_dag.empty()) w.Member("parent_dag", d.parent_dag);
  if (d.auto_registered) w.Member("auto_registered", true);
  w.Key("arguments");
  WriteArguments(w, d.arguments);
  w.Key("source");
  WriteRange(w, d.where);
  w.Key("tasks");
  w.BeginArray();
  ArgumentCopies copies;
  for (const Task& t : d.tasks) WriteTask(w, t, copies);
  w.EndArray();
  w.Key("edges");
  w.BeginArray();
  for (const Edge& e : d.edges) {
    w.BeginObject();
    w.Member("from", e.from);
    w.Member("to", e.to);
    w.Key("source");
    WriteRange(w, e.where);
    w.EndObject();
  }
  w.EndArray();
  w.Key("task_groups");
  w.BeginArray();
  for (const TaskGroup& g : d.task_groups) {
    w.BeginObject();
    w.Member("group_id", g.group_id);
    w.Member("parent", g.parent);
    w.Key("source");
    WriteRange(w, g.where);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteDagFile(JsonWriter& w, const DagFile& f) {
  w.BeginObject();
  w.Member("path", f.path);
  w.Key("dags");
  w.BeginArray();
  for (const Dag& d : f.dags) WriteDag(w, d);
  w.EndArray();
  w.Key("recovered_dags");
  w.BeginArray();
  for (const Dag& d : f.recovered_dags) WriteDag(w, d);
  w.EndArray();
  w.Key("imports");
  w.BeginArray();
  for (const Import& i : f.imports) {
    w.BeginObject();
    w.Member("module", i.module);
    w.Member("name", i.name);
    w.Member("alias", i.alias);
    w.Key("source");
    WriteRange(w, i.where);
    w.EndObject();
  }
  w.EndArray();
  w.Key("operator_classes");
  w.BeginArray();
  for (const OperatorClass& c : f.operator_classes) {
    w.BeginObject();
    w.Member("path", c.path);
    w.Member("file", c.file);
    w.Key("bases");
    WriteStrings(w, c.bases);
    w.Key("init_parameters");
    w.BeginArray();
    for (const OperatorParameter& param : c.init_parameters) {
      w.BeginObject();
      w.Member("name", param.name);
      w.Member("kind", param.kind);
      if (param.has_default) {
        w.Key("default");
        WriteValue(w, param.default_value);
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("template_fields");
    WriteStrings(w, c.template_fields);
    w.Key("source");
    WriteRange(w, c.where);
    w.Key("execute");
    WriteRange(w, c.execute);
    w.EndObject();
  }
  w.EndArray();
  w.Key("diagnostics");
  w.BeginArray();
  for (const Diagnostic& d : f.diagnostics) WriteDiagnostic(w, d);
  w.EndArray();
  w.EndObject();
}

void WritePlugin(JsonWriter& w, const Plugin& p) {
  w.BeginObject();
  w.Member("name", p.name);
  w.Member("path", p.path);
  w.Member("file", p.file);
  w.Key("operators");
  WriteStrings(w, p.operators);
  w.Key("sensors");
  WriteStrings(w, p.sensors);
  w.Key("hooks");
  WriteStrings(w, p.hooks);
  w.EndObject();
}

void WriteProject(JsonWriter& w, const Project& p) {
  w.BeginObject();
  w.Member("schema", kIrSchema);
  w.Key("files");
  w.BeginArray();
  for (const DagFile& f : p.files) WriteDagFile(w, f);
  w.EndArray();
  w.Key("plugins");
  w.BeginArray();
  for (const Plugin& plugin : p.plugins) WritePlugin(w, plugin);
  w.EndArray();
  w.EndObject();
}

std::string DagFileJsonText(const DagFile& f) {
  std::string text;
  // About 3 KB per task in a typical folder: one allocation instead of a doubling series that
  // copies the text each time.
  size_t tasks = 0;
  for (const Dag& d : f.dags) tasks += d.tasks.size();
  text.reserve(4096 + 3584 * tasks);
  JsonWriter w(text);
  WriteDagFile(w, f);
  return text;
}

void StreamDagFileJson(const DagFile& f, const std::function<void(std::string_view)>& sink) {
  constexpr size_t kPiece = 16 << 10;
  thread_local std::string buffer;
  buffer.clear();
  buffer.reserve(2 * kPiece);
  JsonWriter w(buffer, sink, kPiece);
  WriteDagFile(w, f);
  w.Flush();
}

Json TaskToJson(const Task& t) {
  return Parsed(WriteTask, t);
}
Json DagToJson(const Dag& d) {
  return Parsed(WriteDag, d);
}
Json DagFileToJson(const DagFile& f) {
  return Parsed(WriteDagFile, f);
}
Json PluginToJson(const Plugin& p) {
  return Parsed(WritePlugin, p);
}
Json ProjectToJson(const Project& p) {
  return Parsed(WriteProject, p);
}

Project ProjectFromJson(const Json& j) {
  if (!j.is_object()) Fail("", "expected an object with \"schema\" and \"files\"");
  const std::string schema = StringMember(j, "schema", "");
  if (schema != kIrSchema) {
    Fail("/schema", "unsupported schema \"" + schema + "\" (this dagport reads " + kIrSchema + ")");
  }
  Project p;
  p.files = ReadAll<DagFile>(j, "files", "", DagFileFromJson);
  auto strings = [](const Json& x, const char* key, const std::string& xp) {
    return ReadAll<std::string>(x, key, xp, [](const Json& s, const std::string& sp) {
      if (!s.is_string()) json_reader::Fail(sp, "expected a string");
      return s.get<std::string>();
    });
  };
  p.plugins = ReadAll<Plugin>(j, "plugins", "", [&](const Json& x, const std::string& xp) {
    return Plugin{StringMember(x, "name", xp),        StringMember(x, "path", xp),
                  StringMember(x, "file", xp, false), strings(x, "operators", xp),
                  strings(x, "sensors", xp),          strings(x, "hooks", xp)};
  });
  return p;
}

}  // namespace dagport::ir
