"""
Partner invoice export.

Broken in Airflow since the upload step was added: the new task was created without
dag=dag, so it only joins the DAG through `build >> upload`. At that point Airflow 1.10
raises "Task is missing the start_date parameter" (the task has none, and the DAG's
start_date is only in default_args, which DAG() does not copy to dag.start_date), and
the whole file fails to import.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator

default_args = {
    'owner': 'finance-eng',
    'start_date': datetime(2021, 1, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}

dag = DAG('invoice_export', default_args=default_args, schedule_interval='@daily')

build = BashOperator(
    task_id='build_invoice_file',
    bash_command='invoices export --date {{ ds }} --out /tmp/invoices_{{ ds_nodash }}.csv',
    dag=dag,
)

upload = BashOperator(
    task_id='upload_invoice_file',
    bash_command='aws s3 cp /tmp/invoices_{{ ds_nodash }}.csv s3://acme-partner-drop/invoices/',
)

build >> upload
