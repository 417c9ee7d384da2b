#include "simulator/simulate_config.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "ir/json_reader.h"

namespace dagport::simulator {

std::string JsonPosition(const std::string& text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("{}:{}", line, column);
}

std::string JsonKeyPosition(const std::string& text, const std::string& key) {
  const size_t at = text.find("\"" + key + "\"");
  return JsonPosition(text, at == std::string::npos ? 0 : at);
}

namespace {

using Json = nlohmann::json;

std::string Where(const std::string& text, const std::string& key) {
  return JsonKeyPosition(text, key);
}

[[noreturn]] void Fail(const std::string& text, const std::string& key, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: simulate.{}: {}", Where(text, key), key, what));
}

}  // namespace

SimulateConfig ParseSimulateConfig(const std::string& text) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::exception& e) {  // a parse error, or a number out of a double's range
    throw std::runtime_error(fmt::format(
        "{}: not valid JSON", JsonPosition(text, ir::json_reader::ParseErrorOffset(text, e))));
  }
  SimulateConfig config;
  if (!root.is_object() || !root.contains("simulate")) return config;
  const Json& s = root["simulate"];
  if (!s.is_object()) Fail(text, "simulate", "expected an object");
  static const std::set<std::string> kKeys = {"pools", "global_resources", "footprints"};
  for (const auto& [key, _] : s.items()) {
    if (!kKeys.count(key))
      Fail(text, key, "unknown key (known: pools, global_resources, footprints)");
  }
  if (s.contains("pools")) {
    if (!s["pools"].is_object()) Fail(text, "pools", "expected {\"pool\": slots}");
    for (const auto& [name, slots] : s["pools"].items()) {
      // get<int64_t>, not get<int>: 4294967297 must not pass as 1.
      if (!slots.is_number_integer() || slots.get<int64_t>() < 0 ||
          slots.get<int64_t>() > std::numeric_limits<int>::max())
        Fail(text, name, "a pool's slots must be a non-negative integer");
      config.pools[name] = static_cast<int>(slots.get<int64_t>());
    }
  }
  if (s.contains("global_resources")) {
    if (!s["global_resources"].is_array()) Fail(text, "global_resources", "expected a list");
    for (const Json& g : s["global_resources"]) {
      if (!g.is_string() || g.get<std::string>().empty())
        Fail(text, "global_resources", "expected non-empty strings");
      config.global_resources.push_back(g.get<std::string>());
    }
  }
  if (s.contains("footprints")) {
    if (!s["footprints"].is_object())
      Fail(text, "footprints", "expected {\"dag_id.task_id\": [accesses]}");
    static const std::set<std::string> kModes = {"create", "read", "write", "delete"};
    for (const auto& [task, list] : s["footprints"].items()) {
      if (!list.is_array()) Fail(text, task, "expected a list of accesses");
      for (const Json& a : list) {
        if (!a.is_object() || !a.contains("path") || !a["path"].is_string())
          Fail(text, task, "each access needs a \"path\"");
        ExtraAccess e;
        e.task_key = task;
        e.access.path = a["path"].get<std::string>();
        if (e.access.path.empty()) Fail(text, task, "a \"path\" must not be empty");
        // Checked before a.value(), which throws a JSON type error on a wrong type.
        for (const char* key : {"mode", "resource"}) {
          if (a.contains(key) && !a[key].is_string())
            Fail(text, task, fmt::format("\"{}\" must be a string", key));
        }
        if (a.contains("global") && !a["global"].is_boolean())
          Fail(text, task, "\"global\" must be true or false");
        e.access.mode = a.value("mode", std::string("write"));
        if (!kModes.count(e.access.mode))
          Fail(text, task, "mode must be create, read, write or delete");
        e.access.resource = a.value("resource", std::string("file"));
        e.global = a.value("global", false);
        e.access.file = "dagport.json";
        config.footprints.push_back(std::move(e));
      }
    }
  }
  return config;
}

}  // namespace dagport::simulator
