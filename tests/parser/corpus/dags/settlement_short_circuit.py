"""
Card settlement files arrive on business days only; a ShortCircuitOperator skips the rest.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator, ShortCircuitOperator

HOLIDAYS = {'2020-12-25', '2021-01-01', '2021-07-05'}

default_args = {
    'owner': 'payments',
    'start_date': datetime(2020, 12, 1),
    'retries': 4,
    'retry_delay': timedelta(minutes=30),
    'email': ['payments-oncall@example.com'],
}


def is_business_day(**context):
    return context['ds'] not in HOLIDAYS and context['execution_date'].weekday() < 5


def parse_settlement(**context):
    path = '/data/settlement/%s.csv' % context['ds_nodash']
    print('parsing', path)


with DAG('settlement_files', default_args=default_args, schedule_interval='0 7 * * 1-5') as dag:
    check = ShortCircuitOperator(
        task_id='is_business_day',
        python_callable=is_business_day,
        provide_context=True,
    )
    fetch = BashOperator(
        task_id='fetch_settlement_file',
        bash_command='sftp-get settlement/{{ ds_nodash }}.csv /data/settlement/',
    )
    parse = PythonOperator(
        task_id='parse_settlement_file',
        python_callable=parse_settlement,
        provide_context=True,
    )
    reconcile = BashOperator(
        task_id='reconcile_ledger',
        bash_command='ledger reconcile --date {{ ds }}',
    )

    check >> fetch >> parse >> reconcile
