"""Small task factories so that every DAG builds the same kinds of task the same way."""
import logging

from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.operators.python import PythonOperator

from common.constants import REDSHIFT_CONN_ID

log = logging.getLogger(__name__)


def _run_check(table, sql, max_bad_rows, **context):
    """Run ``sql`` (which must return one number: the bad rows) and fail above the limit."""
    hook = PostgresHook(postgres_conn_id=REDSHIFT_CONN_ID)
    bad_rows = hook.get_first(sql, parameters={'ds': context['ds']})[0]
    log.info('%s: %s bad rows for %s', table, bad_rows, context['ds'])
    if bad_rows > max_bad_rows:
        raise ValueError('{}: {} bad rows (limit {})'.format(table, bad_rows, max_bad_rows))
    return bad_rows


def make_table_check(dag, table, sql, max_bad_rows=0, **kwargs):
    """A PythonOperator named ``check_<schema>_<table>`` that fails when ``sql`` finds bad rows."""
    return PythonOperator(
        task_id='check_' + table.replace('.', '_'),
        python_callable=_run_check,
        op_kwargs={'table': table, 'sql': sql, 'max_bad_rows': max_bad_rows},
        dag=dag,
        **kwargs
    )
