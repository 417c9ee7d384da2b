"""
Hourly clickstream aggregation (web analytics).

Back-fills on purpose (catchup=True): the hourly tables must have no holes. The
sessioniser is single-threaded, so only one sessionize task may run at a time.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

default_args = {
    'owner': 'web-analytics',
    'depends_on_past': True,
    'start_date': datetime(2021, 2, 1),
    'retries': 3,
    'retry_delay': timedelta(minutes=5),
}


def check_late_events(**context):
    n = int(context['ti'].xcom_pull(task_ids='sessionize_hour') or 0)
    if n > 10000:
        print('WARNING: %d sessions for hour %s, check for bots' % (n, context['execution_date']))


dag = DAG(
    'hourly_clickstream',
    default_args=default_args,
    schedule_interval='@hourly',
    catchup=True,
    max_active_runs=4,
)

land = BashOperator(
    task_id='land_raw_events',
    bash_command=(
        'aws s3 sync s3://acme-clickstream-raw/{{ execution_date.strftime("%Y/%m/%d/%H") }}/ '
        '/data/clickstream/raw/{{ ts_nodash }}/'
    ),
    dag=dag,
)

sessionize = BashOperator(
    task_id='sessionize_hour',
    bash_command='sessionize --input /data/clickstream/raw/{{ ts_nodash }} --from "{{ execution_date }}" --until "{{ next_execution_date }}" --count-only',
    xcom_push=True,
    task_concurrency=1,
    dag=dag,
)

late = PythonOperator(
    task_id='check_late_events',
    python_callable=check_late_events,
    provide_context=True,
    dag=dag,
)

publish = BashOperator(
    task_id='publish_hourly_tables',
    bash_command='clickstream-publish --hour "{{ execution_date }}" --partition-date {{ next_ds }}',
    dag=dag,
)

land >> sessionize >> [late, publish]
