"""
Nightly compaction of the raw events table (data platform).

Currently broken: someone dropped a comma in the audit task during a hot-fix, so the
file does not parse and the scheduler lists it under import errors.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

default_args = {
    'owner': 'data-platform',
    'start_date': datetime(2020, 3, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}

dag = DAG('events_compaction', default_args=default_args, schedule_interval='0 1 * * *')

start = DummyOperator(task_id='start', dag=dag)

compact = BashOperator(
    task_id='compact_events',
    bash_command='lake compact --table raw.events --date {{ ds }}',
    dag=dag,
)

audit = BashOperator(
    task_id='audit_compaction'
    bash_command='lake audit --table raw.events --date {{ ds }}',
    dag=dag,
)

start >> compact >> audit
