"""Data-quality operators, registered as the `data_quality` Airflow plugin."""
from airflow.exceptions import AirflowException
from airflow.models import BaseOperator
from airflow.plugins_manager import AirflowPlugin
from airflow.utils.decorators import apply_defaults


class RowCountCheckOperator(BaseOperator):
    template_fields = ("table",)
    ui_color = "#f0e4a0"

    @apply_defaults
    def __init__(self, table, min_rows=1, conn_id="warehouse", *args, **kwargs):
        super(RowCountCheckOperator, self).__init__(*args, **kwargs)
        self.table = table
        self.min_rows = min_rows
        self.conn_id = conn_id

    def execute(self, context):
        from airflow.hooks.postgres_hook import PostgresHook

        count = PostgresHook(postgres_conn_id=self.conn_id).get_first(
            "SELECT COUNT(*) FROM {}".format(self.table))[0]
        if count < self.min_rows:
            raise AirflowException("{} has {} rows, expected at least {}".format(
                self.table, count, self.min_rows))


class NullCheckOperator(BaseOperator):
    template_fields = ("table",)

    @apply_defaults
    def __init__(self, table, columns, conn_id="warehouse", *args, **kwargs):
        super(NullCheckOperator, self).__init__(*args, **kwargs)
        self.table = table
        self.columns = columns
        self.conn_id = conn_id

    def execute(self, context):
        from airflow.hooks.postgres_hook import PostgresHook

        hook = PostgresHook(postgres_conn_id=self.conn_id)
        for column in self.columns:
            nulls = hook.get_first("SELECT COUNT(*) FROM {} WHERE {} IS NULL".format(
                self.table, column))[0]
            if nulls:
                raise AirflowException("{}.{} has {} NULLs".format(self.table, column, nulls))


class DataQualityPlugin(AirflowPlugin):
    name = "data_quality"
    operators = [RowCountCheckOperator, NullCheckOperator]
