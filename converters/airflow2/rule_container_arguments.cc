// container-arguments: the container operators' arguments that changed shape in their Airflow 2
// providers, rewritten when they are literals:
//   DockerOperator(volumes=['/host:/ctr:ro'])  -> mounts=[Mount(source='/host', target='/ctr',
//                                                 type='bind', read_only=True)]  (docker 2.0)
//   KubernetesPodOperator(resources={'limit_memory': '1Gi'})
//                                              -> container_resources=k8s.V1ResourceRequirements(
//                                                 limits={'memory': '1Gi'})       (cncf 5.0)
//   KubernetesPodOperator(node_selectors=...)  -> node_selector=...             (cncf 5.0)
//   KubernetesPodOperator(is_delete_operator_pod=False) -> on_finish_action='keep_pod' (cncf 7.2)
//   Airflow 1.x's Kubernetes helper classes, which became kubernetes.client.models classes with
//   other parameters: VolumeMount('v', '/data', None, True) -> V1VolumeMount(name='v',
//   mount_path='/data', sub_path=None, read_only=True); Port('http', 80) -> V1ContainerPort(
//   name=..., container_port=...); Resources(request_cpu='1') -> V1ResourceRequirements(
//   requests={'cpu': '1'}); Volume and PodRuntimeInfoEnv are reported (their configuration
//   dicts have no mechanical translation).
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

/// 1.x resource settings (request_cpu, limit_memory, ... -> their value's source text) as a
/// V1ResourceRequirements expression; empty when a setting is not one of them.
std::string ResourceRequirements(const std::vector<std::pair<std::string, std::string>>& settings,
                                 const std::string& k8s) {
  std::string requests, limits;
  for (const auto& [key, value] : settings) {
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

/// `resources={'request_cpu': ..., 'limit_memory': ...}` as V1ResourceRequirements; empty when
/// the dict holds anything else.
std::string Resources(const FileContext& ctx, TSNode dict, const std::string& k8s) {
  if (NodeType(dict) != "dictionary") return "";
  std::vector<std::pair<std::string, std::string>> settings;
  for (TSNode pair : ListItems(dict)) {
    std::string key;
    if (NodeType(pair) != "pair" || !StringLiteralValue(ctx.tree, ChildByField(pair, "key"), key))
      return "";
    settings.emplace_back(key, std::string(ctx.Text(ChildByField(pair, "value"))));
  }
  return ResourceRequirements(settings, k8s);
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

/// The 1.10 Kubernetes helper class of a call's legacy path ("VolumeMount", ...), or "".
std::string_view KubernetesHelper(const std::string& legacy) {
  for (const char* prefix : {"airflow.kubernetes.", "airflow.contrib.kubernetes."}) {
    if (legacy.starts_with(prefix)) return NameOf(legacy);
  }
  return "";
}

/// Names the positional arguments of a call by the 1.10 constructor's parameters.
void NamePositionalArguments(FileContext& ctx, const CallSite& site,
                             std::initializer_list<const char*> parameters) {
  size_t k = 0;
  for (TSNode argument : ListItems(site.arguments)) {
    const std::string_view type = NodeType(argument);
    if (type == "keyword_argument" || type == "dictionary_splat") break;
    if (type == "list_splat" || k >= parameters.size()) return;  // cannot tell: left alone
    ctx.edits.Insert(ts_node_start_byte(argument), std::string(parameters.begin()[k]) + "=");
    ++k;
  }
  if (k > 0) {
    ctx.Changed(kRule, site.call,
                fmt::format("{} takes keyword arguments in kubernetes.client.models: named the "
                            "{} positional ones",
                            NameOf(site.legacy), k));
  }
}

void ConvertKubernetesHelper(FileContext& ctx, const CallSite& site) {
  const std::string_view helper = KubernetesHelper(site.legacy);
  if (helper == "VolumeMount") {
    NamePositionalArguments(ctx, site, {"name", "mount_path", "sub_path", "read_only"});
  } else if (helper == "Port") {
    NamePositionalArguments(ctx, site, {"name", "container_port"});
  } else if (helper == "Resources") {
    // Resources(request_memory=..., limit_cpu=...): the same settings as keywords.
    std::vector<std::pair<std::string, std::string>> settings;
    for (TSNode argument : ListItems(site.arguments)) {
      if (NodeType(argument) != "keyword_argument") return;
      settings.emplace_back(ctx.Text(ChildByField(argument, "name")),
                            ctx.Text(ChildByField(argument, "value")));
    }
    const std::string requirements = ResourceRequirements(settings, "k8s");
    if (requirements.empty()) return;
    // Keep the name the imports rule gives the class: replace the arguments only.
    const std::string arguments = requirements.substr(requirements.find('('));
    ctx.edits.Replace(ts_node_start_byte(site.arguments), ts_node_end_byte(site.arguments),
                      arguments);
    ctx.Changed(kRule, site.call,
                "Resources(...) -> V1ResourceRequirements(requests=..., limits=...)");
  } else if (helper == "Volume" || helper == "PodRuntimeInfoEnv") {
    ctx.Report("DP205", site.call,
               fmt::format("{}(...) became kubernetes.client.models.{}, which takes other "
                           "arguments",
                           helper, helper == "Volume" ? "V1Volume" : "V1EnvVar"),
               helper == "Volume"
                   ? "write V1Volume(name=..., persistent_volume_claim=k8s."
                     "V1PersistentVolumeClaimVolumeSource(claim_name=...)) (or config_map=, "
                     "secret=, host_path=) for the configs dict"
                   : "write V1EnvVar(name=..., value_from=k8s.V1EnvVarSource(field_ref=k8s."
                     "V1ObjectFieldSelector(field_path=...)))");
  }
}

}  // namespace

void RuleContainerArguments(FileContext& ctx) {
  const bool cncf5 = ctx.options.target >= AirflowVersion{2, 5, 0};   // cncf-kubernetes >= 5.1
  const bool cncf72 = ctx.options.target >= AirflowVersion{2, 7, 0};  // cncf-kubernetes >= 7.6
  for (const CallSite& site : ctx.calls) {
    ConvertKubernetesHelper(ctx, site);
    if (site.target == kDocker) {
      const TSNode volumes = ctx.Keyword(site.arguments, "volumes");
      if (ts_node_is_null(volumes) || !ts_node_is_null(ctx.Keyword(site.arguments, "mounts")))
        continue;
      const std::string mounts = Mounts(ctx, ChildByField(volumes, "value"));
      if (mounts.empty()) continue;
      ctx.add_imports.insert("from docker.types import Mount");
      Rewrite(ctx, volumes, "mounts", mounts,
              "volumes= -> mounts=[Mount(...)] (the docker provider 2.0 replaced volumes)");
      continue;
    }
    if (!IsPodOperator(site.target) || !cncf5) continue;
    if (TSNode resources = ctx.Keyword(site.arguments, "resources"); !ts_node_is_null(resources)) {
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
    if (TSNode selectors = ctx.Keyword(site.arguments, "node_selectors");
        !ts_node_is_null(selectors)) {
      const TSNode name = ChildByField(selectors, "name");
      ctx.edits.Replace(ts_node_start_byte(name), ts_node_end_byte(name), "node_selector");
      ctx.keyword_fate[ts_node_start_byte(selectors)] = "node_selector";
      ctx.Changed(kRule, selectors, "node_selectors= -> node_selector= (cncf-kubernetes 5.0)");
    }
    if (TSNode remove = ctx.Keyword(site.arguments, "is_delete_operator_pod");
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
