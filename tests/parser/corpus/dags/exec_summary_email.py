"""
Weekly executive summary e-mail. LatestOnlyOperator keeps backfills from mailing
anyone.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.email_operator import EmailOperator
from airflow.operators.latest_only_operator import LatestOnlyOperator
from airflow.operators.python_operator import PythonOperator

RECIPIENTS = ['ceo@example.com', 'cfo@example.com', 'vp-data@example.com']

default_args = {
    'owner': 'bi',
    'start_date': datetime(2019, 1, 7),
    'retries': 2,
    'retry_delay': timedelta(minutes=30),
}


def build_summary(**context):
    return '<h1>Week of %s</h1><p>See the dashboard.</p>' % context['ds']


with DAG('exec_summary_email', default_args=default_args, schedule_interval='0 9 * * 1') as dag:
    latest_only = LatestOnlyOperator(task_id='latest_only')

    build = PythonOperator(
        task_id='build_summary',
        python_callable=build_summary,
        provide_context=True,
    )

    send = EmailOperator(
        task_id='send_summary',
        to=RECIPIENTS,
        subject='Weekly summary {{ ds }}',
        html_content="{{ ti.xcom_pull(task_ids='build_summary') }}",
    )

    latest_only >> build >> send
