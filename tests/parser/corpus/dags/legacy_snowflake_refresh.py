"""
Snowflake mart refresh, written against the Airflow 1.8 import style that 1.10 still
supports: stock operators and plugin operators straight from `airflow.operators`.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators import BashOperator, DummyOperator, PythonOperator
from airflow.operators import SnowflakeQueryOperator
from airflow.operators.custom_sensors import ApiHealthSensor

MARTS = ['finance', 'marketing']

default_args = {
    'owner': 'analytics-eng',
    'start_date': datetime(2019, 9, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}


def log_refresh(**context):
    print('marts refreshed for', context['ds'])


dag = DAG('legacy_snowflake_refresh', default_args=default_args, schedule_interval='0 5 * * *')

snowflake_up = ApiHealthSensor(
    task_id='snowflake_proxy_healthy',
    service='snowflake-proxy',
    poke_interval=30,
    dag=dag,
)

begin = DummyOperator(task_id='begin', dag=dag)
snowflake_up >> begin

log = PythonOperator(task_id='log_refresh', python_callable=log_refresh, provide_context=True,
                     dag=dag)

for mart in MARTS:
    refresh = SnowflakeQueryOperator(
        task_id='refresh_%s_mart' % mart,
        sql='CALL marts.refresh_%s(\'{{ ds }}\')' % mart,
        dag=dag,
    )
    begin >> refresh >> log

unload = BashOperator(
    task_id='unload_to_s3',
    bash_command='snowsql -q "COPY INTO @exports/marts/{{ ds }}/ FROM marts.summary"',
    dag=dag,
)
log >> unload
