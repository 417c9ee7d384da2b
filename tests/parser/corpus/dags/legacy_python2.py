"""
Old reporting DAG from the Python 2.7 days; never ported. Under Python 3 the file does
not compile, so Airflow reports an import error and loads no DAG from it.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.python_operator import PythonOperator

default_args = {
    'owner': 'bi',
    'start_date': datetime(2017, 5, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}


def print_context(ds, **kwargs):
    print "Running report for", ds
    for key, value in kwargs.iteritems():
        print "%s = %s" % (key, value)
    return 'Whatever you return gets printed in the logs'


def parse_totals(**kwargs):
    try:
        total = int(kwargs['params']['total'])
    except ValueError, e:
        print "bad total: %s" % e
        total = 0
    return total


dag = DAG('py2_bi_report', default_args=default_args, schedule_interval='@daily')

run_this = PythonOperator(
    task_id='print_the_context',
    provide_context=True,
    python_callable=print_context,
    dag=dag,
)

totals = PythonOperator(
    task_id='parse_totals',
    provide_context=True,
    python_callable=parse_totals,
    params={'total': '42'},
    dag=dag,
)

run_this >> totals
