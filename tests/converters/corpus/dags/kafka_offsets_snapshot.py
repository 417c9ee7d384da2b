"""
Snapshot of consumer-group offsets (streaming team).

Nobody ever set a schedule on this one: it relies on the Airflow default (once a day),
and on the default catch-up behaviour.
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator
from airflow.utils.dates import days_ago

BROKERS = 'b-1.kafka.internal:9092,b-2.kafka.internal:9092,b-3.kafka.internal:9092'
GROUPS = ['orders-sink', 'clickstream-sink', 'cdc-replicator']

default_args = {
    'owner': 'streaming',
    'retries': 2,
    'retry_delay': timedelta(minutes=5),
}


def compare_lag(**context):
    ti = context['ti']
    snapshot_path = ti.xcom_pull(task_ids='snapshot_offsets')
    print('comparing consumer lag in %s against the 24h threshold' % snapshot_path)


dag = DAG('kafka_offsets_snapshot', default_args=default_args, start_date=days_ago(2))

snapshot = BashOperator(
    task_id='snapshot_offsets',
    bash_command=(
        'for g in ' + ' '.join(GROUPS) + '; do '
        'kafka-consumer-groups --bootstrap-server ' + BROKERS + ' --describe --group "$g"; '
        'done > /tmp/offsets_{{ ts_nodash }}.txt && echo /tmp/offsets_{{ ts_nodash }}.txt'
    ),
    xcom_push=True,
    dag=dag,
)

upload = BashOperator(
    task_id='upload_snapshot',
    bash_command='aws s3 cp /tmp/offsets_{{ ts_nodash }}.txt s3://acme-streaming-ops/offsets/{{ ds }}/',
    dag=dag,
)

lag = PythonOperator(
    task_id='compare_lag',
    python_callable=compare_lag,
    provide_context=True,
    dag=dag,
)

snapshot >> [upload, lag]
