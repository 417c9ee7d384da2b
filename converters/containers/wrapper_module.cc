#include "converters/containers/wrapper_module.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "converters/airflow2/rule.h"

namespace dagport::converters::containers {

namespace {

/// A Python string literal (JSON's escaping is valid Python).
std::string Py(std::string_view s) {
  return nlohmann::json(std::string(s)).dump();
}

std::string PyList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Py(items[i]);
  return out + "]";
}

/// The 1.10 class each target's operator came from: the API data says where it is now.
const char* LegacyClass(Target target) {
  switch (target) {
    case Target::kEcs: return "airflow.contrib.operators.ecs_operator.ECSOperator";
    case Target::kKubernetes:
      return "airflow.contrib.operators.kubernetes_pod_operator.KubernetesPodOperator";
    case Target::kDocker: return "airflow.operators.docker_operator.DockerOperator";
  }
  return "";
}

}  // namespace

TargetOperator TargetOperatorFor(Target target, const airflow2::AirflowVersion& version) {
  const airflow2::Api& api = airflow2::Api::Get();
  const std::optional<airflow2::ClassMove> move = api.MoveClass(LegacyClass(target), version);
  if (!move || move->target.empty()) {
    throw std::runtime_error(fmt::format("the API data has no {} operator for Airflow {}",
                                         TargetName(target), version.ToString()));
  }
  TargetOperator op;
  const size_t dot = move->target.rfind('.');
  op.module = move->target.substr(0, dot);
  op.name = move->target.substr(dot + 1);
  op.provider = move->provider;
  const airflow2::AcceptedKeywords& accepted = api.Keywords(move->target, version);
  auto takes = [&](const char* name) { return accepted.names.contains(name); };
  auto& k = op.keywords;
  switch (target) {
    case Target::kEcs: {
      // The amazon provider's ECS operators take `region` from 5.0.0 to 8.14 (the constraints
      // of Airflow 2.4.3 to 2.7.2) and `region_name` from 8.15.0 (Airflow 2.8.1 on).
      const char* region = version < airflow2::AirflowVersion{2, 8, 0} ? "region" : "region_name";
      k = {{"cluster", "SETTINGS[\"cluster\"]"},
           {"task_definition", "SETTINGS[\"family_prefix\"] + env_id"},
           {"launch_type", "\"FARGATE\""},
           {"overrides", "overrides"},
           {"network_configuration", "network_configuration()"},
           {"awslogs_group", "SETTINGS[\"log_group\"]"},
           {"awslogs_region", "SETTINGS[\"region\"]"},
           {"awslogs_stream_prefix", "SETTINGS[\"log_stream_prefix\"] + \"/\" + CONTAINER_NAME"},
           {"aws_conn_id", "kwargs.pop(\"aws_conn_id\", SETTINGS[\"aws_conn_id\"])"},
           {region, fmt::format("kwargs.pop(\"{}\", SETTINGS[\"region\"])", region)}};
      break;
    }
    case Target::kKubernetes:
      k = {{"namespace", "kwargs.pop(\"namespace\", SETTINGS[\"namespace\"])"},
           {"image", "image_for(env_id)"},
           {"cmds", "[ENTRYPOINT]"},
           {"arguments", "[command_style, command]"},
           {"env_vars", "env_vars"},
           {takes("container_resources") ? "container_resources" : "resources",
            "k8s.V1ResourceRequirements(requests={\"cpu\": \"%dm\" % (cpu * 1000 // 1024), "
            "\"memory\": \"%dMi\" % memory})"},
           {"get_logs", "True"}};
      break;
    case Target::kDocker:
      k = {{"image", "image_for(env_id)"},
           {"command", "[command_style, command]"},
           {"environment", "env_vars"},
           {"docker_url", "kwargs.pop(\"docker_url\", SETTINGS[\"docker_url\"])"},
           {"cpus", "cpu / 1024.0"},
           {"mem_limit", "\"%dm\" % memory"}};
      if (takes("mount_tmp_dir")) k.emplace_back("mount_tmp_dir", "False");
      break;
  }
  for (const auto& [name, expression] : k) {
    if (accepted.known && !accepted.names.contains(name)) {
      throw std::runtime_error(fmt::format("{} on Airflow {} does not take '{}'", move->target,
                                           version.ToString(), name));
    }
  }
  return op;
}

std::vector<std::pair<std::string, std::string>> DirectKeywords(
    const ContainerConfig& config, const airflow2::AirflowVersion& version,
    const std::string& env_id, const std::string& style, const std::string& command,
    const std::string& environment) {
  const Deployment& d = config.deployment;
  const std::string image = d.registry + "/" + d.repository + ":env-" + env_id;
  const std::string argv = fmt::format("[{}, {}]", Py(style), command);
  std::vector<std::pair<std::string, std::string>> k;
  switch (config.target) {
    case Target::kEcs: {
      std::string container =
          fmt::format("{{\"name\": {}, \"command\": {}", Py(kContainerName), argv);
      if (!environment.empty()) {
        container += fmt::format(
            ", \"environment\": [{{\"name\": str(k), \"value\": str(v)}} for k, v in ({}).items()]",
            environment);
      }
      container += "}";
      k = {{"cluster", Py(d.cluster)},
           {"task_definition", Py("dagport-" + env_id)},
           {"launch_type", "\"FARGATE\""},
           {"overrides", fmt::format("{{\"containerOverrides\": [{}]}}", container)},
           {"network_configuration",
            fmt::format("{{\"awsvpcConfiguration\": {{\"subnets\": {}, \"securityGroups\": {}, "
                        "\"assignPublicIp\": {}}}}}",
                        PyList(d.subnets), PyList(d.security_groups),
                        d.assign_public_ip ? "\"ENABLED\"" : "\"DISABLED\"")},
           {"awslogs_group", Py(d.log_group)},
           {"awslogs_region", Py(d.region)},
           {"awslogs_stream_prefix", Py(std::string("dagport/") + kContainerName)},
           {version < airflow2::AirflowVersion{2, 8, 0} ? "region" : "region_name", Py(d.region)}};
      if (d.aws_conn_id != "aws_default") k.emplace_back("aws_conn_id", Py(d.aws_conn_id));
      break;
    }
    case Target::kKubernetes:
      k = {{"namespace", Py(d.namespace_)},
           {"image", Py(image)},
           {"cmds", "[\"/usr/local/bin/dagport-entrypoint\"]"},
           {"arguments", argv}};
      if (!environment.empty()) k.emplace_back("env_vars", environment);
      k.emplace_back("get_logs", "True");
      break;
    case Target::kDocker:
      k = {{"image", Py(image)}, {"command", argv}};
      if (!environment.empty()) k.emplace_back("environment", environment);
      k.emplace_back("docker_url", Py(d.docker_url));
      break;
  }
  return k;
}

std::string WrapperModule(const ContainerConfig& config, const airflow2::AirflowVersion& version) {
  const TargetOperator op = TargetOperatorFor(config.target, version);
  const Deployment& d = config.deployment;
  std::string out;
  out += fmt::format(
      R"PY("""Container tasks for DAGs converted by dagport: every task runs in its own container.

Generated by `dagport convert` (target: {target}, Airflow {version}); dagport writes it again on
every conversion, so change dagport.json rather than this file. DAG authors write::

    from dagport_container import ContainerTaskOperator

    score = ContainerTaskOperator(
        task_id="score_products",
        command="/usr/local/airflow/dags/scripts/score.py --date {{{{ ds }}}}",
        command_style="python",          # the command is arguments for python ("shell": a shell line)
        requirements=["pandas==1.1.5"],  # what the image has installed
        python_version="3.8",
        environment={{"STAGE": "prod"}},   # environment variables (templated)
        cpu=1024, memory=2048,           # optional: CPU units and MiB
    )

The image of a task is named by the SHA-256 of its Python version and requirements (see
`environment_key`), the same name dagport gave the build context it wrote under containers/:
build and push the images with containers/build.sh before the DAGs run. A task whose
requirements have no image fails when it starts; run `dagport convert` again to add it.
"""
import hashlib
import json

)PY",
      fmt::arg("target", TargetName(config.target)), fmt::arg("version", version.ToString()));
  if (config.target == Target::kKubernetes)
    out += "from kubernetes.client import models as k8s\n\n";
  out += fmt::format("from {} import {}\n\n", op.module, op.name);
  out += "SETTINGS = {\n";
  out += fmt::format("    \"target\": {},\n", Py(TargetName(config.target)));
  out += fmt::format("    \"python_version\": {},\n", Py(config.python_version));
  out += fmt::format("    \"cpu\": {},\n    \"memory\": {},\n", config.cpu, config.memory);
  out += fmt::format("    \"registry\": {},\n    \"repository\": {},\n", Py(d.registry),
                     Py(d.repository));
  switch (config.target) {
    case Target::kEcs:
      out += fmt::format("    \"cluster\": {},\n", Py(d.cluster));
      out += fmt::format("    \"subnets\": {},\n", PyList(d.subnets));
      out += fmt::format("    \"security_groups\": {},\n", PyList(d.security_groups));
      out += fmt::format("    \"assign_public_ip\": {},\n", d.assign_public_ip ? "True" : "False");
      out += fmt::format("    \"family_prefix\": \"dagport-\",\n");
      out += fmt::format("    \"log_group\": {},\n", Py(d.log_group));
      out += fmt::format("    \"log_stream_prefix\": \"dagport\",\n");
      out += fmt::format("    \"region\": {},\n", Py(d.region));
      out += fmt::format("    \"aws_conn_id\": {},\n", Py(d.aws_conn_id));
      break;
    case Target::kKubernetes:
      out += fmt::format("    \"namespace\": {},\n", Py(d.namespace_));
      break;
    case Target::kDocker: out += fmt::format("    \"docker_url\": {},\n", Py(d.docker_url)); break;
  }
  out += "}\n";
  out += fmt::format(R"PY(
ENTRYPOINT = "/usr/local/bin/dagport-entrypoint"
CONTAINER_NAME = {container}

# The template context a moved callable receives (rendered per run, as JSON strings).
CALLABLE_CONTEXT = {{
    "ds": "{{{{ ds }}}}",
    "ds_nodash": "{{{{ ds_nodash }}}}",
    "ts": "{{{{ ts }}}}",
    "ts_nodash": "{{{{ ts_nodash }}}}",
    "run_id": "{{{{ run_id }}}}",
    "logical_date": "{{{{ logical_date }}}}",
    "data_interval_start": "{{{{ data_interval_start }}}}",
    "data_interval_end": "{{{{ data_interval_end }}}}",
    "dag_id": "{{{{ dag.dag_id }}}}",
    "task_id": "{{{{ task.task_id }}}}",
    "try_number": "{{{{ ti.try_number }}}}",
}}


def environment_key(python_version, requirements):
    """The text whose SHA-256 names an environment: dagport computes the same."""
    if isinstance(requirements, str):
        requirements = [r for r in requirements.splitlines() if not r.strip().startswith("#")]
    lines = sorted({{str(r).strip() for r in (requirements or ())}} - {{""}})
    return "python=" + str(python_version) + "\n" + "".join(line + "\n" for line in lines)


def environment_id(python_version, requirements):
    key = environment_key(python_version, requirements)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def image_for(env_id):
    return SETTINGS["registry"] + "/" + SETTINGS["repository"] + ":env-" + env_id
)PY",
                     fmt::arg("container", Py(kContainerName)));
  if (config.target == Target::kEcs) {
    out += R"PY(

# Fargate task sizes: CPU units -> the memory sizes (MiB) allowed with them.
FARGATE_SIZES = (
    (256, (512, 1024, 2048)),
    (512, range(1024, 4097, 1024)),
    (1024, range(2048, 8193, 1024)),
    (2048, range(4096, 16385, 1024)),
    (4096, range(8192, 30721, 1024)),
    (8192, range(16384, 61441, 4096)),
    (16384, range(32768, 122881, 8192)),
)


def fargate_size(cpu, memory):
    """The smallest Fargate size with at least `cpu` units and `memory` MiB, as strings."""
    for units, memories in FARGATE_SIZES:
        if units >= cpu:
            for size in memories:
                if size >= memory:
                    return str(units), str(size)
    raise ValueError("no Fargate task size has %d CPU units and %d MiB" % (cpu, memory))


def network_configuration():
    return {
        "awsvpcConfiguration": {
            "subnets": list(SETTINGS["subnets"]),
            "securityGroups": list(SETTINGS["security_groups"]),
            "assignPublicIp": "ENABLED" if SETTINGS["assign_public_ip"] else "DISABLED",
        }
    }
)PY";
  }
  out += fmt::format(R"PY(

class ContainerTaskOperator({base}):
    """Runs `command` in its own container, from the image built for `requirements`."""

    ui_color = "#d5f5e3"

    def __init__(
        self,
        *,
        command,
        requirements=(),
        python_version=None,
        environment=None,
        cpu=None,
        memory=None,
        command_style="shell",
        op_args=None,
        op_kwargs=None,
        **kwargs,
    ):
        if command_style not in ("shell", "python", "callable"):
            raise ValueError(
                "command_style must be 'shell', 'python' or 'callable', not %r" % (command_style,)
            )
        python_version = str(python_version or SETTINGS["python_version"])
        env_id = environment_id(python_version, requirements)
        env_vars = {{str(k): str(v) for k, v in (environment or {{}}).items()}}
        if command_style == "callable":
            # command is "module:function" of a callable dagport moved into the image; the
            # spec is rendered by Airflow like any templated field.
            command = json.dumps(
                {{
                    "callable": command,
                    "args": list(op_args or ()),
                    "kwargs": dict(op_kwargs or {{}}),
                    "context": CALLABLE_CONTEXT,
                }}
            )
            env_vars.setdefault("DAGPORT_PARAMS", "{{{{ params | tojson }}}}")
)PY",
                     fmt::arg("base", op.name));
  if (config.target == Target::kEcs) {
    out +=
        R"PY(        # A task that asks for a size gets it (rounded up to a Fargate size); the others run
        # with their task definition's, the largest request of the environment's tasks.
        sized = cpu is not None or memory is not None
        cpu = int(cpu or SETTINGS["cpu"])
        memory = int(memory or SETTINGS["memory"])
        container = {"name": CONTAINER_NAME, "command": [command_style, command]}
        if env_vars:
            container["environment"] = [{"name": k, "value": v} for k, v in sorted(env_vars.items())]
        overrides = {"containerOverrides": [container]}
        if sized:
            overrides["cpu"], overrides["memory"] = fargate_size(cpu, memory)
)PY";
  } else {
    out += "        cpu = int(cpu or SETTINGS[\"cpu\"])\n";
    out += "        memory = int(memory or SETTINGS[\"memory\"])\n";
  }
  out += "        super().__init__(\n";
  for (const auto& [name, expression] : op.keywords)
    out += fmt::format("            {}={},\n", name, expression);
  out += R"PY(            **kwargs,
        )
        self.environment_id = env_id
        self.python_version = python_version
)PY";
  return out;
}

}  // namespace dagport::converters::containers
