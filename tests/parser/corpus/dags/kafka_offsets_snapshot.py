"""
Snapshots consumer-group offsets every 15 minutes.

Run `python kafka_offsets_snapshot.py` locally to get the debug DAG and the CLI; the
__main__ block never runs when the scheduler imports the file.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator

SCHEDULE = '*/15 * * * *'

default_args = {
    'owner': 'streaming',
    'start_date': datetime(2021, 3, 15),
    'retries': 0,
    'execution_timeout': timedelta(minutes=10),
}

dag = DAG('kafka_offsets_snapshot', default_args=default_args, schedule_interval=SCHEDULE,
          catchup=False, max_active_runs=1)

snapshot = BashOperator(
    task_id='snapshot_offsets',
    bash_command='kafka-consumer-groups --bootstrap-server kafka:9092 --describe --all-groups '
                 '> /data/offsets/{{ ts_nodash }}.txt',
    dag=dag,
)

upload = BashOperator(
    task_id='upload_snapshot',
    bash_command='aws s3 cp /data/offsets/{{ ts_nodash }}.txt s3://acme-streaming/offsets/',
    dag=dag,
)

snapshot >> upload

if __name__ == '__main__':
    debug_dag = DAG('kafka_offsets_debug', default_args=default_args, schedule_interval=None)
    print_offsets = BashOperator(
        task_id='print_offsets',
        bash_command='kafka-consumer-groups --bootstrap-server localhost:9092 --list',
        dag=debug_dag,
    )
    dag.cli()
