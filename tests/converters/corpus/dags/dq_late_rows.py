"""
Late-arriving rows check (data quality).

Not scheduled: platform_orchestrator triggers it after the orders ETL. Waits until the
late-row count query returns a value, then mails the analysts.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.email_operator import EmailOperator

try:
    from airflow.sensors.sql_sensor import SqlSensor
except ImportError:  # pre-1.10 installs kept every sensor in one module
    from airflow.operators.sensors import SqlSensor

from common.sql_snippets import LATE_ROWS_SQL

default_args = {
    'owner': 'data-quality',
    'start_date': datetime(2021, 1, 1),
    'email': ['dq@acme.example.com'],
    'retries': 0,
}

dag = DAG(
    'dq_late_rows',
    default_args=default_args,
    schedule_interval=None,
)

late_rows = SqlSensor(
    task_id='wait_for_late_rows_count',
    conn_id='redshift_default',
    sql=LATE_ROWS_SQL,
    allow_null=False,
    poke_interval=10 * 60,
    timeout=2 * 60 * 60,
    dag=dag,
)

mail = EmailOperator(
    task_id='mail_analysts',
    to=['analysts@acme.example.com'],
    subject='Late rows for {{ ds }}',
    html_content="""
        <p>Late-arriving order rows were found for <b>{{ ds }}</b>.</p>
        <p>Triggered by: {{ dag_run.conf.get('triggered_by', 'manual') if dag_run and dag_run.conf else 'manual' }}</p>
    """,
    dag=dag,
)

late_rows >> mail
