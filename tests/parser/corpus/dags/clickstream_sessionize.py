"""
Sessionize the clickstream in four 6-hour slices, strictly one after the other
(the sessionizer holds a lock on the day's table).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

default_args = {
    'owner': 'web-analytics',
    'start_date': datetime(2020, 9, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=3),
}

dag = DAG('clickstream_sessionize', default_args=default_args, schedule_interval='@daily')

start = DummyOperator(task_id='start', dag=dag)

previous = start
for hour in range(0, 24, 6):
    sessionize = BashOperator(
        task_id='sessionize_hour_%02d' % hour,
        bash_command='sessionize --date {{ ds }} --hour %d --span 6' % hour,
        dag=dag,
    )
    previous >> sessionize
    previous = sessionize

compact = BashOperator(
    task_id='compact_day',
    bash_command='sessionize compact --date {{ ds }}',
    dag=dag,
)
previous >> compact
