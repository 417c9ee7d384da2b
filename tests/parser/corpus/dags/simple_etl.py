"""
Nightly ETL for the orders export: extract, transform, load into the warehouse.

Owner: data-platform (#data-platform on Slack)
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator

default_args = {
    'owner': 'data-platform',
    'depends_on_past': False,
    'start_date': datetime(2019, 6, 1),
    'email': ['data-alerts@example.com'],
    'email_on_failure': True,
    'email_on_retry': False,
    'retries': 2,
    'retry_delay': timedelta(minutes=10),
}

dag = DAG(
    'simple_etl',
    default_args=default_args,
    description='Nightly orders ETL',
    schedule_interval='@daily',
    catchup=False,
)

extract = BashOperator(
    task_id='extract_orders',
    bash_command='python /opt/etl/extract.py --date {{ ds }} --out /tmp/orders_{{ ds_nodash }}.csv',
    dag=dag,
)

transform = BashOperator(
    task_id='transform_orders',
    bash_command='python /opt/etl/transform.py /tmp/orders_{{ ds_nodash }}.csv',
    dag=dag,
)

load = BashOperator(
    task_id='load_orders',
    bash_command='python /opt/etl/load.py --table analytics.orders --date {{ ds }}',
    dag=dag,
)

extract >> transform >> load
