"""
Dump the core MySQL tables to S3 every night, one extract/upload pair per table.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

TABLES = ['users', 'orders', 'payments', 'refunds']

default_args = {
    'owner': 'data-platform',
    'depends_on_past': False,
    'start_date': datetime(2019, 1, 1),
    'retries': 2,
    'retry_delay': timedelta(minutes=5),
}

dag = DAG(
    'mysql_to_s3_daily',
    default_args=default_args,
    schedule_interval='@daily',
    catchup=False,
)

start = DummyOperator(task_id='start', dag=dag)
end = DummyOperator(task_id='end', dag=dag)

for table in TABLES:
    extract = BashOperator(
        task_id='extract_' + table,
        bash_command='mysqldump --single-transaction shop %s > /tmp/%s_{{ ds_nodash }}.sql' % (table, table),
        dag=dag,
    )
    upload = BashOperator(
        task_id='upload_' + table + '_to_s3',
        bash_command='aws s3 cp /tmp/%s_{{ ds_nodash }}.sql s3://acme-dumps/%s/{{ ds }}/' % (table, table),
        dag=dag,
    )
    start >> extract >> upload >> end
