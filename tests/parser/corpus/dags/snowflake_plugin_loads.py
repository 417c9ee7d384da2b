"""
Raw event loads into Snowflake with the in-house plugins:
custom_sensors (PartitionSensor), company_operators (S3 -> Snowflake, queries),
data_quality (row counts).
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.company_operators import S3ToSnowflakeOperator, SnowflakeQueryOperator
from airflow.operators.data_quality import RowCountCheckOperator
from airflow.sensors.custom_sensors import PartitionSensor

TABLES = ['events', 'sessions']

default_args = {
    'owner': 'data-platform',
    'start_date': datetime(2021, 1, 1),
    'retries': 2,
}

with DAG('snowflake_loads', default_args=default_args, schedule_interval='@daily') as dag:
    checks = []
    for table in TABLES:
        wait = PartitionSensor(
            task_id=f'wait_{table}_partition',
            table=f'raw.{table}',
            poke_interval=600,
        )
        copy = S3ToSnowflakeOperator(
            task_id=f'copy_{table}',
            s3_key=f'{table}/{{{{ ds }}}}/',
            table=f'RAW.{table.upper()}',
        )
        check = RowCountCheckOperator(
            task_id=f'check_{table}_rows',
            table=f'RAW.{table.upper()}',
            min_rows=1000,
            conn_id='snowflake_default',
        )
        wait >> copy >> check
        checks.append(check)

    refresh = SnowflakeQueryOperator(task_id='refresh_marts', sql='CALL marts.refresh_all()')
    checks >> refresh
