"""Data quality checks on the core schema.

Not scheduled: nightly_orchestrator triggers it once warehouse_load has finished. Each check is
a query returning the number of bad rows; the checks themselves come from the shared task
factory (common/task_factory.py).
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
import pendulum
from airflow.models.baseoperator import chain

from common import build_default_args
from common.task_factory import make_table_check

default_args = build_default_args('analytics', retries=0, retry_delay=timedelta(minutes=1))

# table -> query counting the bad rows for the run's date
CHECKS = {
    'core.customers': 'SELECT COUNT(*) FROM core.customers WHERE customer_id IS NULL OR email IS NULL',
    'core.orders': 'SELECT COUNT(*) FROM core.orders o LEFT JOIN core.customers c USING (customer_id) '
                   'WHERE c.customer_id IS NULL AND o.order_date = %(ds)s',
    'core.order_items': 'SELECT COUNT(*) FROM core.order_items WHERE quantity <= 0',
    'core.customer_events': 'SELECT COUNT(*) FROM core.customer_events WHERE event_ts IS NULL',
}

# Tables allowed a few bad rows while the upstream fixes land.
TOLERANCE = {'core.customer_events': 100}


def summarize(**context):
    ti = context['ti']
    results = {}
    for table in CHECKS:
        task_id = f"check_{table.replace('.', '_')}"
        results[table] = ti.xcom_pull(task_ids=task_id)
    print(f"Quality results for {context['ds']}: {results}")
    return results


with DAG(
    'data_quality_checks',
    default_args=default_args,
    schedule=None,
    start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
    catchup=False,
) as dag:

    freshness = BashOperator(
        task_id='check_freshness',
        bash_command='python /usr/local/airflow/dags/scripts/quality/freshness.py --date {{ ds }} --max-lag-hours 30',
    )

    row_counts = BashOperator(
        task_id='compare_row_counts',
        bash_command='python /usr/local/airflow/dags/scripts/quality/row_counts.py --date {{ ds }}',
    )

    table_checks = [
        make_table_check(dag, table, sql, max_bad_rows=TOLERANCE.get(table, 0))
        for table, sql in CHECKS.items()
    ]

    summary = PythonOperator(
        task_id='summarize_results',
        python_callable=summarize,
        trigger_rule='all_done',
    )

    chain(freshness, row_counts)
    for check in table_checks:
        check.set_upstream(row_counts)
    summary.set_upstream(table_checks)
