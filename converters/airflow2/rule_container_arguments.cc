// container-arguments: the container operators' arguments that changed shape in their Airflow 2
// providers, rewritten when they are literals:
//   DockerOperator(volumes=['/host:/ctr:ro'])  -> mounts=[Mount(source='/host', target='/ctr',
//                                                 type='bind', read_only=True)]  (docker 2.0)
//   KubernetesPodOperator(resources={'limit_memory': '1Gi'})
//                                              -> container_resources=k8s.V1ResourceRequirements(
//                                                 limits={'memory': '1Gi'})       (cncf 5.0)
//   KubernetesPodOperator(node_selectors=...)  -> node_selector=...             (cncf 5.0)
//   KubernetesPodOperator(is_delete_operator_pod=False) -> on_finish_action='keep_pod' (cncf 7.2)
// What is not a literal is left to the manual-change rule's report.
#include <fmt/format.h>

#include "converters/airflow2/rule.h"
#include "converters/python_edits.h"

namespace dagport::converters::airflow2 {

using parser::ChildByField;
using parser::NodeType;

namespace {

constexpr const char* kRule = "container-arguments";
constexpr std::string_view kDocker = "airflow.providers.docker.operators.docker.DockerOperator";

bool IsPodOperator(const std::string& target) {
  return target.starts_with("airflow.providers.cncf.kubernetes.operators.") &&
         target.ends_with(".KubernetesPodOperator");
}

std::string Quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

/// `volumes=['/h:/c:ro', ...]` as Mount(...) expressions; empty when not all literals.
std::string Mounts(const FileContext& ctx, TSNode list) {
  if (NodeType(list) != "list") return "";
  std::string out;
  for (TSNode item : ListItems(list)) {
    std::string spec;
    if (!StringLiteralValue(ctx.tree, item, spec)) return "";
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      const size_t colon = spec.find(':', start);
      parts.push_back(spec.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) return "";
    const bool bind = parts[0].starts_with('/') || parts[0].starts_with('.');
    const bool read_only = parts.size() == 3 && parts[2].find("ro") != std::string::npos;
    out += (out.empty() ? "" : ", ") + fmt::format("Mount(source={}, target={}, type='{}'{})",
                                                   Quoted(parts[0]), Quoted(parts[1]),
                                                   bind ? "bind" : "volume",
                                                   read_only ? ", read_only=True" : "");
  }
  return "[" + out + "]";
}

/// `resources={'request_cpu': ..., 'limit_memory': ...}` as V1ResourceRequirements arguments;
/// empty when the dict holds anything else.
std::string Resources(const FileContext& ctx, TSNode dict, const std::string& k8s) {
  if (NodeType(dict) != "dictionary") return "";
  std::string requests, limits;
  for (TSNode pair : ListItems(dict)) {
    std::string key;
    if (NodeType(pair) != "pair" || !StringLiteralValue(ctx.tree, ChildByField(pair, "key"), key))
      return "";
    const std::string value(ctx.Text(ChildByField(pair, "value")));
    const bool request = key.starts_with("request_");
    if (!request && !key.starts_with("limit_")) return "";
    std::string resource = key.substr(key.find('_') + 1);
    if (resource == "gpu") resource = "nvidia.com/gpu";
    if (resource == "ephemeral_storage") resource = "ephemeral-storage";
    if (resource != "cpu" && resource != "memory" && resource != "nvidia.com/gpu" &&
        resource != "ephemeral-storage")
      return "";
    std::string& into = request ? requests : limits;
    into += (into.empty() ? "" : ", ") + Quoted(resource) + ": " + value;
  }
  std::string args;
  if (!requests.empty()) args += "requests={" + requests + "}";
  if (!limits.empty()) args += std::string(args.empty() ? "" : ", ") + "limits={" + limits + "}";
  return fmt::format("{}.V1ResourceRequirements({})", k8s, args);
}

/// The name the file can use for kubernetes.client.models, asking for the import if needed.
std::string K8sModels(FileContext& ctx) {
  for (const ImportItem& item : ctx.imports.items()) {
    if (item.Path() == "kubernetes.client.models") return item.local;
  }
  ctx.add_imports.insert("from kubernetes.client import models as k8s");
  return "k8s";
}

void Rewrite(FileContext& ctx, TSNode keyword, const std::string& name, const std::string& value,
             const std::string& message) {
  ctx.edits.Replace(ts_node_start_byte(keyword), ts_node_end_byte(keyword), name + "=" + value);
  ctx.keyword_fate[ts_node_start_byte(keyword)] = name;
  ctx.Changed(kRule, keyword, message);
}

}  // namespace

void RuleContainerArguments(FileContext& ctx) {
  const bool cncf5 = ctx.options.target >= AirflowVersion{2, 5, 0};   // cncf-kubernetes >= 5.1
  const bool cncf72 = ctx.options.target >= AirflowVersion{2, 7, 0};  // cncf-kubernetes >= 7.6
  for (const CallSite& site : ctx.calls) {
    if (site.target == kDocker) {
      const TSNode volumes = FindKeyword(ctx.tree, site.arguments, "volumes");
      if (ts_node_is_null(volumes) ||
          !ts_node_is_null(FindKeyword(ctx.tree, site.arguments, "mounts")))
        continue;
      const std::string mounts = Mounts(ctx, ChildByField(volumes, "value"));
      if (mounts.empty()) continue;
      ctx.add_imports.insert("from docker.types import Mount");
      Rewrite(ctx, volumes, "mounts", mounts,
              "volumes= -> mounts=[Mount(...)] (the docker provider 2.0 replaced volumes)");
      continue;
    }
    if (!IsPodOperator(site.target) || !cncf5) continue;
    if (TSNode resources = FindKeyword(ctx.tree, site.arguments, "resources");
        !ts_node_is_null(resources)) {
      const TSNode value = ChildByField(resources, "value");
      if (NodeType(value) == "dictionary") {
        std::string k8s;
        for (const ImportItem& item : ctx.imports.items()) {
          if (item.Path() == "kubernetes.client.models") k8s = item.local;
        }
        const std::string requirements = Resources(ctx, value, k8s.empty() ? "k8s" : k8s);
        if (!requirements.empty()) {
          if (k8s.empty()) K8sModels(ctx);
          Rewrite(ctx, resources, "container_resources", requirements,
                  "resources={...} -> container_resources=V1ResourceRequirements(...) (the "
                  "cncf-kubernetes provider 5.0 gave resources= to BaseOperator)");
        }
      }
    }
    if (TSNode selectors = FindKeyword(ctx.tree, site.arguments, "node_selectors");
        !ts_node_is_null(selectors)) {
      const TSNode name = ChildByField(selectors, "name");
      ctx.edits.Replace(ts_node_start_byte(name), ts_node_end_byte(name), "node_selector");
      ctx.keyword_fate[ts_node_start_byte(selectors)] = "node_selector";
      ctx.Changed(kRule, selectors, "node_selectors= -> node_selector= (cncf-kubernetes 5.0)");
    }
    if (TSNode remove = FindKeyword(ctx.tree, site.arguments, "is_delete_operator_pod");
        cncf72 && !ts_node_is_null(remove)) {
      const std::string_view value = ctx.Text(ChildByField(remove, "value"));
      if (value == "True" || value == "False") {
        Rewrite(ctx, remove, "on_finish_action", value == "True" ? "'delete_pod'" : "'keep_pod'",
                fmt::format("is_delete_operator_pod={} -> on_finish_action (cncf-kubernetes 7.2 "
                            "deprecated it)",
                            value));
      }
    }
  }
}

}  // namespace dagport::converters::airflow2
