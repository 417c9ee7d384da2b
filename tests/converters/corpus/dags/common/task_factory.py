"""Task factories so every team builds the common task shapes the same way."""
import logging

from airflow.hooks.postgres_hook import PostgresHook
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

from common.sql_snippets import ROW_COUNT_SQL

log = logging.getLogger(__name__)

REDSHIFT_CONN_ID = "redshift_default"


def make_bash_task(dag, task_id, command, **kwargs):
    """A BashOperator with the team's standard retry settings."""
    kwargs.setdefault("retries", 2)
    return BashOperator(
        task_id=task_id,
        bash_command=command,
        dag=dag,
        **kwargs
    )


def _check_row_count(table, min_rows, **context):
    hook = PostgresHook(postgres_conn_id=REDSHIFT_CONN_ID)
    rows = hook.get_first(ROW_COUNT_SQL.format(table=table), parameters={"ds": context["ds"]})[0]
    log.info("%s has %s rows for %s", table, rows, context["ds"])
    if rows < min_rows:
        raise ValueError("{}: only {} rows for {} (expected >= {})".format(
            table, rows, context["ds"], min_rows))


def make_row_count_check(dag, table, min_rows=1, **kwargs):
    """PythonOperator check_rows_<schema>_<table> failing when the day's load is too small."""
    return PythonOperator(
        task_id="check_rows_" + table.replace(".", "_"),
        python_callable=_check_row_count,
        op_kwargs={"table": table, "min_rows": min_rows},
        provide_context=True,
        dag=dag,
        **kwargs
    )
