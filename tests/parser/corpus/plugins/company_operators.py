"""ACME in-house Snowflake operators, registered as the `company_operators` Airflow plugin.

DAGs use them as
    from airflow.operators.company_operators import S3ToSnowflakeOperator
or, the older way,
    from airflow.operators import SnowflakeQueryOperator
"""
from airflow.hooks.base_hook import BaseHook
from airflow.models import BaseOperator
from airflow.plugins_manager import AirflowPlugin
from airflow.utils.decorators import apply_defaults


class SnowflakeLiteHook(BaseHook):
    """Thin wrapper around the snowflake connector, imported lazily."""

    def __init__(self, snowflake_conn_id="snowflake_default"):
        super(SnowflakeLiteHook, self).__init__(source=None)
        self.snowflake_conn_id = snowflake_conn_id

    def run(self, sql):
        import snowflake.connector  # noqa: only on workers

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
    ui_color = "#a0d8ef"

    @apply_defaults
    def __init__(self, sql, snowflake_conn_id="snowflake_default", *args, **kwargs):
        super(SnowflakeQueryOperator, self).__init__(*args, **kwargs)
        self.sql = sql
        self.snowflake_conn_id = snowflake_conn_id

    def execute(self, context):
        SnowflakeLiteHook(self.snowflake_conn_id).run(self.sql)


class CompanyOperatorsPlugin(AirflowPlugin):
    name = "company_operators"
    operators = [S3ToSnowflakeOperator, SnowflakeQueryOperator]
    hooks = [SnowflakeLiteHook]
