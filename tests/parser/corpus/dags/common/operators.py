"""In-repo custom operators (not a plugin: DAG files import them as common.operators)."""
from airflow.models import BaseOperator
from airflow.utils.decorators import apply_defaults


class RedshiftUpsertOperator(BaseOperator):
    """Merge a staging table into its target table on the given key columns."""

    template_fields = ("staging_table", "target_table")
    ui_color = "#99e699"

    @apply_defaults
    def __init__(self, target_table, staging_table, key_columns,
                 redshift_conn_id="redshift_default", *args, **kwargs):
        super(RedshiftUpsertOperator, self).__init__(*args, **kwargs)
        self.target_table = target_table
        self.staging_table = staging_table
        self.key_columns = key_columns
        self.redshift_conn_id = redshift_conn_id

    def execute(self, context):
        from airflow.hooks.postgres_hook import PostgresHook

        hook = PostgresHook(postgres_conn_id=self.redshift_conn_id)
        condition = " AND ".join(
            "{t}.{c} = {s}.{c}".format(t=self.target_table, s=self.staging_table, c=c)
            for c in self.key_columns
        )
        hook.run([
            "BEGIN",
            "DELETE FROM {} USING {} WHERE {}".format(self.target_table, self.staging_table, condition),
            "INSERT INTO {} SELECT * FROM {}".format(self.target_table, self.staging_table),
            "COMMIT",
        ])


class DataQualityOperator(BaseOperator):
    """Run a list of (sql, expected) checks and fail on the first mismatch."""

    ui_color = "#89da59"

    @apply_defaults
    def __init__(self, checks, conn_id="redshift_default", *args, **kwargs):
        super(DataQualityOperator, self).__init__(*args, **kwargs)
        self.checks = checks
        self.conn_id = conn_id

    def execute(self, context):
        from airflow.hooks.postgres_hook import PostgresHook

        hook = PostgresHook(postgres_conn_id=self.conn_id)
        for sql, expected in self.checks:
            got = hook.get_first(sql)[0]
            if got != expected:
                raise ValueError("check failed: {} returned {}, expected {}".format(sql, got, expected))
