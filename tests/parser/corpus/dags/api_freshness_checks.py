"""
Freshness and null checks on the API-facing tables. Imports the plugin classes
directly from their modules (the plugins folder is on sys.path), as newer code does.
"""
from datetime import timedelta

from airflow import DAG
from airflow.utils.dates import days_ago

from company_operators import SnowflakeQueryOperator
from dq_plugin import NullCheckOperator
from sensors_plugin import ApiHealthSensor

API_TABLES = {
    'api.accounts': ['account_id', 'plan'],
    'api.usage': ['account_id', 'metric', 'value'],
}

default_args = {
    'owner': 'platform-api',
    'start_date': days_ago(1),
    'retries': 1,
    'retry_delay': timedelta(minutes=2),
}

dag = DAG('api_freshness_checks', default_args=default_args, schedule_interval='@hourly',
          catchup=False)

api_up = ApiHealthSensor(task_id='api_healthy', service='public-api', dag=dag)

for table, columns in API_TABLES.items():
    short = table.split('.')[-1]
    null_check = NullCheckOperator(
        task_id='null_check_' + short,
        table=table,
        columns=columns,
        dag=dag,
    )
    api_up >> null_check

mark_fresh = SnowflakeQueryOperator(
    task_id='mark_fresh',
    sql="UPDATE api.freshness SET checked_at = '{{ ts }}'",
    dag=dag,
)
mark_fresh.set_upstream([dag.get_task('null_check_accounts'), dag.get_task('null_check_usage')])
