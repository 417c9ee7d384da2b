"""
Regional revenue report, written for the Python 2.7 workers in 2017 and never ported.

Under Python 3 this file does not even compile, so the scheduler shows an import error
and nothing in it runs.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.python_operator import PythonOperator
from airflow.operators.bash_operator import BashOperator

default_args = {
    'owner': 'bi-legacy',
    'start_date': datetime(2017, 3, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}


def revenue_report(ds, **kwargs):
    print "Building revenue report for", ds
    totals = {}
    for region, amount in kwargs['params']['regions'].iteritems():
        totals[region] = long(amount)
    print "totals: %r" % totals
    return totals


dag = DAG('legacy_revenue_report', default_args=default_args, schedule_interval='@daily')

report = PythonOperator(
    task_id='revenue_report',
    python_callable=revenue_report,
    provide_context=True,
    params={'regions': {'emea': '0', 'amer': '0'}},
    dag=dag,
)

mail = BashOperator(
    task_id='mail_report',
    bash_command='mail -s "revenue {{ ds }}" bi@acme.example.com < /tmp/revenue_{{ ds }}.txt',
    dag=dag,
)

report >> mail
