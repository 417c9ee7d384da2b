#include "converters/airflow2/api_data.h"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

extern const unsigned char kAirflow2ApiJson[];
extern const unsigned long kAirflow2ApiJson_size;

namespace dagport::converters::airflow2 {

using Json = nlohmann::json;

struct Api::Data {
  Json json;
  std::vector<std::pair<AirflowVersion, std::string>> snapshots;  // ascending
};

std::optional<AirflowVersion> AirflowVersion::Parse(std::string_view text) {
  AirflowVersion v{0, 0, 0};
  int* parts[] = {&v.major, &v.minor, &v.patch};
  size_t i = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (; i < 3 && p < end; ++i) {
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc() || next == p) return std::nullopt;
    p = next;
    if (p < end) {
      if (*p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end || i < 2) return std::nullopt;
  return v;
}

std::string AirflowVersion::ToString() const {
  return fmt::format("{}.{}.{}", major, minor, patch);
}

std::string_view ModuleOf(std::string_view path) {
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::string_view NameOf(std::string_view path) {
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

const Api& Api::Get() {
  static const Api api;
  return api;
}

Api::Api() {
  auto* data = new Data;  // lives as long as the process: the data is immutable once parsed
  data->json = Json::parse(kAirflow2ApiJson, kAirflow2ApiJson + kAirflow2ApiJson_size);
  for (const Json& s : data->json.at("snapshots")) {
    const std::string name = s.get<std::string>();
    if (auto v = AirflowVersion::Parse(name)) data->snapshots.emplace_back(*v, name);
  }
  for (const Json& t : data->json.at("targets")) targets_.push_back(t.get<std::string>());
  data_ = data;
}

bool Api::IsTarget(const AirflowVersion& v) const {
  for (const std::string& t : targets_) {
    if (AirflowVersion::Parse(t) == v) return true;
  }
  return false;
}

std::optional<ClassMove> Api::MoveClass(std::string_view legacy_path,
                                        const AirflowVersion& target) const {
  thread_local std::map<std::string, std::optional<ClassMove>, std::less<>> cache;
  const std::string key = target.ToString() + " " + std::string(legacy_path);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::optional<ClassMove> computed = ComputeMove(legacy_path, target);
  cache.emplace(key, computed);
  return computed;
}

std::optional<ClassMove> Api::ComputeMove(std::string_view legacy_path,
                                          const AirflowVersion& target) const {
  const Json& json = data_->json;
  ClassMove move;
  move.legacy = legacy_path;
  const std::string key(legacy_path);
  if (auto removed = json.at("removed").find(key); removed != json.at("removed").end()) {
    move.removed = true;
    return move;
  }
  for (const Json& unchanged : json.at("unchanged")) {
    if (unchanged.get<std::string>() == key) {
      move.target = key;
      return move;
    }
  }
  auto it = json.at("classes").find(key);
  if (it == json.at("classes").end()) return std::nullopt;
  const Json& entry = *it;
  if (entry.contains("new") && entry["new"].is_string()) move.target = entry["new"];
  if (auto by = entry.find("by_snapshot"); by != entry.end()) {
    // The newest snapshot at or before the target decides, when the data has one.
    for (auto s = data_->snapshots.rbegin(); s != data_->snapshots.rend(); ++s) {
      if (s->first > target) continue;
      if (auto v = by->find(s->second); v != by->end()) {
        move.removed_later = !v->is_string() && !move.target.empty();
        move.target = v->is_string() ? v->get<std::string>() : "";
      }
      break;
    }
  }
  if (auto p = entry.find("provider"); p != entry.end() && p->is_string()) move.provider = *p;
  if (auto r = entry.find("replacement"); r != entry.end() && r->is_string()) move.replacement = *r;
  move.inferred = entry.value("inferred", false);
  move.removed = move.target.empty();
  return move;
}

std::optional<std::string> Api::MoveModule(std::string_view legacy_module) const {
  const Json& modules = data_->json.at("modules");
  auto it = modules.find(std::string(legacy_module));
  if (it == modules.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool Api::IsLegacyModule(std::string_view module) const {
  const std::string key(module);
  return data_->json.at("modules").contains(key) || data_->json.at("modules_split").contains(key);
}

bool Api::ModuleExists(std::string_view module) const {
  return data_->json.at("modules_2_10").contains(std::string(module));
}

bool Api::ModuleDefines(std::string_view module, std::string_view name) const {
  const Json& modules = data_->json.at("modules_2_10");
  auto it = modules.find(module);
  if (it == modules.end()) return false;
  // Compared in place: a copy of each name made this a few thousand allocations per file.
  for (const Json& n : *it) {
    if (n.is_string() && n.get_ref<const std::string&>() == name) return true;
  }
  return false;
}

namespace {

/// The keys of an operator entry's `stem` field ("params" -> "params_2_10", ...) that describe
/// `target`: 2.10's for 2.10 targets; for older ones 2.5.1's and 2.10's together (the data has
/// no other versions, and a false "unknown keyword" error is worse than a missed one).
std::vector<std::string> KeysFor(const Json& entry, std::string_view stem,
                                 const AirflowVersion& target) {
  const std::string modern = std::string(stem) + "_2_10", older = std::string(stem) + "_2_5_1";
  if (target >= AirflowVersion{2, 10, 0} && entry.contains(modern)) return {modern};
  return {modern, older};
}

std::set<std::string> Strings(const Json& entry, std::string_view stem,
                              const AirflowVersion& target) {
  std::set<std::string> out;
  for (const std::string& key : KeysFor(entry, stem, target)) {
    if (auto it = entry.find(key); it != entry.end() && it->is_array()) {
      for (const Json& s : *it) out.insert(s.get<std::string>());
    }
  }
  return out;
}

bool Flag(const Json& entry, std::string_view stem, const AirflowVersion& target) {
  bool any = false;
  for (const std::string& key : KeysFor(entry, stem, target)) any = any || entry.value(key, false);
  return any;
}

constexpr std::string_view kBaseOperator = "airflow.models.baseoperator.BaseOperator";

}  // namespace

const AcceptedKeywords& Api::Keywords(std::string_view path, const AirflowVersion& target) const {
  // Asked for every call of every file: computed once per class and target (per thread), and
  // not copied (a set of up to a hundred names).
  thread_local std::map<std::pair<std::array<int, 3>, std::string>, AcceptedKeywords, std::less<>>
      cache;
  thread_local std::pair<std::array<int, 3>, std::string> key;
  key.first = {target.major, target.minor, target.patch};
  key.second.assign(path);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  return cache.emplace(key, ComputeKeywords(path, target)).first->second;
}

AcceptedKeywords Api::ComputeKeywords(std::string_view path, const AirflowVersion& target) const {
  AcceptedKeywords out;
  const Json& operators = data_->json.at("operators");
  std::vector<std::string> pending{std::string(path)};
  std::set<std::string> seen;
  out.known = true;
  while (!pending.empty()) {
    const std::string current = pending.back();
    pending.pop_back();
    if (!seen.insert(current).second) continue;
    auto it = operators.find(current);
    if (it == operators.end()) {
      out.known = false;  // a base the data does not describe
      return out;
    }
    for (const std::string& p : Strings(*it, "params", target)) out.names.insert(p);
    // BaseOperator takes **kwargs only to reject what it does not know.
    if (current == kBaseOperator) continue;
    if (!Flag(*it, "var_keyword", target)) continue;
    for (const std::string& base : Strings(*it, "bases", target)) pending.push_back(base);
  }
  return out;
}

std::vector<std::string> Api::LegacyParameters(std::string_view path) const {
  const Json& operators = data_->json.at("operators");
  auto it = operators.find(std::string(path));
  std::vector<std::string> out;
  if (it == operators.end()) return out;
  if (auto p = it->find("legacy_params"); p != it->end()) {
    for (const Json& s : *p) out.push_back(s.get<std::string>());
  }
  return out;
}

bool Api::HasSignature(std::string_view path) const {
  return data_->json.at("operators").contains(std::string(path));
}

std::map<std::string, std::string> Api::Constraints(const AirflowVersion& target) const {
  std::map<std::string, std::string> out;
  const Json& constraints = data_->json.at("constraints");
  auto it = constraints.find(target.ToString());
  if (it == constraints.end()) return out;
  for (const auto& [package, version] : it->items()) out[package] = version.get<std::string>();
  return out;
}

std::string Api::ConstraintsUrl(const AirflowVersion& target) {
  // MWAA runs Python 3.11 from Airflow 2.7.2 on, 3.10 for 2.4.3-2.6.3 (and 2.5.1).
  const char* python = target >= AirflowVersion{2, 7, 0} ? "3.11" : "3.10";
  return fmt::format(
      "https://raw.githubusercontent.com/apache/airflow/constraints-{}/constraints-{}.txt",
      target.ToString(), python);
}

}  // namespace dagport::converters::airflow2
