"""
Freshness monitor for the analytics tables (data platform).

Every 15 minutes, but only for the latest interval: checks how stale each table is and
fails (which mails on-call through the shared callback) when a table is over its SLA.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.hooks.postgres_hook import PostgresHook
from airflow.operators.latest_only_operator import LatestOnlyOperator
from airflow.operators.python_operator import PythonOperator

from common.alerts import notify_oncall_on_failure

SLAS = {
    'analytics.fact_orders': timedelta(hours=26),
    'analytics.fact_payments': timedelta(hours=26),
    'analytics.sessions_hourly': timedelta(hours=3),
}


def check_freshness(table, max_age, **context):
    hook = PostgresHook(postgres_conn_id='redshift_default')
    age = hook.get_first(
        "SELECT DATEDIFF(minute, MAX(loaded_at), GETDATE()) FROM {}".format(table))[0]
    if age is None or timedelta(minutes=age) > max_age:
        raise ValueError('{} is stale: last load {} minutes ago (SLA {})'.format(table, age, max_age))


dag = DAG(
    dag_id='sla_freshness_monitor',
    default_args={
        'owner': 'data-platform',
        'start_date': datetime(2021, 1, 1),
        'retries': 0,
        'on_failure_callback': notify_oncall_on_failure,
    },
    schedule_interval='*/15 * * * *',
    catchup=False,
    dagrun_timeout=timedelta(minutes=10),
)

latest_only = LatestOnlyOperator(task_id='latest_only', dag=dag)

for table, max_age in SLAS.items():
    check = PythonOperator(
        task_id='freshness_' + table.split('.')[-1],
        python_callable=check_freshness,
        op_kwargs={'table': table, 'max_age': max_age},
        provide_context=True,
        dag=dag,
    )
    latest_only >> check
