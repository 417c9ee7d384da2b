#include "converters/containers/container_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "converters/atomic_file.h"
#include "ir/json_reader.h"
#include "parser/source_reader.h"

namespace dagport::converters::containers {

namespace {

using Json = nlohmann::json;

/// The line and column (1-based, columns in bytes) of the value at `path` (object keys and
/// array indices) in the JSON text, found by scanning it; the document start when not found.
class JsonLocator {
 public:
  explicit JsonLocator(std::string_view text) : text_(text) {}

  ir::SourceRange Find(const std::vector<std::string>& path) {
    pos_ = 0;
    size_t found = 0;
    if (!Value(path, 0, found)) found = 0;
    return parser::PositionOf(text_, found);
  }

 private:
  void Blank() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }
  std::string String() {
    std::string out;
    ++pos_;  // the opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') ++pos_;
      if (pos_ < text_.size()) out.push_back(text_[pos_++]);
    }
    ++pos_;
    return out;
  }
  /// Scans one value; when `path[depth..]` leads into it, sets `found` to the target's offset.
  bool Value(const std::vector<std::string>& path, size_t depth, size_t& found) {
    Blank();
    if (depth == path.size()) {
      found = pos_;
      return true;
    }
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      for (;;) {
        Blank();
        if (pos_ >= text_.size() || text_[pos_] == '}') return false;
        if (text_[pos_] != '"') return false;
        const std::string key = String();
        Blank();
        if (pos_ < text_.size() && text_[pos_] == ':') ++pos_;
        if (key == path[depth]) return Value(path, depth + 1, found);
        Skip();
        Blank();
        if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
      }
    }
    if (c == '[') {
      ++pos_;
      for (size_t index = 0;; ++index) {
        Blank();
        if (pos_ >= text_.size() || text_[pos_] == ']') return false;
        if (std::to_string(index) == path[depth]) return Value(path, depth + 1, found);
        Skip();
        Blank();
        if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
      }
    }
    return false;
  }
  void Skip() {
    Blank();
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (c == '"') {
      String();
      return;
    }
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++pos_;
      for (;;) {
        Blank();
        if (pos_ >= text_.size()) return;
        if (text_[pos_] == close) {
          ++pos_;
          return;
        }
        if (text_[pos_] == ',' || text_[pos_] == ':') {
          ++pos_;
          continue;
        }
        Skip();
      }
    }
    while (pos_ < text_.size() &&
           std::string_view(",}] \n\r\t").find(text_[pos_]) == std::string_view::npos)
      ++pos_;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

/// Raised by the readers below; turned into one diagnostic at the value's position.
struct ConfigError {
  std::vector<std::string> path;
  std::string message;
};

std::string Pointer(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::vector<std::string> Child(std::vector<std::string> path, std::string key) {
  path.push_back(std::move(key));
  return path;
}

void CheckKeys(const Json& j, const std::vector<std::string>& path,
               std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) throw ConfigError{path, "expected an object"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw ConfigError{Child(path, key), fmt::format("unknown key '{}' (known: {})", key, list)};
  }
}

std::string ReadString(const Json& j, const std::vector<std::string>& path) {
  if (!j.is_string()) throw ConfigError{path, "expected a string"};
  return j.get<std::string>();
}

int ReadInt(const Json& j, const std::vector<std::string>& path, int low, int high) {
  if (!j.is_number_integer()) throw ConfigError{path, "expected a whole number"};
  const auto v = j.get<int64_t>();
  if (v < low || v > high)
    throw ConfigError{path, fmt::format("expected a number from {} to {}", low, high)};
  return static_cast<int>(v);
}

bool ReadBool(const Json& j, const std::vector<std::string>& path) {
  if (!j.is_boolean()) throw ConfigError{path, "expected true or false"};
  return j.get<bool>();
}

std::vector<std::string> ReadStrings(const Json& j, const std::vector<std::string>& path) {
  if (!j.is_array()) throw ConfigError{path, "expected a list of strings"};
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i)
    out.push_back(ReadString(j[i], Child(path, std::to_string(i))));
  return out;
}

bool IsPythonVersion(std::string_view v) {
  return v.size() >= 3 && v[0] == '3' && v[1] == '.' &&
         v.substr(2).find_first_not_of("0123456789") == std::string_view::npos;
}

OperatorMapping ReadMapping(const Json& j, const std::vector<std::string>& path) {
  CheckKeys(j, path,
            {"requirements", "python_version", "command", "python_callable", "command_style",
             "environment", "cpu", "memory", "environment_variables", "drop"});
  OperatorMapping m;
  m.configured = true;
  for (const auto& [key, value] : j.items()) {
    const auto at = Child(path, key);
    if (key == "requirements") m.requirements = ReadString(value, at);
    if (key == "python_version") m.python_version = ReadString(value, at);
    if (key == "command") m.command = ReadString(value, at);
    if (key == "python_callable") m.python_callable = ReadString(value, at);
    if (key == "environment") m.environment = ReadString(value, at);
    if (key == "cpu") m.cpu = ReadString(value, at);
    if (key == "memory") m.memory = ReadString(value, at);
    if (key == "drop") m.drop = ReadStrings(value, at);
    if (key == "command_style") {
      m.command_style = ReadString(value, at);
      if (m.command_style != "python" && m.command_style != "shell")
        throw ConfigError{at, "expected \"python\" or \"shell\""};
    }
    if (key == "environment_variables") {
      if (!value.is_object()) throw ConfigError{at, "expected an object: argument -> variable"};
      for (const auto& [argument, variable] : value.items())
        m.environment_variables[argument] = ReadString(variable, Child(at, argument));
    }
  }
  if (!m.python_callable.empty() && !m.command.empty())
    throw ConfigError{path,
                      "map either a command (\"command\") or a callable "
                      "(\"python_callable\"), not both"};
  if (m.command.empty() && m.python_callable.empty())
    throw ConfigError{path,
                      "say which argument holds the command (\"command\") or the callable "
                      "(\"python_callable\")"};
  if (!m.python_callable.empty()) m.command_style = "callable";
  return m;
}

Deployment ReadDeployment(const Json& j, const std::vector<std::string>& path) {
  CheckKeys(j, path,
            {"cluster", "subnets", "security_groups", "assign_public_ip", "execution_role_arn",
             "task_role_arn", "log_group", "region", "registry", "repository", "aws_conn_id",
             "namespace", "docker_url"});
  Deployment d;
  for (const auto& [key, value] : j.items()) {
    const auto at = Child(path, key);
    if (key == "cluster") d.cluster = ReadString(value, at);
    if (key == "subnets") d.subnets = ReadStrings(value, at);
    if (key == "security_groups") d.security_groups = ReadStrings(value, at);
    if (key == "assign_public_ip") d.assign_public_ip = ReadBool(value, at);
    if (key == "execution_role_arn") d.execution_role_arn = ReadString(value, at);
    if (key == "task_role_arn") d.task_role_arn = ReadString(value, at);
    if (key == "log_group") d.log_group = ReadString(value, at);
    if (key == "region") d.region = ReadString(value, at);
    if (key == "registry") d.registry = ReadString(value, at);
    if (key == "repository") d.repository = ReadString(value, at);
    if (key == "aws_conn_id") d.aws_conn_id = ReadString(value, at);
    if (key == "namespace") d.namespace_ = ReadString(value, at);
    if (key == "docker_url") d.docker_url = ReadString(value, at);
  }
  return d;
}

ContainerConfig ReadConfig(const Json& root) {
  ContainerConfig c;
  CheckKeys(root, {}, {"containers", "simulate"});
  auto it = root.find("containers");
  if (it == root.end()) return c;
  const std::vector<std::string> path = {"containers"};
  CheckKeys(*it, path,
            {"target", "wrapper", "detect", "python_version", "base_image", "cpu", "memory",
             "operators", "deployment"});
  for (const auto& [key, value] : it->items()) {
    const auto at = Child(path, key);
    if (key == "deployment" && value.is_object() && value.contains("subnets") &&
        value["subnets"].is_array() && value["subnets"].empty())
      throw ConfigError{Child(at, "subnets"), "name at least one subnet (ECS tasks need one)"};
    if (key == "target") {
      std::optional<Target> t = ParseTarget(ReadString(value, at));
      if (!t) throw ConfigError{at, "expected \"ecs\", \"kubernetes\" or \"docker\""};
      c.target = *t;
    }
    if (key == "wrapper") c.wrapper = ReadBool(value, at);
    if (key == "detect") c.detect = ReadBool(value, at);
    if (key == "python_version") {
      c.python_version = ReadString(value, at);
      if (!IsPythonVersion(c.python_version))
        throw ConfigError{at, "expected a Python 3 version such as \"3.8\""};
    }
    if (key == "base_image") c.base_image = ReadString(value, at);
    if (key == "cpu") c.cpu = ReadInt(value, at, 256, 16384);
    if (key == "memory") c.memory = ReadInt(value, at, 512, 122880);
    if (key == "deployment") c.deployment = ReadDeployment(value, at);
    if (key == "operators") {
      if (!value.is_object()) throw ConfigError{at, "expected an object: class -> mapping"};
      for (const auto& [cls, mapping] : value.items())
        c.operators[cls] = ReadMapping(mapping, Child(at, cls));
    }
  }
  return c;
}

}  // namespace

std::string_view TargetName(Target t) {
  switch (t) {
    case Target::kEcs: return "ecs";
    case Target::kKubernetes: return "kubernetes";
    case Target::kDocker: return "docker";
  }
  return "ecs";
}

std::optional<Target> ParseTarget(std::string_view name) {
  if (name == "ecs") return Target::kEcs;
  if (name == "kubernetes") return Target::kKubernetes;
  if (name == "docker") return Target::kDocker;
  return std::nullopt;
}

std::vector<std::string> ContainerConfig::Placeholders() const {
  std::vector<std::string> out;
  const Deployment& d = deployment;
  auto check = [&](const char* key, const std::string& v) {
    if (v.starts_with("<") || v.find("<account-id>") != std::string::npos) out.push_back(key);
  };
  if (target == Target::kEcs) {
    check("cluster", d.cluster);
    for (const std::string& s : d.subnets) check("subnets", s);
    for (const std::string& s : d.security_groups) check("security_groups", s);
    check("execution_role_arn", d.execution_role_arn);
  }
  check("registry", d.registry);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<ContainerConfig> ParseContainerConfig(const std::string& text,
                                                    const std::string& path,
                                                    std::vector<ir::Diagnostic>& diagnostics) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::exception& e) {  // a parse error, or a number out of a double's range
    const ir::SourceRange at = parser::PositionOf(text, ir::json_reader::ParseErrorOffset(text, e));
    std::string what = e.what();
    if (const size_t colon = what.rfind(": "); colon != std::string::npos) {
      what = what.substr(colon + 2);
    } else if (const size_t id = what.find("] "); id != std::string::npos) {
      what = what.substr(id + 2);  // "[json.exception.out_of_range.406] number overflow ..."
    }
    diagnostics.push_back(
        ir::MakeDiagnostic("DP220", path, at, "not valid JSON: " + what,
                           "fix the syntax; docs/containers.md shows an example"));
    return std::nullopt;
  }
  try {
    ContainerConfig config = ReadConfig(root);
    config.source = path;
    return config;
  } catch (const ConfigError& e) {
    diagnostics.push_back(
        ir::MakeDiagnostic("DP220", path, JsonLocator(text).Find(e.path),
                           fmt::format("{}: {}", Pointer(e.path), e.message),
                           "docs/containers.md lists every key of the \"containers\" section"));
    return std::nullopt;
  }
}

std::optional<ContainerConfig> LoadContainerConfig(const std::string& path,
                                                   std::vector<ir::Diagnostic>& diagnostics) {
  std::string text;
  try {
    text = ReadFileBytes(path);
  } catch (const std::exception&) {
    diagnostics.push_back(
        ir::MakeDiagnostic("DP220", path, {}, "cannot read " + path, "check the --config path"));
    return std::nullopt;
  }
  return ParseContainerConfig(text, path, diagnostics);
}

OperatorMapping GuessMapping(const std::vector<std::string>& parameters) {
  OperatorMapping m;
  auto pick = [&](std::initializer_list<std::string_view> names) -> std::string {
    for (std::string_view n : names) {
      if (std::find(parameters.begin(), parameters.end(), n) != parameters.end())
        return std::string(n);
    }
    return "";
  };
  m.requirements = pick({"requirements", "packages", "pip_packages", "pip_requirements",
                         "python_requirements", "dependencies", "reqs"});
  m.python_version = pick({"python_version", "python", "py_version", "python_bin"});
  m.command = pick({"command", "cmd", "bash_command", "script", "script_path", "python_command",
                    "entrypoint", "args"});
  m.python_callable = pick({"python_callable", "callable", "func", "function"});
  m.environment = pick({"env", "environment", "env_vars", "environment_variables"});
  m.cpu = pick({"cpu", "cpus", "request_cpu"});
  m.memory = pick({"memory", "mem", "request_memory"});
  return m;
}

}  // namespace dagport::converters::containers
