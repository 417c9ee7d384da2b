"""
Nightly compaction of the events table.

This file currently fails to import (a missing comma in the audit task), so the
scheduler shows an import error and runs nothing from it.
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

dag = DAG('nightly_compaction', default_args=default_args, schedule_interval='0 1 * * *')

start = DummyOperator(task_id='start', dag=dag)

compact = BashOperator(
    task_id='compact_events',
    bash_command='lake compact events --date {{ ds }}',
    dag=dag,
)

vacuum = BashOperator(
    task_id='vacuum_events',
    bash_command='lake vacuum events --retain 168',
    dag=dag,
)

start >> compact >> vacuum

# TODO(jdoe): wire this in once the audit table exists
audit = BashOperator(
    task_id='audit_compaction'
    bash_command='lake audit events --date {{ ds }}',
    dag=dag,
)
