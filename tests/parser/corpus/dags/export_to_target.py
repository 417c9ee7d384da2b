"""
Builds the daily export and ships it to whatever target the `export_target` Variable
names (s3, gcs or sftp).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash_operator import BashOperator

default_args = {
    'owner': 'integrations',
    'start_date': datetime(2020, 6, 1),
    'retries': 2,
    'retry_delay': timedelta(minutes=10),
}

# read at parse time; only used inside the command, so it does not change any task id
EXPORT_CONFIG = Variable.get('export_config', deserialize_json=True, default_var={})

with DAG('export_to_target', default_args=default_args, schedule_interval='0 4 * * *') as dag:
    build = BashOperator(
        task_id='build_export',
        bash_command='exporter build --date {{ ds }} --format %s'
        % EXPORT_CONFIG.get('format', 'csv'),
    )

    ship = BashOperator(
        task_id='export_' + Variable.get('export_target', default_var='s3'),
        bash_command='exporter ship --date {{ ds }} --to {{ var.value.export_target }}',
    )

    verify = BashOperator(
        task_id='verify_export',
        bash_command='exporter verify --date {{ ds }}',
    )

    build >> ship >> verify
