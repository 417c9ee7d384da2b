#include "ir/ir_json.h"

#include "ir/json_reader.h"

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

Json ArgumentsToJson(const Arguments& args) {
  Json o = Json::object();
  for (const auto& [name, v] : args) o[name] = ValueToJson(v);
  return o;
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

/// A schedule reads best as the string the user wrote ("@daily", "0 5 * * *").
Json ScheduleToJson(const Value& v) {
  if (v.kind() == ValueKind::kCron) return v.as_text();
  return ValueToJson(v);
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

Json DiagnosticToJson(const Diagnostic& d) {
  return Json{{"code", d.code},
              {"severity", SeverityName(d.severity)},
              {"file", d.file},
              {"line", d.where.line},
              {"column", d.where.column},
              {"end_line", d.where.end_line},
              {"end_column", d.where.end_column},
              {"message", d.message},
              {"hint", d.hint}};
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

Json TaskToJson(const Task& t) {
  Json j{{"task_id", t.task_id}, {"operator", t.operator_class}, {"dynamic", t.dynamic}};
  for (std::string_view name : Task::SettingNames())
    j[std::string(name)] = ValueToJson(t.Setting(name));
  j["task_group"] = t.task_group;
  if (!t.subdag.empty()) j["subdag"] = t.subdag;
  j["arguments"] = ArgumentsToJson(t.arguments);
  j["effective_arguments"] = ArgumentsToJson(t.effective_arguments);
  j["source"] = RangeToJson(t.where);
  return j;
}

Json DagToJson(const Dag& d) {
  Json j{{"dag_id", d.dag_id}, {"dynamic", d.dynamic}};
  for (std::string_view name : Dag::SettingNames()) {
    Value v = d.Setting(name);
    j[std::string(name)] = name == "schedule" ? ScheduleToJson(v) : ValueToJson(v);
  }
  j["schedule_is_default"] = d.schedule_is_default();
  if (!d.parent_dag.empty()) j["parent_dag"] = d.parent_dag;
  j["arguments"] = ArgumentsToJson(d.arguments);
  j["source"] = RangeToJson(d.where);
  Json tasks = Json::array();
  for (const Task& t : d.tasks) tasks.push_back(TaskToJson(t));
  j["tasks"] = std::move(tasks);
  Json edges = Json::array();
  for (const Edge& e : d.edges)
    edges.push_back(Json{{"from", e.from}, {"to", e.to}, {"source", RangeToJson(e.where)}});
  j["edges"] = std::move(edges);
  Json groups = Json::array();
  for (const TaskGroup& g : d.task_groups) {
    groups.push_back(
        Json{{"group_id", g.group_id}, {"parent", g.parent}, {"source", RangeToJson(g.where)}});
  }
  j["task_groups"] = std::move(groups);
  return j;
}

Json DagFileToJson(const DagFile& f) {
  Json dags = Json::array();
  for (const Dag& d : f.dags) dags.push_back(DagToJson(d));
  Json recovered = Json::array();
  for (const Dag& d : f.recovered_dags) recovered.push_back(DagToJson(d));
  Json imports = Json::array();
  for (const Import& i : f.imports) {
    imports.push_back(Json{{"module", i.module},
                           {"name", i.name},
                           {"alias", i.alias},
                           {"source", RangeToJson(i.where)}});
  }
  Json classes = Json::array();
  for (const OperatorClass& c : f.operator_classes) {
    Json params = Json::array();
    for (const OperatorParameter& param : c.init_parameters) {
      Json pj{{"name", param.name}, {"kind", param.kind}};
      if (param.has_default) pj["default"] = ValueToJson(param.default_value);
      params.push_back(std::move(pj));
    }
    classes.push_back(Json{{"path", c.path},
                           {"file", c.file},
                           {"bases", c.bases},
                           {"init_parameters", std::move(params)},
                           {"template_fields", c.template_fields},
                           {"source", RangeToJson(c.where)},
                           {"execute", RangeToJson(c.execute)}});
  }
  Json diagnostics = Json::array();
  for (const Diagnostic& d : f.diagnostics) diagnostics.push_back(DiagnosticToJson(d));
  return Json{{"path", f.path},
              {"dags", std::move(dags)},
              {"recovered_dags", std::move(recovered)},
              {"imports", std::move(imports)},
              {"operator_classes", std::move(classes)},
              {"diagnostics", std::move(diagnostics)}};
}

Json PluginToJson(const Plugin& p) {
  return Json{{"name", p.name},           {"path", p.path},       {"file", p.file},
              {"operators", p.operators}, {"sensors", p.sensors}, {"hooks", p.hooks}};
}

Json ProjectToJson(const Project& p) {
  Json files = Json::array();
  for (const DagFile& f : p.files) files.push_back(DagFileToJson(f));
  Json plugins = Json::array();
  for (const Plugin& plugin : p.plugins) plugins.push_back(PluginToJson(plugin));
  return Json{{"schema", kIrSchema}, {"files", std::move(files)}, {"plugins", std::move(plugins)}};
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
