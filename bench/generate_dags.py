#!/usr/bin/env python3
"""Generate a realistic Airflow 1.x DAG folder for the parser benchmark.

    bench/generate_dags.py OUT_DIR [--files 10000] [--seed 1]

writes

    OUT_DIR/dags/<team>/<name>.py   FILES DAG files (most 2-8 KB, some 20-60 KB)
    OUT_DIR/dags/common/            a helper package (~1/4 of the files import it)
    OUT_DIR/plugins/                an Airflow plugins folder (beside the DAG folder)
    OUT_DIR/manifest.json           what Airflow would collect: DAG ids and task counts per file

The output depends only on FILES and SEED (same arguments, same bytes). Every file is valid
Python 3 that Airflow 1.10 would load; the constructs and their proportions follow real 1.x
deployments: default_args dicts, `with DAG(...) as dag` and `dag=dag`, `>>` chains with lists,
set_upstream/set_downstream, loops over literal lists and dicts, task factory functions,
f-strings / .format / %, Jinja in bash_command and SQL, days_ago/timedelta/datetime, contrib
operators, sensors, SubDagOperator with factories, DAG factories registered through globals(),
helper-package and plugin imports, comments and docstrings.
"""

import argparse
import json
import os
import random
import sys

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

TEAMS = ["data_platform", "marketing", "finance", "growth", "ml", "ops", "product_analytics",
         "risk", "supply_chain", "customer_success", "search", "payments"]
SOURCES = ["orders", "customers", "payments", "refunds", "invoices", "shipments", "inventory",
           "products", "sessions", "clicks", "pageviews", "signups", "subscriptions", "campaigns",
           "leads", "tickets", "reviews", "returns", "suppliers", "stores", "employees", "ledger",
           "fx_rates", "events", "devices", "users", "accounts", "transactions", "carts", "coupons",
           "impressions", "experiments", "payouts", "chargebacks", "warehouses", "deliveries"]
PURPOSES = ["etl", "ingest", "export", "sync", "rollup", "report", "backfill", "snapshot",
            "quality", "refresh", "aggregate", "load", "archive", "features", "reconcile"]
REGIONS = ["us", "eu", "apac", "latam", "emea", "amer", "uk", "de", "fr", "jp", "br", "ca"]
PEOPLE = ["jdoe", "asmith", "mlopez", "kchen", "rpatel", "tnguyen", "ebrown", "okim", "lrossi",
          "fmuller", "spetrov", "ajohnson"]
SCHEMAS = ["raw", "staging", "analytics", "marts", "finance", "ods", "core", "reporting"]
VERBS = ["extract", "load", "transform", "export", "sync", "check", "validate", "publish",
         "stage", "merge", "compact", "refresh", "archive", "copy", "build", "index", "score",
         "dedupe", "enrich", "partition", "upload", "download", "notify", "prepare", "clean"]
COLUMNS = ["id", "created_at", "updated_at", "customer_id", "order_id", "amount", "currency",
           "status", "country", "channel", "device_type", "sku", "quantity", "price", "discount",
           "session_id", "user_id", "event_type", "event_ts", "region", "store_id", "is_test",
           "campaign_id", "source", "medium", "revenue", "cost", "margin", "tax", "shipping_fee"]
SCHEDULES = ["'@daily'", "'@hourly'", "'0 3 * * *'", "'30 5 * * *'", "'0 */6 * * *'",
             "'@weekly'", "'0 7 * * 1-5'", "None", "timedelta(hours=6)", "timedelta(days=1)",
             "'15 2 * * *'", "'@once'", "'0 0 1 * *'"]

# Operator catalogue: key -> (module, class). Paths are Airflow 1.10's.
OPS = {
    "bash": ("airflow.operators.bash_operator", "BashOperator"),
    "python": ("airflow.operators.python_operator", "PythonOperator"),
    "branch": ("airflow.operators.python_operator", "BranchPythonOperator"),
    "short": ("airflow.operators.python_operator", "ShortCircuitOperator"),
    "dummy": ("airflow.operators.dummy_operator", "DummyOperator"),
    "email": ("airflow.operators.email_operator", "EmailOperator"),
    "postgres": ("airflow.operators.postgres_operator", "PostgresOperator"),
    "mysql": ("airflow.operators.mysql_operator", "MySqlOperator"),
    "hive": ("airflow.operators.hive_operator", "HiveOperator"),
    "http": ("airflow.operators.http_operator", "SimpleHttpOperator"),
    "subdag": ("airflow.operators.subdag_operator", "SubDagOperator"),
    "trigger": ("airflow.operators.dagrun_operator", "TriggerDagRunOperator"),
    "s3_redshift": ("airflow.operators.s3_to_redshift_operator", "S3ToRedshiftTransfer"),
    "check": ("airflow.operators.check_operator", "CheckOperator"),
    "bigquery": ("airflow.contrib.operators.bigquery_operator", "BigQueryOperator"),
    "gcs_bq": ("airflow.contrib.operators.gcs_to_bq", "GoogleCloudStorageToBigQueryOperator"),
    "ssh": ("airflow.contrib.operators.ssh_operator", "SSHOperator"),
    "k8s": ("airflow.contrib.operators.kubernetes_pod_operator", "KubernetesPodOperator"),
    "emr_steps": ("airflow.contrib.operators.emr_add_steps_operator", "EmrAddStepsOperator"),
    "dataproc": ("airflow.contrib.operators.dataproc_operator", "DataProcPySparkOperator"),
    "spark": ("airflow.contrib.operators.spark_submit_operator", "SparkSubmitOperator"),
    "slack": ("airflow.contrib.operators.slack_webhook_operator", "SlackWebhookOperator"),
    "sftp": ("airflow.contrib.operators.sftp_operator", "SFTPOperator"),
    "ecs": ("airflow.contrib.operators.ecs_operator", "ECSOperator"),
    "athena": ("airflow.contrib.operators.aws_athena_operator", "AWSAthenaOperator"),
    "snowflake": ("airflow.contrib.operators.snowflake_operator", "SnowflakeOperator"),
    "databricks": ("airflow.contrib.operators.databricks_operator", "DatabricksSubmitRunOperator"),
    # sensors
    "ext_sensor": ("airflow.sensors.external_task_sensor", "ExternalTaskSensor"),
    "s3_sensor": ("airflow.sensors.s3_key_sensor", "S3KeySensor"),
    "http_sensor": ("airflow.sensors.http_sensor", "HttpSensor"),
    "sql_sensor": ("airflow.sensors.sql_sensor", "SqlSensor"),
    "delta_sensor": ("airflow.sensors.time_delta_sensor", "TimeDeltaSensor"),
    "hive_sensor": ("airflow.sensors.hive_partition_sensor", "HivePartitionSensor"),
    "file_sensor": ("airflow.contrib.sensors.file_sensor", "FileSensor"),
    "gcs_sensor": ("airflow.contrib.sensors.gcs_sensor", "GoogleCloudStorageObjectSensor"),
    "emr_sensor": ("airflow.contrib.sensors.emr_step_sensor", "EmrStepSensor"),
    # plugins (plugins/ folder): imported as airflow.operators.<plugin name>.X
    "pl_snowflake_load": ("airflow.operators.acme", "S3ToSnowflakeOperator"),
    "pl_snowflake_query": ("airflow.operators.acme", "SnowflakeQueryOperator"),
    "pl_rowcount": ("airflow.operators.data_quality", "RowCountCheckOperator"),
    "pl_freshness": ("airflow.operators.data_quality", "FreshnessCheckOperator"),
    "pl_partner_sensor": ("airflow.sensors.acme_sensors", "PartnerFileSensor"),
    # common/ helper package
    "cm_s3copy": ("common.operators", "S3PartitionCopyOperator"),
    "cm_notify": ("common.operators", "TeamNotifyOperator"),
}
# `from airflow.operators import X` (the pre-1.10 style some old files keep)
LEGACY_IMPORTABLE = {"bash", "python", "branch", "short", "dummy", "email", "postgres", "mysql",
                     "hive", "http", "subdag", "trigger"}

LICENSE = """#
# Licensed to the Apache Software Foundation (ASF) under one
# or more contributor license agreements.  See the NOTICE file
# distributed with this work for additional information
# regarding copyright ownership.  The ASF licenses this file
# to you under the Apache License, Version 2.0 (the
# "License"); you may not use this file except in compliance
# with the License.  You may obtain a copy of the License at
#
#   http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing,
# software distributed under the License is distributed on an
# "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
# KIND, either express or implied.  See the License for the
# specific language governing permissions and limitations
# under the License.
"""


def unique_name(base, taken):
    name = base
    n = 2
    while name in taken:
        name = "%s_%d" % (base, n)
        n += 1
    taken.add(name)
    return name


class V:
    """A Python expression inside a string being built (f-string, .format, %)."""

    def __init__(self, expr):
        self.expr = expr


def indent(lines, n):
    pad = " " * n
    return [pad + line if line else line for line in lines]


# ---------------------------------------------------------------------------------------------
# One DAG file
# ---------------------------------------------------------------------------------------------

class DagContext:
    """The DAG that tasks are being added to."""

    def __init__(self, var, dag_id_expr, dag_id, mode):
        self.var = var              # Python variable holding the DAG
        self.dag_id_expr = dag_id_expr
        self.dag_id = dag_id        # literal id (for the manifest)
        self.mode = mode            # "with": tasks omit dag=; "arg": tasks pass dag=<var>
        self.task_ids = set()
        self.tasks = 0


class FileGen:
    def __init__(self, rng, index, team, stem, target, use_common, use_plugins):
        self.rng = rng
        self.index = index
        self.team = team
        self.stem = stem
        self.target = target
        self.use_common = use_common
        self.use_plugins = use_plugins
        self.q = '"' if rng.random() < 0.6 else "'"
        self.str_style_bias = rng.choice(["f", "format", "percent", "mixed", "mixed"])
        self.legacy_imports = rng.random() < 0.06
        self.imports = {}           # module -> set of names ("" module = plain `import x`)
        self.plain_imports = set()
        self.constants = []         # blocks of lines (module level, before callables)
        self.functions = []         # blocks of lines (callables, factories)
        self.function_names = set()
        self.constant_names = set()
        self.var_names = set()
        self.size = 0               # running estimate of the file size
        self.dags = {}              # dag_id -> task count (manifest)
        self.source = rng.choice(SOURCES)
        self.purpose = rng.choice(PURPOSES)
        self.owner = team.replace("_", "-")
        self.factories = {}         # in-file task factories defined: kind -> name
        # habits: a file's author sticks to a few of them
        self.dep_style = rng.choice(["shift"] * 13 + ["set"] * 4 + ["mixed"] * 3)
        self.contrib_user = rng.random() < 0.45
        self.factory_user = rng.random() < (0.45 if use_common else 0.18)
        self.branchy = rng.random() < 0.09
        self.subdag_user = rng.random() < 0.05
        self.sharded = rng.random() < 0.12
        self.dict_user = rng.random() < 0.35
        self.callables = []         # python callables defined in the file

    # -- small helpers ------------------------------------------------------------------------

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def sample(self, seq, k):
        return self.rng.sample(seq, k)

    def add_import(self, module, name):
        self.imports.setdefault(module, set()).add(name)

    def use_op(self, key):
        module, name = OPS[key]
        if self.legacy_imports and key in LEGACY_IMPORTABLE:
            module = "airflow.operators"
        self.add_import(module, name)
        return name

    def lit(self, text):
        q = self.q
        if q in text:
            other = "'" if q == '"' else '"'
            if other not in text:
                return other + text + other
            text = text.replace(q, "\\" + q)
        return q + text + q

    def style(self):
        if self.str_style_bias == "mixed":
            return self.pick(["f", "format", "percent", "format", "f"])
        if self.chance(0.8):
            return self.str_style_bias
        return self.pick(["f", "format", "percent"])

    def s(self, *parts, style=None):
        """A string expression from literal parts and V(expr) parts, in one of the styles."""
        exprs = [p.expr for p in parts if isinstance(p, V)]
        if not exprs:
            return self.lit("".join(parts))
        style = style or self.style()
        if style == "f":
            body = "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str)
                           else "{" + p.expr + "}" for p in parts)
            for q in (self.q, "'" if self.q == '"' else '"'):
                if q not in body:
                    return "f" + q + body + q
            style = "format"
        if style == "format":
            body = "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}"
                           for p in parts)
            return self.lit(body) + ".format(" + ", ".join(exprs) + ")"
        body = "".join(p.replace("%", "%%") if isinstance(p, str) else "%s" for p in parts)
        args = exprs[0] if len(exprs) == 1 else "(" + ", ".join(exprs) + ")"
        return self.lit(body) + " % " + args

    def unique(self, base, taken):
        return unique_name(base, taken)

    def var(self, base):
        # task variables and functions share the module namespace
        name = self.unique(base, self.var_names | self.function_names)
        self.var_names.add(name)
        return name

    def func(self, base):
        name = self.unique(base, self.function_names | self.var_names)
        self.function_names.add(name)
        return name

    def fresh_prefix(self, ctx, verbs, items):
        """Suffixes the verbs until no task id verb_item is taken in ctx; returns the verbs."""
        n = 1
        chosen = list(verbs)
        while any("%s_%s" % (v, i) in ctx.task_ids for v in chosen for i in items):
            n += 1
            chosen = ["%s%d" % (v, n) for v in verbs]
        return chosen

    def const(self, base):
        return self.unique(base, self.constant_names)

    def task_id(self, ctx, base):
        tid = self.unique(base, ctx.task_ids)
        return tid

    def add_const(self, lines):
        self.constants.append(lines)
        self.size += sum(len(x) + 1 for x in lines) + 2

    def add_function(self, lines):
        self.functions.append(lines)
        self.size += sum(len(x) + 1 for x in lines) + 3

    def comment(self):
        who = self.pick(PEOPLE)
        return self.pick([
            "# TODO(%s): move this to the shared library once the API settles" % who,
            "# NOTE: keep in sync with the %s dashboard definitions" % self.source,
            "# see the %s runbook (wiki) before changing retries" % self.owner,
            "# %s: upstream lands around 02:00 UTC, sometimes later on Mondays" % who,
            "# FIXME: flaky when the warehouse is under maintenance",
            "# noqa: E501 -- long command lines are easier to copy into a shell",
            "# the partner renamed this export twice; the old name is kept in the path",
            "# idempotent: safe to clear and rerun for any ds",
            "# ask #%s-oncall before turning catchup on" % self.owner,
            "# TODO: parametrise the bucket per environment",
        ])

    # -- operator calls -----------------------------------------------------------------------

    def op_call(self, ctx, var, key, tid_expr, kwargs, dag_override=None):
        """Lines for `var = Op(task_id=..., **kwargs, [dag=...])` (var may be None)."""
        cls = self.use_op(key)
        head = (var + " = " if var else "") + cls + "("
        lines = [head]
        lines.append("    task_id=%s," % tid_expr)
        for k, v in kwargs:
            if isinstance(v, list):          # multi-line value
                lines.append("    %s=%s" % (k, v[0]))
                lines.extend("    " + x for x in v[1:-1])
                lines.append("    " + v[-1] + ",")
            else:
                lines.append("    %s=%s," % (k, v))
        dag_ref = dag_override or (ctx.var if ctx.mode == "arg" else None)
        if dag_ref:
            lines.append("    dag=%s," % dag_ref)
        lines.append(")")
        return lines

    def jinja(self):
        q2 = "'" if self.q == '"' else '"'
        return self.pick(["{{ ds }}", "{{ ds }}", "{{ ds_nodash }}", "{{ ds }}",
                          "{{ macros.ds_add(ds, -1) }}", "{{ next_ds }}", "{{ prev_ds }}",
                          "{{ execution_date.strftime(%s%%Y-%%m-%%d%s) }}" % (q2, q2),
                          "{{ ts_nodash }}", "{{ var.value.environment }}",
                          "{{ execution_date.hour }}"])

    def op_kwargs(self, ctx, key, name):
        """Keyword arguments for an operator of kind `key` about `name` (a literal or V)."""
        src = name if isinstance(name, V) else name
        j = self.jinja
        if key == "bash":
            r = self.rng.random()
            if r < 0.55:
                cmd = self.s(self.pick(["python /opt/jobs/%s/run.py --table " % self.team,
                                        "bash /opt/scripts/%s.sh " % self.purpose,
                                        "/usr/local/bin/etl-runner %s --entity " % self.purpose,
                                        "spark-submit --master yarn /opt/jobs/%s.py --name " % self.source]),
                             src, " --date %s" % j())
                return [("bash_command", cmd)]
            if r < 0.75:
                script = [
                    '"""',
                    "set -euo pipefail",
                    "export RUN_DATE=%s" % j(),
                    "echo \"starting %s for $RUN_DATE\"" % self.purpose,
                    "aws s3 sync s3://acme-%s-raw/%s/dt=%s/ /tmp/%s/%s/" % (self.owner, self.source, j(), self.source, "{{ ds_nodash }}"),
                ]
                if self.chance(0.35):
                    script += [
                        "{% if params.full_refresh %}",
                        "  /opt/jobs/%s --full-refresh" % self.purpose,
                        "{% else %}",
                        "  /opt/jobs/%s --since {{ prev_ds }}" % self.purpose,
                        "{% endif %}",
                        '"""',
                    ]
                    return [("bash_command", script),
                            ("params", "{'full_refresh': %s}" % self.pick(["False", "True"]))]
                script += ["/opt/jobs/%s --since {{ prev_ds }} --until {{ ds }}" % self.purpose, '"""']
                return [("bash_command", script)]
            if r < 0.9:
                return [("bash_command", self.lit("scripts/%s_%s.sh " % (self.purpose, self.source))),
                        ("env", "{'ENV': 'prod', 'TEAM': '%s'}" % self.owner)]
            return [("bash_command", self.s("echo ", src, " %s" % j()))]
        if key == "python":
            fn = self.callable_function()
            kw = [("python_callable", fn), ("provide_context", "True")]
            if self.chance(0.6):
                kw.insert(1, ("op_kwargs", "{'entity': %s}" % (src.expr if isinstance(src, V) else self.lit(src))))
            return kw
        if key in ("postgres", "mysql", "check", "snowflake"):
            sql = self.sql_ref()
            conn = {"postgres": "postgres_conn_id", "mysql": "mysql_conn_id", "check": "conn_id",
                    "snowflake": "snowflake_conn_id"}[key]
            kw = [("sql", sql), (conn, self.lit(self.pick(["warehouse", "analytics_db", "reporting_pg", "%s_db" % self.team])))]
            if sql != "None" and self.chance(0.7):
                kw.append(("params", "{'table': %s, 'schema': '%s'}" % (
                    src.expr if isinstance(src, V) else self.lit(src), self.pick(SCHEMAS))))
            return kw
        if key == "hive":
            return [("hql", self.s("INSERT OVERWRITE TABLE %s." % self.pick(SCHEMAS), src,
                                   " PARTITION (ds='%s') SELECT * FROM raw." % j(), src,
                                   " WHERE ds='%s'" % "{{ ds }}")),
                    ("hive_cli_conn_id", self.lit("hive_cli_default"))]
        if key == "http":
            return [("http_conn_id", self.lit("%s_api" % self.source)),
                    ("endpoint", self.s("api/v2/", src, "/refresh")),
                    ("method", self.lit("POST")),
                    ("data", "json.dumps({'date': '{{ ds }}'})"),
                    ("headers", "{'Content-Type': 'application/json'}")]
        if key == "email":
            return [("to", "%s" % self.pick(["['%s-alerts@example.com']" % self.owner, "ALERT_EMAILS" if self.has_alerts() else "'%s@example.com'" % self.owner])),
                    ("subject", self.s("[%s] " % self.owner, src, " finished for %s" % j())),
                    ("html_content", self.lit("<p>The run for {{ ds }} finished. See the dashboard.</p>"))]
        if key == "bigquery":
            return [("sql", self.sql_ref()),
                    ("destination_dataset_table", self.s("acme-analytics.%s." % self.pick(SCHEMAS), src, "${{ ds_nodash }}")),
                    ("write_disposition", self.lit("WRITE_TRUNCATE")),
                    ("use_legacy_sql", "False"),
                    ("bigquery_conn_id", self.lit("bigquery_default"))]
        if key == "gcs_bq":
            return [("bucket", self.lit("acme-%s-landing" % self.owner)),
                    ("source_objects", "[%s]" % self.s("exports/", src, "/{{ ds_nodash }}/*.json")),
                    ("destination_project_dataset_table", self.s("acme-analytics.raw.", src)),
                    ("source_format", self.lit("NEWLINE_DELIMITED_JSON")),
                    ("write_disposition", self.lit("WRITE_APPEND")),
                    ("autodetect", "True")]
        if key == "ssh":
            return [("ssh_conn_id", self.lit("legacy_etl_host")),
                    ("command", self.s("/home/etl/bin/run_", src, ".sh {{ ds }}"))]
        if key == "k8s":
            return [("namespace", self.lit("airflow-jobs")),
                    ("image", self.lit("registry.example.com/%s/%s:1.%d.%d" % (self.owner, self.purpose, self.rng.randint(0, 9), self.rng.randint(0, 30)))),
                    ("cmds", "['python', '-m', 'jobs.%s']" % self.purpose),
                    ("arguments", "['--date', '{{ ds }}', '--entity', %s]" % (src.expr if isinstance(src, V) else self.lit(src))),
                    ("name", self.s(self.purpose.replace("_", "-") + "-", src)),
                    ("get_logs", "True"),
                    ("is_delete_operator_pod", "True"),
                    ("resources", "{'request_memory': '%dMi', 'request_cpu': '%dm'}" % (self.pick([512, 1024, 2048]), self.pick([250, 500, 1000])))]
        if key == "emr_steps":
            return [("job_flow_id", self.lit("{{ var.value.emr_cluster_id }}")),
                    ("aws_conn_id", self.lit("aws_default")),
                    ("steps", "[{'Name': %s, 'ActionOnFailure': 'CONTINUE', 'HadoopJarStep': {'Jar': 'command-runner.jar', 'Args': ['spark-submit', 's3://acme-jobs/%s.py', '{{ ds }}']}}]" % (
                        src.expr if isinstance(src, V) else self.lit(src), self.purpose))]
        if key == "dataproc":
            return [("main", self.lit("gs://acme-jobs/%s/%s.py" % (self.team, self.purpose))),
                    ("cluster_name", self.lit("etl-%s" % self.pick(REGIONS))),
                    ("region", self.lit("europe-west1")),
                    ("arguments", "['--date', '{{ ds }}', '--entity', %s]" % (src.expr if isinstance(src, V) else self.lit(src)))]
        if key == "spark":
            return [("application", self.lit("/opt/jobs/%s.py" % self.purpose)),
                    ("conn_id", self.lit("spark_default")),
                    ("conf", "{'spark.executor.memory': '4g', 'spark.sql.shuffle.partitions': '200'}"),
                    ("application_args", "['--date', '{{ ds }}', '--entity', %s]" % (src.expr if isinstance(src, V) else self.lit(src)))]
        if key == "slack":
            return [("http_conn_id", self.lit("slack_webhook")),
                    ("message", self.s(":white_check_mark: ", src, " done for {{ ds }}")),
                    ("channel", self.lit("#%s-alerts" % self.owner))]
        if key == "sftp":
            return [("ssh_conn_id", self.lit("partner_sftp")),
                    ("local_filepath", self.s("/tmp/", src, "_{{ ds_nodash }}.csv")),
                    ("remote_filepath", self.s("/outbound/", src, "/{{ ds_nodash }}.csv")),
                    ("operation", self.lit("put"))]
        if key == "ecs":
            return [("task_definition", self.lit("%s-%s" % (self.owner, self.purpose))),
                    ("cluster", self.lit("batch-%s" % self.pick(REGIONS))),
                    ("overrides", "{'containerOverrides': [{'name': 'job', 'command': ['run', '--date', '{{ ds }}']}]}"),
                    ("aws_conn_id", self.lit("aws_default")),
                    ("launch_type", self.lit("FARGATE"))]
        if key == "athena":
            return [("query", self.s("MSCK REPAIR TABLE %s." % self.pick(SCHEMAS), src)),
                    ("database", self.lit(self.pick(SCHEMAS))),
                    ("output_location", self.lit("s3://acme-athena-results/%s/" % self.team))]
        if key == "databricks":
            return [("json", "{'new_cluster': {'spark_version': '6.4.x-scala2.11', 'num_workers': %d}, 'notebook_task': {'notebook_path': '/Jobs/%s'}}" % (self.rng.randint(2, 16), self.purpose))]
        if key == "s3_redshift":
            return [("schema", self.lit(self.pick(SCHEMAS))),
                    ("table", src.expr if isinstance(src, V) else self.lit(src)),
                    ("s3_bucket", self.lit("acme-%s-exports" % self.owner)),
                    ("s3_key", self.lit("redshift/%s" % self.source)),
                    ("copy_options", "['CSV', 'IGNOREHEADER 1', 'GZIP']")]
        if key == "ext_sensor":
            return [("external_dag_id", self.lit("%s_%s_%s" % (self.pick(TEAMS), self.pick(SOURCES), self.pick(PURPOSES)))),
                    ("external_task_id", self.lit(self.pick(["done", "end", "publish", "load_complete"]))),
                    ("execution_delta", "timedelta(hours=%d)" % self.rng.randint(1, 6)),
                    ("timeout", "60 * 60 * %d" % self.rng.randint(1, 6)),
                    ("mode", self.lit("reschedule")),
                    ("poke_interval", str(self.pick([60, 120, 300])))]
        if key == "s3_sensor":
            return [("bucket_key", self.s("s3://acme-%s-landing/" % self.owner, src, "/dt={{ ds }}/_SUCCESS")),
                    ("wildcard_match", self.pick(["False", "True"])),
                    ("aws_conn_id", self.lit("aws_default")),
                    ("timeout", "%d * 60" % self.pick([30, 60, 120, 180])),
                    ("poke_interval", "300")]
        if key == "http_sensor":
            return [("http_conn_id", self.lit("%s_api" % self.source)),
                    ("endpoint", self.s("status/", src)),
                    ("response_check", "lambda response: 'ready' in response.text"),
                    ("poke_interval", "60")]
        if key == "sql_sensor":
            return [("conn_id", self.lit("warehouse")),
                    ("sql", self.s("SELECT COUNT(*) FROM %s." % self.pick(SCHEMAS), src, " WHERE ds = '{{ ds }}'"))]
        if key == "delta_sensor":
            return [("delta", "timedelta(minutes=%d)" % self.pick([15, 30, 45, 90]))]
        if key == "hive_sensor":
            return [("table", self.s("raw.", src)), ("partition", self.lit("ds='{{ ds }}'"))]
        if key == "file_sensor":
            return [("filepath", self.s("/data/inbound/", src, "/{{ ds_nodash }}.done")),
                    ("fs_conn_id", self.lit("fs_default"))]
        if key == "gcs_sensor":
            return [("bucket", self.lit("acme-%s-landing" % self.owner)),
                    ("object", self.s("exports/", src, "/{{ ds_nodash }}/_SUCCESS"))]
        if key == "emr_sensor":
            return [("job_flow_id", self.lit("{{ var.value.emr_cluster_id }}")),
                    ("step_id", self.lit("{{ task_instance.xcom_pull(key='return_value')[0] }}")),
                    ("aws_conn_id", self.lit("aws_default"))]
        if key == "pl_snowflake_load":
            return [("s3_key", self.s("", src, "/{{ ds_nodash }}/")),
                    ("table", self.s("RAW.", src)),
                    ("file_format", self.lit(self.pick(["csv_gz", "json", "parquet"])))]
        if key == "pl_snowflake_query":
            return [("sql", self.sql_ref())]
        if key == "pl_rowcount":
            return [("table", self.s("%s." % self.pick(SCHEMAS), src)), ("min_rows", str(self.pick([1, 10, 1000])))]
        if key == "pl_freshness":
            return [("table", self.s("%s." % self.pick(SCHEMAS), src)), ("max_age", "timedelta(hours=%d)" % self.pick([6, 12, 24, 36]))]
        if key == "pl_partner_sensor":
            return [("partner", src.expr if isinstance(src, V) else self.lit(src)), ("poke_interval", "600")]
        if key == "cm_s3copy":
            return [("source_prefix", self.s("raw/", src, "/")), ("target_prefix", self.s("curated/", src, "/"))]
        if key == "cm_notify":
            return [("channel", self.lit("#%s" % self.owner)), ("message", self.s("", src, " ready for {{ ds }}"))]
        if key == "dummy":
            return []
        raise KeyError(key)

    def has_alerts(self):
        return "ALERT_EMAILS" in self.constant_names

    def work_key(self):
        """The operator kind of a 'work' task, in realistic proportions."""
        r = self.rng.random()
        if r < 0.36:
            return "bash"
        if r < 0.55:
            return "python"
        if r < 0.63:
            return self.pick(["postgres", "postgres", "mysql", "hive", "check"])
        if r < 0.68:
            return self.pick(["http", "email", "s3_redshift"])
        if self.use_plugins and r < 0.78:
            return self.pick(["pl_snowflake_load", "pl_snowflake_query", "pl_rowcount", "pl_freshness"])
        if self.use_common and r < 0.78:
            return self.pick(["cm_s3copy", "cm_s3copy", "cm_notify"])
        if not self.contrib_user:
            return self.pick(["bash", "bash", "python", "postgres", "email"])
        return self.pick(["bigquery", "gcs_bq", "ssh", "k8s", "emr_steps", "dataproc", "spark",
                          "slack", "sftp", "ecs", "athena", "snowflake", "databricks", "k8s",
                          "bigquery", "ssh"])

    def sensor_key(self):
        keys = ["ext_sensor", "ext_sensor", "s3_sensor", "s3_sensor", "http_sensor", "sql_sensor",
                "delta_sensor", "hive_sensor"]
        if self.contrib_user:
            keys += ["file_sensor", "gcs_sensor"]
        if self.use_plugins:
            keys.append("pl_partner_sensor")
        return self.pick(keys)

    # -- module-level pieces ------------------------------------------------------------------

    def callable_function(self):
        """Defines a python callable (once in a while reuses one) and returns its name."""
        if self.callables and self.chance(0.45):
            return self.pick(self.callables)
        kind = self.pick(["rowcount", "xcom", "api", "cleanup", "publish", "compute"])
        name = self.func(self.pick({"rowcount": ["_check_row_counts", "check_counts"],
                                      "xcom": ["_collect_partitions", "push_manifest"],
                                      "api": ["_refresh_api_cache", "call_partner_api"],
                                      "cleanup": ["_cleanup_tmp", "purge_old_files"],
                                      "publish": ["_publish_metrics", "publish_report"],
                                      "compute": ["_compute_features", "run_aggregation"]}[kind]))
        self.callables.append(name)
        q = self.q
        if kind == "rowcount":
            lines = [
                "def %s(entity=None, min_rows=1, **context):" % name,
                '    """Fail the run when the partition for ds has fewer than min_rows rows."""',
                "    from airflow.hooks.postgres_hook import PostgresHook",
                "",
                "    hook = PostgresHook(postgres_conn_id=%swarehouse%s)" % (q, q),
                "    ds = context[%sds%s]" % (q, q),
                "    table = entity or %s%s%s" % (q, self.source, q),
                "    count = hook.get_first(",
                "        %sSELECT COUNT(*) FROM %s.{} WHERE ds = %%s%s.format(table), parameters=(ds,)" % (q, self.pick(SCHEMAS), q),
                "    )[0]",
                "    logging.info(%s%%s has %%d rows for %%s%s, table, count, ds)" % (q, q),
                "    if count < min_rows:",
                "        raise ValueError(%sRow count check failed for {}: {} < {}%s.format(table, count, min_rows))" % (q, q),
                "    return count",
            ]
        elif kind == "xcom":
            lines = [
                "def %s(entity=None, **context):" % name,
                '    """List the partitions written for this run and share them through XCom."""',
                "    ti = context[%sti%s]" % (q, q),
                "    prefix = %sdt={}/%s.format(context[%sds%s])" % (q, q, q, q),
                "    partitions = [",
                "        %s{}/{}/part-{:05d}%s.format(entity or %s%s%s, prefix, i)" % (q, q, q, self.source, q),
                "        for i in range(%d)" % self.rng.randint(4, 64),
                "    ]",
                "    ti.xcom_push(key=%spartitions%s, value=partitions)" % (q, q),
                "    logging.info(%spushed %%d partitions%s, len(partitions))" % (q, q),
                "    return len(partitions)",
            ]
        elif kind == "api":
            lines = [
                "def %s(entity=None, **context):" % name,
                '    """Ask the partner API to rebuild its cache for the run date.',
                "",
                "    The API is idempotent, retries are safe.",
                '    """',
                "    import requests",
                "",
                "    token = Variable.get(%s%s_api_token%s)" % (q, self.source, q),
                "    response = requests.post(",
                "        %shttps://api.example.com/v1/{}/refresh%s.format(entity or %s%s%s)," % (q, q, q, self.source, q),
                "        json={%sdate%s: context[%sds%s]}," % (q, q, q, q),
                "        headers={%sAuthorization%s: %sBearer %%s%s %% token}," % (q, q, q, q),
                "        timeout=%d," % self.pick([30, 60, 120]),
                "    )",
                "    response.raise_for_status()",
                "    return response.json().get(%sjob_id%s)" % (q, q),
            ]
            self.add_import("airflow.models", "Variable")
        elif kind == "cleanup":
            lines = [
                "def %s(entity=None, keep_days=%d, **context):" % (name, self.pick([3, 7, 14, 30])),
                '    """Delete scratch files older than keep_days."""',
                "    import shutil",
                "",
                "    root = os.path.join(%s/tmp%s, entity or %s%s%s)" % (q, q, q, self.source, q),
                "    if not os.path.isdir(root):",
                "        return 0",
                "    removed = 0",
                "    for name in sorted(os.listdir(root)):",
                "        path = os.path.join(root, name)",
                "        # names are dates: YYYY-MM-DD",
                "        if name < context[%smacros%s].ds_add(context[%sds%s], -keep_days):" % (q, q, q, q),
                "            shutil.rmtree(path, ignore_errors=True)",
                "            removed += 1",
                "    logging.info(%sremoved %%d old folders from %%s%s, removed, root)" % (q, q),
                "    return removed",
            ]
            self.plain_imports.add("os")
        elif kind == "publish":
            lines = [
                "def %s(entity=None, **context):" % name,
                '    """Push run metrics to statsd so the team dashboard shows freshness."""',
                "    from statsd import StatsClient",
                "",
                "    client = StatsClient(%sstatsd.internal%s, 8125, prefix=%sairflow.%s%s)" % (q, q, q, self.owner, q),
                "    client.gauge(%s{}.last_success%s.format(entity or %s%s%s), 1)" % (q, q, q, self.source, q),
                "    client.incr(%sruns%s)" % (q, q),
            ]
        else:
            lines = [
                "def %s(entity=None, window=%d, **context):" % (name, self.pick([7, 14, 28, 90])),
                '    """Aggregate the last `window` days for one entity."""',
                "    ds = context[%sds%s]" % (q, q),
                "    params = {",
                "        %sentity%s: entity or %s%s%s," % (q, q, q, self.source, q),
                "        %sstart%s: context[%smacros%s].ds_add(ds, -window)," % (q, q, q, q),
                "        %send%s: ds," % (q, q),
                "    }",
                "    logging.info(%saggregating %%(entity)s from %%(start)s to %%(end)s%s, params)" % (q, q),
                "    rows = []",
                "    for offset in range(window):",
                "        day = context[%smacros%s].ds_add(ds, -offset)" % (q, q),
                "        rows.append((day, hash((params[%sentity%s], day)) %% 1000))" % (q, q),
                "    return sum(value for _, value in rows)",
            ]
        self.plain_imports.add("logging")
        self.add_function(lines)
        return name

    def sql_ref(self):
        """A module-level SQL constant (realistic: long, with Jinja) and its name."""
        name = self.const(self.pick(["SQL", "QUERY", "LOAD_SQL", "MERGE_SQL", "REPORT_SQL", "DAILY_SQL"]))
        cols = self.sample(COLUMNS, self.rng.randint(4, 12))
        schema = self.pick(SCHEMAS)
        lines = ['%s = """' % name, "-- %s: %s for {{ ds }}" % (name.lower(), self.purpose)]
        lines.append("WITH base AS (")
        lines.append("    SELECT")
        lines.extend("        %s%s" % (c, "," if i < len(cols) - 1 else "") for i, c in enumerate(cols))
        lines.append("    FROM %s.{{ params.table | default('%s') }}" % (schema, self.source))
        lines.append("    WHERE ds = '{{ ds }}'")
        if self.chance(0.5):
            lines.append("      AND updated_at >= '{{ macros.ds_add(ds, -%d) }}'" % self.rng.randint(1, 7))
        lines.append(")")
        extra = self.rng.randint(0, 3) if self.target < 10000 else self.rng.randint(2, 7)
        for k in range(extra):
            c = self.pick(cols)
            lines.extend([
                ", step_%d AS (" % k,
                "    SELECT %s, COUNT(*) AS n_%d, SUM(CASE WHEN %s IS NULL THEN 1 ELSE 0 END) AS nulls_%d" % (c, k, self.pick(cols), k),
                "    FROM %s" % ("base" if k == 0 else "step_%d" % (k - 1)),
                "    GROUP BY %s" % c,
                ")",
            ])
        lines.append("SELECT *")
        lines.append("FROM %s" % ("base" if extra == 0 else "step_%d" % (extra - 1)))
        if self.chance(0.12):
            lines.append("{% if params.get('limit') %}LIMIT {{ params.limit }}{% endif %}")
        lines.append('"""')
        self.add_const(lines)
        return name

    def literal_list(self, base, pool, lo, hi):
        name = self.const(base)
        items = self.sample(pool, min(len(pool), self.rng.randint(lo, hi)))
        q = self.q
        one_line = "%s = [%s]" % (name, ", ".join(q + x + q for x in items))
        if len(one_line) <= 99:
            self.add_const([one_line])
        else:
            self.add_const([name + " = ["] + ["    %s%s%s," % (q, x, q) for x in items] + ["]"])
        return name, items

    def literal_dict(self, base, lo, hi):
        name = self.const(base)
        keys = self.sample(SOURCES, min(len(SOURCES), self.rng.randint(lo, hi)))
        q = self.q
        lines = [name + " = {"]
        flags = {}
        for k in keys:
            inc = self.chance(0.6)
            flags[k] = inc
            lines.append("    %s%s%s: {" % (q, k, q))
            lines.append("        %sschema%s: %s%s%s," % (q, q, q, self.pick(SCHEMAS), q))
            lines.append("        %sconn_id%s: %s%s_%s%s," % (q, q, q, self.pick(["pg", "mysql", "mssql", "api"]), k, q))
            lines.append("        %sincremental%s: %s," % (q, q, "True" if inc else "False"))
            if self.chance(0.5):
                lines.append("        %skey_columns%s: [%s]," % (q, q, ", ".join(q + c + q for c in self.sample(COLUMNS, 2))))
            lines.append("    },")
        lines.append("}")
        self.add_const(lines)
        return name, keys, flags

    # -- stages: each adds tasks to ctx and returns (lines, head, head_is_list, tail, tail_is_list, wired)

    def stage_single(self, ctx, prev, sensor=False):
        key = self.sensor_key() if sensor else self.work_key()
        verb = "wait_for" if sensor else self.pick(VERBS)
        ent = self.pick(SOURCES)
        tid = self.task_id(ctx, "%s_%s" % (verb, ent))
        var = self.var(tid if len(tid) < 28 else verb)
        lines = []
        if self.chance(0.15):
            lines.append(self.comment())
        lines += self.op_call(ctx, var, key, self.lit(tid), self.op_kwargs(ctx, key, ent))
        ctx.tasks += 1
        return lines, var, False, var, False, False

    def stage_sequence(self, ctx, prev):
        ent = self.pick(SOURCES)
        n = self.rng.randint(2, 4)
        verbs = self.sample(["extract", "transform", "load", "validate", "publish", "stage"], n)
        lines, vars_ = [], []
        if self.chance(0.3):
            lines.append("# %s: %s" % (ent, " -> ".join(verbs)))
        for v in verbs:
            tid = self.task_id(ctx, "%s_%s" % (v, ent))
            var = self.var(tid)
            key = self.work_key()
            lines += self.op_call(ctx, var, key, self.lit(tid), self.op_kwargs(ctx, key, ent))
            lines.append("")
            ctx.tasks += 1
            vars_.append(var)
        lines += self.dep_lines(vars_)
        return lines, vars_[0], False, vars_[-1], False, False

    def dep_kind(self):
        """How this file writes one dependency: '>>', '<<', 'down' (set_downstream), 'up'."""
        r = self.rng.random()
        if self.dep_style == "shift":
            return ">>" if r < 0.97 else "up"
        if self.dep_style == "set":
            return "up" if r < 0.5 else "down" if r < 0.9 else ">>"
        return ">>" if r < 0.5 else "<<" if r < 0.65 else "up" if r < 0.85 else "down"

    def dep_lines(self, vars_):
        k = self.dep_kind()
        if k == ">>":
            return [" >> ".join(vars_)]
        if k == "down":
            return ["%s.set_downstream(%s)" % (a, b) for a, b in zip(vars_, vars_[1:])]
        if k == "up":
            return ["%s.set_upstream(%s)" % (b, a) for a, b in zip(vars_, vars_[1:])]
        return [" << ".join(reversed(vars_))]

    def stage_parallel(self, ctx, prev):
        n = self.rng.randint(2, 5)
        ents = self.sample(SOURCES, n)
        verb = self.pick(VERBS)
        lines, vars_ = [], []
        for ent in ents:
            tid = self.task_id(ctx, "%s_%s" % (verb, ent))
            var = self.var(tid)
            key = self.work_key()
            lines += self.op_call(ctx, var, key, self.lit(tid), self.op_kwargs(ctx, key, ent))
            lines.append("")
            ctx.tasks += 1
            vars_.append(var)
        lst = "[" + ", ".join(vars_) + "]"
        return lines, lst, True, lst, True, False

    def loop_prev_dep(self, prev, prev_is_list, var, done):
        """The dependency line inside a loop: prev >> var >> done."""
        if prev and not prev_is_list:
            k = self.dep_kind()
            if k == ">>":
                return ["%s >> %s >> %s" % (prev, var, done)]
            if k in ("up", "down"):
                return ["%s.set_upstream(%s)" % (var, prev), "%s.set_downstream(%s)" % (var, done)]
            return ["%s.set_downstream(%s)" % (prev, var), "%s << %s" % (done, var)]
        if prev:
            return ["%s >> %s >> %s" % (prev, var, done)]
        return ["%s >> %s" % (var, done)]

    def stage_list_loop(self, ctx, prev, prev_is_list):
        big = self.target > 12000
        pool = self.pick([SOURCES, REGIONS])
        base = "TABLES" if pool is SOURCES else "REGIONS"
        lo, hi = (3, 8) if not big else (6, 24)
        name, items = self.literal_list(base, pool, lo, min(hi, len(pool)))
        loop_var = "table" if pool is SOURCES else "region"
        verb, = self.fresh_prefix(ctx, [self.pick(VERBS)], items)
        ids = ["%s_%s" % (verb, x) for x in items]
        ctx.task_ids.update(ids)
        ctx.tasks += len(items)
        done_tid = self.task_id(ctx, "%s_%s_done" % (verb, base.lower()))
        done = self.var(done_tid)
        ctx.tasks += 1
        lines = self.op_call(ctx, done, "dummy", self.lit(done_tid), [])
        lines.append("")
        if self.chance(0.3):
            lines.append("# one task per %s; %s waits for all of them" % (loop_var, done))
        lines.append("for %s in %s:" % (loop_var, name))
        key = self.work_key()
        var = self.pick(["task", "t", verb, "op"])
        body = self.op_call(ctx, var, key, self.s(verb + "_", V(loop_var)), self.op_kwargs(ctx, key, V(loop_var)))
        body += self.loop_prev_dep(prev, prev_is_list, var, done)
        lines += indent(body, 4)
        return lines, None, False, done, False, True

    def stage_dict_loop(self, ctx, prev, prev_is_list):
        big = self.target > 12000
        lo, hi = (2, 6) if not big else (5, 16)
        name, keys, flags = self.literal_dict(self.pick(["SOURCES", "SYSTEMS", "FEEDS"]), lo, hi)
        q = self.q
        verb1, verb2 = self.pick([("extract", "load"), ("export", "upload"), ("stage", "merge"), ("copy", "check")])
        verb1, verb2, verb3 = self.fresh_prefix(ctx, [verb1, verb2, "dedupe"], keys)
        done_tid = self.task_id(ctx, "%s_done" % name.lower())
        done = self.var(done_tid)
        lines = self.op_call(ctx, done, "dummy", self.lit(done_tid), [])
        lines.append("")
        ctx.tasks += 1
        lines.append("for name, cfg in %s.items():" % name)
        key1 = self.pick(["bash", "postgres", "python", "k8s", "bash"])
        key2 = self.work_key()
        body = self.op_call(ctx, "first", key1, self.s(verb1 + "_", V("name")), self.op_kwargs(ctx, key1, V("name")))
        body += self.op_call(ctx, "second", key2, self.s(verb2 + "_", V("name")), self.op_kwargs(ctx, key2, V("name")))
        for k in keys:
            ctx.task_ids.update(["%s_%s" % (verb1, k), "%s_%s" % (verb2, k)])
        ctx.tasks += 2 * len(keys)
        if self.chance(0.5):
            # conditional third task for incremental sources
            body.append("if cfg[%sincremental%s]:" % (q, q))
            inner = self.op_call(ctx, "dedupe", "bash", self.s(verb3 + "_", V("name")),
                                 [("bash_command", self.s("dedupe --schema ", V("cfg['schema']" if q == '"' else 'cfg["schema"]'), " --table ", V("name"), " --date {{ ds }}"))])
            inner.append("second >> dedupe >> %s" % done)
            body += indent(inner, 4)
            body.append("else:")
            body.append("    second >> %s" % done)
            n_inc = sum(1 for k in keys if flags[k])
            ctx.tasks += n_inc
            ctx.task_ids.update("%s_%s" % (verb3, k) for k in keys if flags[k])
        else:
            body.append("second >> %s" % done)
        if prev:
            body.append("%s >> first >> second" % prev if self.dep_kind() in (">>", "<<") or prev_is_list else "first.set_upstream(%s)" % prev)
            if body[-1].startswith("first.set_upstream"):
                body.append("first >> second")
        else:
            body.append("first >> second")
        lines += indent(body, 4)
        return lines, None, False, done, False, True

    def stage_list_collect(self, ctx, prev, prev_is_list):
        """checks = []; for x in LIST: checks.append(Op(...)); returns the list."""
        name, items = self.literal_list("CHECKED_TABLES", SOURCES, 2, 6 if self.target < 12000 else 14)
        verb = self.pick(["check", "validate", "audit", "profile"])
        verb, = self.fresh_prefix(ctx, [verb], items)
        ctx.task_ids.update("%s_%s" % (verb, x) for x in items)
        ctx.tasks += len(items)
        var = self.var(verb + "s")
        key = self.pick(["check", "python", "bash", "postgres"] + (["pl_rowcount"] if self.use_plugins else []))
        lines = ["%s = []" % var, "for entity in %s:" % name]
        call = self.op_call(ctx, None, key, self.s(verb + "_", V("entity")), self.op_kwargs(ctx, key, V("entity")))
        call[0] = "%s.append(%s" % (var, call[0])
        call[-1] = "))"
        lines += indent(call, 4)
        return lines, var, True, var, True, False

    def stage_range(self, ctx, prev, prev_is_list):
        """Sharded work: for shard in range(N), or a comprehension."""
        n = self.rng.randint(2, 8)
        verb = self.pick(["process_shard", "export_part", "score_batch"])
        verb, = self.fresh_prefix(ctx, [verb], range(n))
        ids = ["%s_%d" % (verb, i) for i in range(n)]
        ctx.task_ids.update(ids)
        ctx.tasks += n
        var = self.var("shards")
        key = self.pick(["bash", "k8s", "python"])
        if self.chance(0.5):
            lines = ["%s = [" % var]
            call = self.op_call(ctx, None, key, self.s(verb + "_", V("i"), style="percent") if self.chance(0.5) else self.s(verb + "_", V("i")), self.op_kwargs(ctx, key, V("str(i)")))
            lines += indent(call, 4)
            lines.append("    for i in range(%d)" % n)
            lines.append("]")
        else:
            lines = ["%s = []" % var, "for i in range(%s):" % n]
            call = self.op_call(ctx, "shard", key, self.s(verb + "_", V("i")), self.op_kwargs(ctx, key, V("str(i)")))
            lines += indent(call + ["%s.append(shard)" % var], 4)
        return lines, var, True, var, True, False

    def stage_branch(self, ctx, prev):
        q = self.q
        fn = self.func("_choose_branch")
        options = self.sample(["full_refresh", "incremental_load", "skip_load", "weekend_path", "month_end_close", "daily_path"], self.rng.randint(2, 3))
        ids = [self.task_id(ctx, o) for o in options]
        self.add_function([
            "def %s(**context):" % fn,
            '    """Pick the path for this run: %s."""' % ", ".join(ids),
            "    execution_date = context[%sexecution_date%s]" % (q, q),
            "    if execution_date.day == 1:",
            "        return %s%s%s" % (q, ids[0], q),
            "    if execution_date.weekday() >= 5:",
            "        return %s%s%s" % (q, ids[-1], q),
            "    return %s%s%s" % (q, ids[1 % len(ids)], q),
        ])
        btid = self.task_id(ctx, "choose_path")
        bvar = self.var("branch")
        lines = self.op_call(ctx, bvar, "branch", self.lit(btid), [("python_callable", fn), ("provide_context", "True")])
        opt_vars = []
        for tid in ids:
            v = self.var(tid)
            key = self.work_key() if "skip" not in tid else "dummy"
            lines += self.op_call(ctx, v, key, self.lit(tid), self.op_kwargs(ctx, key, self.source))
            opt_vars.append(v)
        jtid = self.task_id(ctx, "join_paths")
        jvar = self.var("join")
        if self.chance(0.5):
            self.add_import("airflow.utils.trigger_rule", "TriggerRule")
            tr = "TriggerRule.ONE_SUCCESS"
        else:
            tr = self.lit(self.pick(["one_success", "none_failed", "all_done"]))
        lines += self.op_call(ctx, jvar, "dummy", self.lit(jtid), [("trigger_rule", tr)])
        lines.append("%s >> [%s] >> %s" % (bvar, ", ".join(opt_vars), jvar))
        ctx.tasks += 2 + len(ids)
        return lines, bvar, False, jvar, False, False

    def stage_factory(self, ctx, prev, prev_is_list):
        """Tasks from an in-file task factory function, or from common.task_factory."""
        if self.use_common and self.chance(0.6):
            return self.stage_common_factory(ctx, prev, prev_is_list)
        with_ctx = ctx.mode == "with"
        fname = self.factories.get(("task", with_ctx))
        key = self.factories.get(("task_key", with_ctx))
        verb = self.factories.get(("verb", with_ctx))
        if fname is None:
            fname = self.func(self.pick(["make_export_task", "build_task", "create_load_task", "_task_for"]))
            key = self.pick(["bash", "bash", "k8s", "postgres", "spark", "ssh"])
            verb = self.pick(["export", "run", "sync", "build"])
            self.factories[("task", with_ctx)] = fname
            self.factories[("task_key", with_ctx)] = key
            self.factories[("verb", with_ctx)] = verb
            params = "entity, dag" if not with_ctx else "entity"
            if self.chance(0.4):
                params += ", retries=%d" % self.pick([1, 2, 3])
                extra = [("retries", "retries")]
            else:
                extra = []
            doc = self.pick(['    """Return the %s task for one entity."""' % verb,
                             '    """Build a %s for `entity`.\n\n    Task ids are %s_<entity>; keep them stable, the SLA report keys on them.\n    """' % (OPS[key][1], verb)])
            body = self.op_call(ctx, None, key, self.s(verb + "_", V("entity")), self.op_kwargs(ctx, key, V("entity")) + extra,
                                dag_override="dag" if not with_ctx else None)
            # op_call adds dag=<ctx.var> in "arg" mode; inside the factory it must be the parameter
            body = [b.replace("dag=%s," % ctx.var, "dag=dag,") for b in body]
            body[0] = "return " + body[0]
            self.add_function(["def %s(%s):" % (fname, params)] + doc.split("\n") + indent(body, 4))
        ents = [e for e in self.sample(SOURCES, self.rng.randint(2, 5)) if "%s_%s" % (verb, e) not in ctx.task_ids]
        if not ents:
            return self.stage_single(ctx, prev)
        lines, vars_ = [], []
        for e in ents:
            v = self.var("%s_%s" % (verb, e))
            ctx.task_ids.add("%s_%s" % (verb, e))
            ctx.tasks += 1
            args = self.lit(e) if with_ctx else "%s, %s" % (self.lit(e), ctx.var)
            lines.append("%s = %s(%s)" % (v, fname, args))
            vars_.append(v)
        if len(vars_) == 1:
            return lines, vars_[0], False, vars_[0], False, False
        if self.chance(0.5):
            lines += self.dep_lines(vars_)
            return lines, vars_[0], False, vars_[-1], False, False
        lst = "[" + ", ".join(vars_) + "]"
        return lines, lst, True, lst, True, False

    def stage_common_factory(self, ctx, prev, prev_is_list):
        r = self.rng.random()
        ent = self.pick(SOURCES)
        if r < 0.45:
            self.add_import("common.task_factory", "make_ingest_tasks")
            ids = ["extract_%s" % ent, "validate_%s" % ent, "load_%s" % ent]
            if any(i in ctx.task_ids for i in ids):
                return self.stage_single(ctx, prev)
            ctx.task_ids.update(ids)
            ctx.tasks += 3
            v = self.var("%s_tasks" % ent)
            return ["%s = make_ingest_tasks(%s, %s)" % (v, ctx.var, self.lit(ent))], v + "[0]", False, v + "[-1]", False, False
        if r < 0.8:
            self.add_import("common.task_factory", "make_bash_task")
            name = "%s_%s" % (self.pick(VERBS), ent)
            tid = "run_" + name
            if tid in ctx.task_ids:
                return self.stage_single(ctx, prev)
            ctx.task_ids.add(tid)
            ctx.tasks += 1
            v = self.var(name)
            cmd = self.s("/opt/jobs/%s.sh " % self.purpose, ent, " {{ ds }}") if self.chance(0.5) else self.lit("/opt/jobs/%s.sh %s {{ ds }}" % (self.purpose, ent))
            extra = ", retries=%d" % self.pick([0, 1, 3]) if self.chance(0.4) else ""
            return ["%s = make_bash_task(%s, %s, %s%s)" % (v, ctx.var, self.lit(name), cmd, extra)], v, False, v, False, False
        self.add_import("common.task_factory", "make_quality_check")
        tid = "dq_%s" % ent
        if tid in ctx.task_ids:
            return self.stage_single(ctx, prev)
        ctx.task_ids.add(tid)
        ctx.tasks += 1
        v = self.var(tid)
        return ["%s = make_quality_check(%s, %s)" % (v, ctx.var, self.lit(ent))], v, False, v, False, False

    def stage_subdag(self, ctx, prev, parent_id_var):
        """SubDagOperator whose sub-DAG comes from a factory (in the file or common.subdags)."""
        child = self.task_id(ctx, self.pick(["load_", "process_", "section_"]) + self.pick(REGIONS + SOURCES))
        ctx.tasks += 1
        v = self.var(child)
        if self.use_common and self.chance(0.5):
            self.add_import("common.subdags", "load_tables_subdag")
            self.add_import("common.constants", "WAREHOUSE_TABLES")
            sub = "load_tables_subdag(%s, %s, default_args, WAREHOUSE_TABLES)" % (parent_id_var, self.lit(child))
            self.dags["%s.%s" % (self.dag_ids_by_var[parent_id_var], child)] = len(COMMON_WAREHOUSE_TABLES) + 1
        else:
            fname = self.factories.get("subdag")
            if fname is None:
                fname = self.func("build_subdag")
                self.factories["subdag"] = fname
                items_name, items = self.literal_list("SUBDAG_STEPS", ["prepare", "extract", "transform", "load", "verify", "publish"], 2, 5)
                self.factories["subdag_n"] = len(items)
                q = self.q
                lines = [
                    "def %s(parent_dag_id, child_id, args):" % fname,
                    '    """Sub-DAG for one section; its id must be <parent>.<child> for SubDagOperator."""',
                    "    subdag = DAG(",
                    "        dag_id=%s," % self.s("", V("parent_dag_id"), ".", V("child_id")),
                    "        default_args=args,",
                    "        schedule_interval=%s," % self.pick(["'@daily'", "None"]).replace("'", q),
                    "    )",
                    "    previous = None",
                    "    for step in %s:" % items_name,
                    "        task = BashOperator(",
                    "            task_id=%s," % self.s("", V("step")),
                    "            bash_command=%s," % self.s("/opt/jobs/section.sh ", V("child_id"), " ", V("step"), " {{ ds }}"),
                    "            dag=subdag,",
                    "        )",
                    "        if previous is not None:",
                    "            previous >> task",
                    "        previous = task",
                    "    return subdag",
                ]
                self.use_op("bash")
                self.add_function(lines)
            sub = "%s(%s, %s, default_args)" % (fname, parent_id_var, self.lit(child))
            self.dags["%s.%s" % (self.dag_ids_by_var[parent_id_var], child)] = self.factories["subdag_n"]
        lines = self.op_call(ctx, v, "subdag", self.lit(child), [("subdag", sub)])
        return lines, v, False, v, False, False

    # -- DAG bodies ---------------------------------------------------------------------------

    def build_body(self, ctx, budget, allow_subdag, parent_id_var=None, min_stages=2):
        """Stages until the file reaches its size budget; returns the body lines (indent 0)."""
        lines = []
        inline = self.chance(0.6)          # wire after each stage, or collect one chain at the end
        chain = []                         # (expr, is_list) for the final chain
        prev, prev_is_list = None, False
        start_size = self.size
        stages = 0
        if self.chance(0.55):
            tid = self.task_id(ctx, self.pick(["start", "begin", "start_pipeline"]))
            v = self.var(tid)
            lines += self.op_call(ctx, v, "dummy", self.lit(tid), [])
            lines.append("")
            ctx.tasks += 1
            prev = v
            chain.append((v, False))
        if self.chance(0.35):
            out = self.stage_single(ctx, prev, sensor=True)
            lines += out[0] + [""]
            if prev:
                lines.append("%s >> %s" % (prev, out[1]))
                lines.append("")
            prev = out[3]
            chain = [(prev, False)]
        while stages < min_stages or self.size - start_size + sum(len(x) + 5 for x in lines) < budget:
            stages += 1
            weights = [
                ("single", 30), ("sequence", 16), ("parallel", 10), ("list_loop", 10),
                ("dict_loop", 7 if self.dict_user else 0), ("collect", 3),
                ("range", 8 if self.sharded else 0), ("branch", 10 if self.branchy else 0),
                ("factory", 20 if self.factory_user else 0),
                ("subdag", 12 if self.subdag_user and allow_subdag and parent_id_var else 0),
                ("sensor", 3),
            ]
            # the first stages of a file show its habits (small files have only a few)
            if stages == 1 and self.factory_user:
                kind = "factory"
            elif stages == 2 and self.subdag_user and allow_subdag and parent_id_var:
                kind = "subdag"
            elif stages == 2 and self.branchy:
                kind = "branch"
            else:
                kind = self.rng.choices([k for k, _ in weights], [w for _, w in weights])[0]
            if kind == "single":
                out = self.stage_single(ctx, prev)
            elif kind == "sequence":
                out = self.stage_sequence(ctx, prev)
            elif kind == "parallel":
                out = self.stage_parallel(ctx, prev)
            elif kind == "list_loop":
                out = self.stage_list_loop(ctx, prev, prev_is_list)
            elif kind == "dict_loop":
                out = self.stage_dict_loop(ctx, prev, prev_is_list)
            elif kind == "collect":
                out = self.stage_list_collect(ctx, prev, prev_is_list)
            elif kind == "range":
                out = self.stage_range(ctx, prev, prev_is_list)
            elif kind == "branch":
                out = self.stage_branch(ctx, prev)
            elif kind == "factory":
                out = self.stage_factory(ctx, prev, prev_is_list)
            elif kind == "subdag":
                out = self.stage_subdag(ctx, prev, parent_id_var)
            else:
                out = self.stage_single(ctx, prev, sensor=True)
            body, head, head_is_list, tail, tail_is_list, wired = out
            lines += body
            lines.append("")
            if not wired and prev is not None:
                if prev_is_list and head_is_list:
                    jt = self.task_id(ctx, "join_%d" % stages)
                    jv = self.var(jt)
                    lines += self.op_call(ctx, jv, "dummy", self.lit(jt), [])
                    ctx.tasks += 1
                    if inline:
                        lines.append("%s >> %s" % (prev, jv))
                    else:
                        chain.append((jv, False))
                    prev, prev_is_list = jv, False
                if inline:
                    lines += self.link(prev, prev_is_list, head, head_is_list)
                    lines.append("")
                else:
                    chain.append((head, head_is_list))
                    if tail != head:
                        chain.append(None)        # the stage wired itself internally
                        chain.append((tail, tail_is_list))
            elif not inline:
                chain.append(None)
                chain.append((tail, tail_is_list))
            prev, prev_is_list = tail, tail_is_list
        if self.chance(0.3):
            key = self.pick(["email", "slack", "cm_notify" if self.use_common else "slack", "trigger"])
            tid = self.task_id(ctx, "notify_done" if key != "trigger" else "trigger_downstream")
            v = self.var(tid)
            kw = self.op_kwargs(ctx, key, self.source) if key != "trigger" else [
                ("trigger_dag_id", self.lit("%s_%s_%s" % (self.pick(TEAMS), self.pick(SOURCES), self.pick(PURPOSES))))]
            lines += self.op_call(ctx, v, key, self.lit(tid), kw)
            ctx.tasks += 1
            if prev_is_list and not inline:
                chain.append((v, False))
            elif inline or prev is None:
                lines += self.link(prev, prev_is_list, v, False) if prev else []
            else:
                chain.append((v, False))
        if not inline:
            lines += self.emit_chain(chain)
        if self.chance(0.1):
            lines += ["", "# %s = DummyOperator(task_id='legacy_marker')  # removed in the 2019 cleanup" % self.var("old")]
        return lines

    def link(self, prev, prev_is_list, head, head_is_list):
        if prev is None:
            return []
        k = self.dep_kind()
        if k == "down" and not prev_is_list:
            return ["%s.set_downstream(%s)" % (prev, head)]
        if k == "up" and not head_is_list:
            return ["%s.set_upstream(%s)" % (head, prev)]
        if k == "<<" and not head_is_list and not prev_is_list:
            return ["%s << %s" % (head, prev)]
        return ["%s >> %s" % (prev, head)]

    def emit_chain(self, chain):
        out = []
        seg = []
        segments = []
        for item in chain + [None]:
            if item is None:
                if seg:
                    segments.append(seg)
                seg = []
            else:
                seg.append(item)
        for seg in segments:
            if len(seg) < 2:
                continue
            exprs = [e for e, _ in seg]
            line = " >> ".join(exprs)
            if len(line) <= 99:
                out.append(line)
            else:
                out.append("(")
                out.append("    " + exprs[0])
                out.extend("    >> " + e for e in exprs[1:])
                out.append(")")
        if out:
            out.insert(0, self.pick(["# dependencies", "# wiring", "# task order", "# ---- dependencies ----"]))
        return out

    # -- file structure -----------------------------------------------------------------------

    def default_args_lines(self):
        q = self.q
        r = self.rng.random()
        start = self.start_date()
        if self.use_common and r < 0.45:
            v = self.rng.random()
            if v < 0.5:
                self.add_import("common.default_args", "build_default_args")
                return ["default_args = build_default_args(owner=%s%s%s, retries=%d)" % (q, self.owner, q, self.pick([0, 1, 2, 3]))]
            self.add_import("common.default_args", "DEFAULT_ARGS")
            if v < 0.75:
                return ["default_args = dict(DEFAULT_ARGS, owner=%s%s%s)" % (q, self.owner, q)]
            return ["default_args = DEFAULT_ARGS.copy()",
                    "default_args.update({%sowner%s: %s%s%s, %sretries%s: %d})" % (q, q, q, self.owner, q, q, q, self.pick([1, 2]))]
        entries = [("owner", q + self.owner + q), ("depends_on_past", self.pick(["False", "False", "True"])),
                   ("start_date", start)]
        if self.chance(0.8):
            entries.append(("email", "[%s%s@example.com%s]" % (q, self.owner, q)))
            entries.append(("email_on_failure", self.pick(["True", "False"])))
            entries.append(("email_on_retry", "False"))
        entries.append(("retries", str(self.pick([0, 1, 1, 2, 3, 5]))))
        entries.append(("retry_delay", "timedelta(minutes=%d)" % self.pick([1, 5, 5, 10, 15, 30])))
        if self.chance(0.3):
            entries.append(("execution_timeout", "timedelta(hours=%d)" % self.pick([1, 2, 4, 6])))
        if self.chance(0.2):
            entries.append(("sla", "timedelta(hours=%d)" % self.pick([2, 4, 8])))
        if self.use_common and self.chance(0.5):
            self.add_import("common.callbacks", "notify_failure")
            entries.append(("on_failure_callback", "notify_failure"))
        elif self.chance(0.15):
            self.func("_on_failure")
            self.add_function([
                "def _on_failure(context):",
                '    """Log enough context to find the failed try quickly."""',
                "    ti = context[%stask_instance%s]" % (q, q),
                "    logging.error(%sTask %%s failed on %%s (try %%s)%s, ti.task_id, context[%sds%s], ti.try_number)" % (q, q, q, q),
            ])
            self.plain_imports.add("logging")
            entries.append(("on_failure_callback", "_on_failure"))
        if self.chance(0.15):
            entries.append(("pool", q + self.pick(["default_pool", "warehouse", "api_calls"]) + q))
        lines = []
        if self.chance(0.12):
            lines.append("default_args = dict(")
            lines += ["    %s=%s," % (k, v) for k, v in entries]
            lines.append(")")
        else:
            lines.append("default_args = {")
            for k, v in entries:
                lines.append("    %s%s%s: %s," % (q, k, q, v))
                if k == "retry_delay" and self.chance(0.3):
                    lines.append("    # 'queue': 'bash_queue',")
            lines.append("}")
        return lines

    def start_date(self):
        r = self.rng.random()
        if r < 0.4:
            self.add_import("airflow.utils.dates", "days_ago")
            return "days_ago(%d)" % self.pick([1, 1, 2, 2, 3, 7])
        if r < 0.9:
            return "datetime(%d, %d, %d)" % (self.pick([2018, 2019, 2019, 2020, 2020, 2021]), self.rng.randint(1, 12), self.rng.randint(1, 28))
        if r < 0.95:
            self.plain_imports.add("airflow")
            return "airflow.utils.dates.days_ago(%d)" % self.pick([1, 2])
        self.plain_imports.add("pendulum")
        self.add_const(["LOCAL_TZ = pendulum.timezone(%sEurope/Amsterdam%s)" % (self.q, self.q)])
        self.constant_names.add("LOCAL_TZ")
        return "datetime(2020, %d, 1, tzinfo=LOCAL_TZ)" % self.rng.randint(1, 12)

    def dag_kwargs(self, dag_id_expr, with_default_args=True):
        q = self.q
        kw = []
        kw.append(("", dag_id_expr) if self.chance(0.7) else ("dag_id", dag_id_expr))
        if with_default_args:
            kw.append(("default_args", "default_args"))
        else:
            kw.append(("start_date", self.start_date()))
        sched = self.pick(SCHEDULES).replace("'", q)
        kw.append(("schedule_interval", sched))
        if self.chance(0.6):
            kw.append(("catchup", "False"))
        if self.chance(0.35):
            kw.append(("max_active_runs", str(self.pick([1, 1, 2, 3]))))
        if self.chance(0.3):
            kw.append(("description", q + "%s %s for the %s team" % (self.source.replace("_", " ").capitalize(), self.purpose, self.owner) + q))
        if self.chance(0.25):
            kw.append(("tags", "[%s%s%s, %s%s%s]" % (q, self.owner, q, q, self.purpose, q)))
        if self.chance(0.15):
            kw.append(("dagrun_timeout", "timedelta(hours=%d)" % self.pick([2, 4, 12])))
        if self.chance(0.15):
            kw.append(("concurrency", str(self.pick([4, 8, 16]))))
        if self.chance(0.2):
            kw.append(("doc_md", "__doc__"))
        if self.chance(0.1):
            kw.append(("template_searchpath", "[%s/opt/airflow/sql/%s%s]" % (q, self.team, q)))
        return kw

    def dag_call(self, kw, var=None, as_with=False, indent_n=0):
        args = [v if not k else "%s=%s" % (k, v) for k, v in kw]
        one = "DAG(" + ", ".join(args) + ")"
        prefix = (var + " = ") if var and not as_with else ("with " if as_with else "")
        suffix = (" as %s:" % var) if as_with else ""
        if len(prefix + one + suffix) + indent_n <= 99 and self.chance(0.6):
            return [prefix + one + suffix]
        return [prefix + "DAG("] + ["    %s," % a for a in args] + [")" + suffix]

    def header(self):
        lines = []
        if self.chance(0.1):
            lines.append("# -*- coding: utf-8 -*-")
        if self.chance(0.08):
            lines += LICENSE.rstrip("\n").split("\n")
        if self.chance(0.9):
            who = self.pick(PEOPLE)
            title = "%s %s pipeline" % (self.source.replace("_", " ").capitalize(), self.purpose)
            doc = ['"""', "### " + title if self.chance(0.3) else title, ""]
            doc.append(self.pick([
                "Pulls the %s data of the previous day from the source systems, stages it in S3" % self.source,
                "Daily %s job for the %s team. Reads from the operational replicas and" % (self.purpose, self.owner),
                "Keeps the %s tables of the warehouse in step with the upstream exports and" % self.source,
            ]))
            doc.append(self.pick([
                "and loads it into the warehouse. Downstream dashboards expect data by 07:00 UTC.",
                "writes partitioned tables that the reporting layer reads.",
                "publishes a freshness metric when done.",
            ]))
            if self.chance(0.6):
                doc += ["", "Owner: %s (%s@example.com)" % (self.owner, who),
                        "Runbook: https://wiki.example.com/data/%s/%s" % (self.team, self.stem)]
            if self.chance(0.3):
                doc += ["", "Changelog:",
                        "    2019-%02d: moved to the shared cluster (%s)" % (self.rng.randint(1, 12), who),
                        "    2020-%02d: added retries after the partner outage" % self.rng.randint(1, 12)]
            doc.append('"""')
            lines += doc
        return lines

    def import_lines(self):
        std = []
        for m in sorted(self.plain_imports):
            if m in ("os", "logging", "json"):
                std.append("import %s" % m)
        std.append("from datetime import datetime, timedelta")
        third = sorted("import %s" % m for m in self.plain_imports if m in ("pendulum",))
        air = ["import airflow"] if "airflow" in self.plain_imports else []
        air.append("from airflow import DAG" if not self.dag_from_models else "from airflow.models import DAG")
        local = []
        for module in sorted(self.imports):
            names = sorted(self.imports[module])
            if module == "airflow.models" and self.dag_from_models:
                names = sorted(set(names) | {"DAG"})
            line = "from %s import %s" % (module, ", ".join(names))
            if len(line) > 99:
                line = "from %s import (\n%s\n)" % (module, "\n".join("    %s," % n for n in names))
            (local if module.startswith("common.") or module in ("acme_operators",) else air).append(line)
        if self.dag_from_models:
            air = [a for a in air if a != "from airflow.models import DAG"]
            if not any(a.startswith("from airflow.models import") for a in air):
                air.append("from airflow.models import DAG")
        out = std + [""] + ([x for x in third] + [""] if third else []) + air
        if local:
            out += [""] + local
        return out

    def generate(self):
        rng = self.rng
        q = self.q
        self.dag_from_models = self.chance(0.1)
        self.dag_ids_by_var = {}
        if self.chance(0.3):
            self.plain_imports.add("logging")
        if self.chance(0.25):
            self.plain_imports.add("os")
        if "json" not in self.plain_imports:
            self.plain_imports.add("json")      # SimpleHttpOperator payloads; harmless otherwise
        r = rng.random()
        style = ("with" if r < 0.33 else "arg" if r < 0.83 else "with_var" if r < 0.89
                 else "multi" if r < 0.95 else "factory")
        dag_id = "%s_%s_%s_%d" % (self.team, self.source, self.purpose, self.index)
        body_budget = max(800, self.target - 1400)
        no_default_args = self.chance(0.04) and style in ("with", "arg")

        top = []        # lines after constants/functions: default_args, DAG, body
        if not no_default_args:
            top += self.default_args_lines()
            top.append("")
        if self.chance(0.2):
            self.add_const(["ALERT_EMAILS = [%s%s-alerts@example.com%s]" % (q, self.owner, q)])
            self.constant_names.add("ALERT_EMAILS")
        if self.chance(0.5) or style in ("with", "arg", "with_var"):
            self.add_const(["DAG_ID = %s%s%s" % (q, dag_id, q)])
            id_expr = "DAG_ID"
            self.dag_ids_by_var["DAG_ID"] = dag_id
        else:
            id_expr = self.lit(dag_id)

        if style == "with":
            ctx = DagContext("dag", id_expr, dag_id, "with")
            head = self.dag_call(self.dag_kwargs(id_expr, not no_default_args), "dag", as_with=True)
            body = self.build_body(ctx, body_budget, not no_default_args, "DAG_ID")
            top += head + indent(body, 4)
            self.dags[dag_id] = ctx.tasks
        elif style in ("arg", "with_var"):
            ctx = DagContext("dag", id_expr, dag_id, "arg" if style == "arg" else "with")
            top += self.dag_call(self.dag_kwargs(id_expr, not no_default_args), "dag")
            top.append("")
            body = self.build_body(ctx, body_budget, not no_default_args, "DAG_ID")
            if style == "with_var":
                top += ["with dag:"] + indent(body, 4)
            else:
                top += body
            self.dags[dag_id] = ctx.tasks
        elif style == "multi":
            n = rng.randint(2, 3)
            kinds = self.sample(["daily", "hourly", "backfill", "weekly", "monthly"], n)
            for kind in kinds:
                did = "%s_%s" % (dag_id, kind)
                var = self.var("%s_dag" % kind)
                ctx = DagContext(var, self.lit(did), did, "arg")
                top += ["# " + "-" * 20 + " %s " % kind + "-" * 20]
                kw = self.dag_kwargs(self.lit(did))
                top += self.dag_call(kw, var)
                top.append("")
                self.dag_ids_by_var[var] = did
                top += self.build_body(ctx, body_budget // n, False)
                top.append("")
                self.dags[did] = ctx.tasks
        else:
            top += self.factory_dags(dag_id, body_budget)

        # assemble
        out = self.header()
        imports = self.import_lines()
        out += imports + ["", ""]
        for block in self.constants:
            out += block + [""]
        if self.constants:
            out.append("")
        for block in self.functions:
            out += block + ["", ""]
        out += top
        while out and out[-1] == "":
            out.pop()
        text = "\n".join(out) + "\n"
        # collapse runs of 3+ blank lines
        while "\n\n\n\n" in text:
            text = text.replace("\n\n\n\n", "\n\n\n")
        return text

    def factory_dags(self, dag_id, budget):
        """create_dag() + globals()[dag_id] = create_dag(...) over a literal config list."""
        q = self.q
        lines = []
        if self.use_common and self.chance(0.4):
            self.add_import("common.dag_factory", "create_ingest_dag")
            n = self.rng.randint(2, 6)
            ents = self.sample(SOURCES, n)
            cfg_name = self.const("PIPELINES")
            cl = [cfg_name + " = ["]
            for e in ents:
                tables = self.sample(COLUMNS, self.rng.randint(1, 5))
                cl.append("    {%ssource%s: %s%s%s, %stables%s: [%s], %sschedule%s: %s}," % (
                    q, q, q, e, q, q, q, ", ".join(q + t + q for t in tables), q, q, self.pick(SCHEDULES).replace("'", q)))
                self.dags["ingest_%s" % e] = len(tables) + 2
            cl.append("]")
            self.add_const(cl)
            lines += ["for pipeline in %s:" % cfg_name,
                      "    dag_id = %s" % self.s("ingest_", V("pipeline[%ssource%s]" % ("'" if q == '"' else '"', "'" if q == '"' else '"'))),
                      "    globals()[dag_id] = create_ingest_dag(",
                      "        dag_id,",
                      "        pipeline[%ssource%s]," % (q, q),
                      "        pipeline[%stables%s]," % (q, q),
                      "        pipeline[%sschedule%s]," % (q, q),
                      "        default_args,",
                      "    )"]
            return lines
        n = self.rng.randint(2, 5)
        clients = self.sample(["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "soylent", "cyberdyne", "aperture"], n)
        cfg_name = self.const("CLIENTS")
        cl = [cfg_name + " = ["]
        for c in clients:
            cl.append("    {%sname%s: %s%s%s, %sschedule%s: %s, %stier%s: %s%s%s}," % (
                q, q, q, c, q, q, q, self.pick(SCHEDULES).replace("'", q), q, q, q, self.pick(["gold", "silver", "bronze"]), q))
        cl.append("]")
        self.add_const(cl)
        ctx = DagContext("dag", "dag_id", None, "arg" if self.chance(0.5) else "with")
        body = self.build_body(ctx, budget // 2, False)
        fname = self.func("create_dag")
        fn = ["def %s(dag_id, client, schedule, args):" % fname,
              '    """Build the %s DAG of one client."""' % self.purpose,
              "    dag = DAG(dag_id, default_args=args, schedule_interval=schedule, catchup=False)"]
        if ctx.mode == "with":
            fn += ["", "    with dag:"] + indent(body, 8)
        else:
            fn += [""] + indent(body, 4)
        fn += ["", "    return dag"]
        self.add_function(fn)
        for c in clients:
            self.dags["%s_%s_%s" % (self.source, self.purpose, c) + "_%d" % self.index] = ctx.tasks
        lines += ["for client in %s:" % cfg_name,
                  "    dag_id = %s" % self.s("%s_%s_" % (self.source, self.purpose), V("client[%sname%s]" % ("'" if q == '"' else '"', "'" if q == '"' else '"')), "_%d" % self.index),
                  "    globals()[dag_id] = %s(dag_id, client[%sname%s], client[%sschedule%s], default_args)" % (fname, q, q, q, q)]
        return lines


# ---------------------------------------------------------------------------------------------
# Shared files: common/ package and plugins/
# ---------------------------------------------------------------------------------------------

COMMON_WAREHOUSE_TABLES = ["fact_orders", "fact_payments", "dim_customers", "dim_products", "fact_sessions"]

COMMON_FILES = {
    "__init__.py": '''"""Shared helpers for the DAGs of this deployment.

Everything here is importable from any DAG file because Airflow puts the DAG folder on
sys.path. Keep it free of top-level side effects: the scheduler imports it constantly.
"""
''',
    "constants.py": '''"""Constants shared across DAGs (connections, buckets, alerting)."""
from datetime import datetime, timedelta

OWNER = "data-platform"
ALERT_EMAILS = ["data-alerts@example.com"]
DEFAULT_START_DATE = datetime(2019, 1, 1)
RETRY_DELAY = timedelta(minutes=5)

RAW_BUCKET = "acme-raw"
CURATED_BUCKET = "acme-curated"
WAREHOUSE_CONN_ID = "warehouse"

# Tables loaded by the regional warehouse sub-DAGs (see common.subdags).
WAREHOUSE_TABLES = %s
REGIONS = ["us", "eu", "apac"]
''' % repr(COMMON_WAREHOUSE_TABLES).replace("'", '"'),
    "default_args.py": '''"""Builders for the default_args dict every DAG passes to DAG()."""
from common.callbacks import notify_failure
from common.constants import ALERT_EMAILS, DEFAULT_START_DATE, OWNER, RETRY_DELAY


def build_default_args(owner=OWNER, retries=1, **overrides):
    """Return a fresh default_args dict; keyword overrides win."""
    args = {
        "owner": owner,
        "depends_on_past": False,
        "start_date": DEFAULT_START_DATE,
        "email": ALERT_EMAILS,
        "email_on_failure": True,
        "email_on_retry": False,
        "retries": retries,
        "retry_delay": RETRY_DELAY,
        "on_failure_callback": notify_failure,
    }
    args.update(overrides)
    return args


DEFAULT_ARGS = build_default_args()
''',
    "callbacks.py": '''"""Failure and SLA callbacks (they run on the workers, not at parse time)."""
import logging

log = logging.getLogger(__name__)


def notify_failure(context):
    """Post a short message about the failed task instance to the team channel."""
    ti = context["task_instance"]
    log.error("task %s of %s failed for %s", ti.task_id, ti.dag_id, context["ds"])
    try:
        from airflow.contrib.hooks.slack_webhook_hook import SlackWebhookHook

        SlackWebhookHook(
            http_conn_id="slack_webhook",
            message=":red_circle: {}.{} failed ({})".format(ti.dag_id, ti.task_id, context["ds"]),
        ).execute()
    except Exception:  # never fail the callback
        log.exception("could not notify slack")


def sla_miss_alert(dag, task_list, blocking_task_list, slas, blocking_tis):
    log.warning("SLA missed in %s: %s", dag.dag_id, task_list)
''',
    "task_factory.py": '''"""Task factories shared by several DAGs.

All of them take the DAG explicitly so they also work outside a `with DAG(...)` block.
"""
from airflow.operators.bash_operator import BashOperator
from airflow.operators.check_operator import CheckOperator
from airflow.operators.python_operator import PythonOperator

from common.constants import WAREHOUSE_CONN_ID


def _validate_extract(source, **context):
    print("validating extract of %s for %s" % (source, context["ds"]))


def make_bash_task(dag, name, command, **kwargs):
    """One BashOperator whose task_id is run_<name>."""
    return BashOperator(task_id="run_{}".format(name), bash_command=command, dag=dag, **kwargs)


def make_ingest_tasks(dag, source):
    """extract -> validate -> load for one source; returns the three tasks in order."""
    extract = BashOperator(
        task_id=f"extract_{source}",
        bash_command=f"ingest extract --source {source} --date {{{{ ds }}}}",
        dag=dag,
    )
    validate = PythonOperator(
        task_id=f"validate_{source}",
        python_callable=_validate_extract,
        op_kwargs={"source": source},
        provide_context=True,
        dag=dag,
    )
    load = BashOperator(
        task_id=f"load_{source}",
        bash_command=f"ingest load --source {source} --date {{{{ ds }}}}",
        dag=dag,
    )
    extract >> validate >> load
    return [extract, validate, load]


def make_quality_check(dag, table, min_rows=1):
    """A CheckOperator failing when the day's partition of `table` is (nearly) empty."""
    return CheckOperator(
        task_id="dq_%s" % table,
        sql="SELECT COUNT(*) >= %d FROM analytics.%s WHERE ds = '{{ ds }}'" % (min_rows, table),
        conn_id=WAREHOUSE_CONN_ID,
        dag=dag,
    )
''',
    "subdags.py": '''"""Sub-DAG factories used with SubDagOperator (the sub-DAG id must be parent.child)."""
from airflow.models import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator


def load_tables_subdag(parent_dag_id, child_dag_id, default_args, tables):
    subdag = DAG(
        dag_id="{}.{}".format(parent_dag_id, child_dag_id),
        default_args=default_args,
        schedule_interval="@daily",
    )
    finished = DummyOperator(task_id="tables_loaded", dag=subdag)
    for table in tables:
        load = BashOperator(
            task_id="load_%s" % table,
            bash_command="load_table.sh %s {{ ds }} " % table,
            dag=subdag,
        )
        load >> finished
    return subdag
''',
    "dag_factory.py": '''"""DAG factory for the generic ingest pipelines.

create_ingest_dag() returns a DAG; the caller binds it to a module global (usually through
globals()) so that the DagBag collects it.
"""
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator


def create_ingest_dag(dag_id, source, tables, schedule_interval, default_args):
    dag = DAG(
        dag_id,
        default_args=default_args,
        schedule_interval=schedule_interval,
        catchup=False,
    )
    with dag:
        start = DummyOperator(task_id="start")
        done = DummyOperator(task_id="done")
        for table in tables:
            ingest = BashOperator(
                task_id="ingest_{}".format(table),
                bash_command="ingest --source {} --table {} --date {{{{ ds }}}}".format(source, table),
            )
            start >> ingest >> done
    return dag
''',
    "operators.py": '''"""Small in-house operators that did not deserve a plugin."""
from airflow.hooks.S3_hook import S3Hook
from airflow.models import BaseOperator
from airflow.utils.decorators import apply_defaults

from common.constants import CURATED_BUCKET, RAW_BUCKET


class S3PartitionCopyOperator(BaseOperator):
    """Copies one day's partition from the raw to the curated bucket."""

    template_fields = ("source_prefix", "target_prefix")
    ui_color = "#f0ede4"

    @apply_defaults
    def __init__(self, source_prefix, target_prefix, aws_conn_id="aws_default", *args, **kwargs):
        super(S3PartitionCopyOperator, self).__init__(*args, **kwargs)
        self.source_prefix = source_prefix
        self.target_prefix = target_prefix
        self.aws_conn_id = aws_conn_id

    def execute(self, context):
        hook = S3Hook(aws_conn_id=self.aws_conn_id)
        for key in hook.list_keys(RAW_BUCKET, prefix=self.source_prefix) or []:
            hook.copy_object(key, self.target_prefix + key[len(self.source_prefix):],
                             source_bucket_name=RAW_BUCKET, dest_bucket_name=CURATED_BUCKET)


class TeamNotifyOperator(BaseOperator):
    """Posts a message to a team channel."""

    template_fields = ("message",)

    @apply_defaults
    def __init__(self, channel, message, *args, **kwargs):
        super(TeamNotifyOperator, self).__init__(*args, **kwargs)
        self.channel = channel
        self.message = message

    def execute(self, context):
        self.log.info("to %s: %s", self.channel, self.message)
''',
}

PLUGIN_FILES = {
    "acme_operators.py": '''"""ACME in-house Snowflake operators, registered as the `acme` Airflow plugin.

DAGs use them as `from airflow.operators.acme import S3ToSnowflakeOperator`.
"""
from airflow.hooks.base_hook import BaseHook
from airflow.models import BaseOperator
from airflow.plugins_manager import AirflowPlugin
from airflow.utils.decorators import apply_defaults


class SnowflakeLiteHook(BaseHook):
    def __init__(self, snowflake_conn_id="snowflake_default"):
        super(SnowflakeLiteHook, self).__init__(source=None)
        self.snowflake_conn_id = snowflake_conn_id

    def run(self, sql):
        import snowflake.connector  # only on workers

        conn = self.get_connection(self.snowflake_conn_id)
        with snowflake.connector.connect(user=conn.login, password=conn.password,
                                         account=conn.host) as sf:
            sf.cursor().execute(sql)


class S3ToSnowflakeOperator(BaseOperator):
    template_fields = ("s3_key", "table")
    ui_color = "#c7e9f1"

    @apply_defaults
    def __init__(self, s3_key, table, stage="raw_stage", file_format="csv_gz",
                 snowflake_conn_id="snowflake_default", *args, **kwargs):
        super(S3ToSnowflakeOperator, self).__init__(*args, **kwargs)
        self.s3_key = s3_key
        self.table = table
        self.stage = stage
        self.file_format = file_format
        self.snowflake_conn_id = snowflake_conn_id

    def execute(self, context):
        SnowflakeLiteHook(self.snowflake_conn_id).run(
            "COPY INTO {} FROM @{}/{} FILE_FORMAT = (FORMAT_NAME = {})".format(
                self.table, self.stage, self.s3_key, self.file_format))


class SnowflakeQueryOperator(BaseOperator):
    template_fields = ("sql",)
    template_ext = (".sql",)

    @apply_defaults
    def __init__(self, sql, snowflake_conn_id="snowflake_default", *args, **kwargs):
        super(SnowflakeQueryOperator, self).__init__(*args, **kwargs)
        self.sql = sql
        self.snowflake_conn_id = snowflake_conn_id

    def execute(self, context):
        SnowflakeLiteHook(self.snowflake_conn_id).run(self.sql)


class AcmePlugin(AirflowPlugin):
    name = "acme"
    operators = [S3ToSnowflakeOperator, SnowflakeQueryOperator]
    hooks = [SnowflakeLiteHook]
''',
    "quality_plugin.py": '''"""Data quality operators, registered as the `data_quality` plugin."""
from datetime import timedelta

from airflow.hooks.postgres_hook import PostgresHook
from airflow.models import BaseOperator
from airflow.plugins_manager import AirflowPlugin
from airflow.utils.decorators import apply_defaults


class RowCountCheckOperator(BaseOperator):
    template_fields = ("table",)
    ui_color = "#fbe5d6"

    @apply_defaults
    def __init__(self, table, min_rows=1, conn_id="warehouse", *args, **kwargs):
        super(RowCountCheckOperator, self).__init__(*args, **kwargs)
        self.table = table
        self.min_rows = min_rows
        self.conn_id = conn_id

    def execute(self, context):
        count = PostgresHook(self.conn_id).get_first(
            "SELECT COUNT(*) FROM {} WHERE ds = %s".format(self.table), parameters=(context["ds"],))[0]
        if count < self.min_rows:
            raise ValueError("{} has {} rows, expected at least {}".format(self.table, count, self.min_rows))


class FreshnessCheckOperator(BaseOperator):
    template_fields = ("table",)

    @apply_defaults
    def __init__(self, table, max_age=timedelta(hours=24), conn_id="warehouse", *args, **kwargs):
        super(FreshnessCheckOperator, self).__init__(*args, **kwargs)
        self.table = table
        self.max_age = max_age
        self.conn_id = conn_id

    def execute(self, context):
        self.log.info("checking freshness of %s (max age %s)", self.table, self.max_age)


class DataQualityPlugin(AirflowPlugin):
    name = "data_quality"
    operators = [RowCountCheckOperator, FreshnessCheckOperator]
''',
    "acme_sensors.py": '''"""Sensors for partner drops, registered as the `acme_sensors` plugin."""
from airflow.plugins_manager import AirflowPlugin
from airflow.sensors.base_sensor_operator import BaseSensorOperator
from airflow.utils.decorators import apply_defaults


class PartnerFileSensor(BaseSensorOperator):
    """Waits for the partner's daily drop on the SFTP server."""

    template_fields = ("partner",)

    @apply_defaults
    def __init__(self, partner, sftp_conn_id="partner_sftp", *args, **kwargs):
        super(PartnerFileSensor, self).__init__(*args, **kwargs)
        self.partner = partner
        self.sftp_conn_id = sftp_conn_id

    def poke(self, context):
        from airflow.contrib.hooks.sftp_hook import SFTPHook

        path = "/inbound/{}/{}.done".format(self.partner, context["ds_nodash"])
        return SFTPHook(ftp_conn_id=self.sftp_conn_id).path_exists(path)


class AcmeSensorsPlugin(AirflowPlugin):
    name = "acme_sensors"
    sensors = [PartnerFileSensor]
''',
}


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def target_size(rng):
    """Bytes a file aims at: most 2-8 KB, some 20-60 KB, a few small ones."""
    r = rng.random()
    if r < 0.04:
        return rng.randint(1200, 2000)
    if r < 0.93:
        # skewed towards the low end, like real folders
        return int(2000 + 6000 * rng.random() ** 1.4)
    return rng.randint(20000, 56000)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, default=10000, help="number of DAG files (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args(argv)

    dags_dir = os.path.join(args.out_dir, "dags")
    plugins_dir = os.path.join(args.out_dir, "plugins")
    for name, text in COMMON_FILES.items():
        write(os.path.join(dags_dir, "common", name), text)
    for name, text in PLUGIN_FILES.items():
        write(os.path.join(plugins_dir, name), text)

    manifest = {"generator": "bench/generate_dags.py", "files": args.files, "seed": args.seed,
                "dags": 0, "tasks": 0, "bytes": 0, "per_file": {}}
    names_used = set()
    for i in range(args.files):
        rng = random.Random("dagport-bench:%d:%d" % (args.seed, i))
        team = rng.choice(TEAMS)
        use_common = rng.random() < 0.25
        use_plugins = rng.random() < 0.08
        target = target_size(rng)
        gen = FileGen(rng, i, team, None, target, use_common, use_plugins)
        stem = unique_name("%s_%s_%05d" % (gen.source, gen.purpose, i), names_used)
        gen.stem = stem
        text = gen.generate()
        rel = "%s/%s.py" % (team, stem)
        write(os.path.join(dags_dir, rel), text)
        manifest["per_file"][rel] = gen.dags
        manifest["dags"] += len(gen.dags)
        manifest["tasks"] += sum(gen.dags.values())
        manifest["bytes"] += len(text.encode("utf-8"))
    with open(os.path.join(args.out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print("generated %d DAG files (%.1f MB), %d DAGs, %d tasks in %s" % (
        args.files, manifest["bytes"] / 1e6, manifest["dags"], manifest["tasks"], dags_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
