"""
Month-to-date finance close. Waits for the ledger and FX DAGs of the same schedule,
gives late corrections half an hour, then closes the books.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.email_operator import EmailOperator
from airflow.operators.python_operator import PythonOperator
from airflow.sensors.external_task_sensor import ExternalTaskSensor
from airflow.sensors.time_delta_sensor import TimeDeltaSensor

default_args = {
    'owner': 'finance-eng',
    'start_date': datetime(2020, 1, 1),
    'email': ['finance-eng@example.com'],
    'retries': 2,
}


def close_books(**context):
    print('closing books for', context['ds'])


dag = DAG('finance_close', default_args=default_args, schedule_interval='0 6 * * *')

wait_ledger = ExternalTaskSensor(
    task_id='wait_for_ledger_load',
    external_dag_id='ledger_load',
    external_task_id='load_complete',
    execution_delta=timedelta(hours=1),
    poke_interval=300,
    timeout=4 * 3600,
    dag=dag,
)

wait_fx = ExternalTaskSensor(
    task_id='wait_for_fx_rates',
    external_dag_id='fx_rates',
    external_task_id='publish_rates',
    allowed_states=['success'],
    dag=dag,
)

grace = TimeDeltaSensor(task_id='grace_period', delta=timedelta(minutes=30), dag=dag)

close = PythonOperator(task_id='close_books', python_callable=close_books, provide_context=True,
                       dag=dag)

notify = EmailOperator(
    task_id='notify_controllers',
    to=['controllers@example.com'],
    subject='Books closed for {{ ds }}',
    html_content='The daily close for {{ ds }} finished.',
    dag=dag,
)

[wait_ledger, wait_fx] >> grace
grace >> close >> notify
