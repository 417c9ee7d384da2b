"""
Finance reporting: a BranchPythonOperator picks which report to build for the run.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import BranchPythonOperator, PythonOperator
from airflow.utils.trigger_rule import TriggerRule

REPORT_KINDS = ['daily_summary', 'weekly_rollup', 'month_end_close']

default_args = {
    'owner': 'finance-eng',
    'start_date': datetime(2021, 1, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}


def choose_report(**context):
    execution_date = context['execution_date']
    if execution_date.day == 1:
        return 'build_month_end_close'
    if execution_date.weekday() == 0:
        return 'build_weekly_rollup'
    return 'build_daily_summary'


def build_report(kind, **context):
    print('building %s report for %s' % (kind, context['ds']))


def publish_report(**context):
    print('publishing to the finance share')


dag = DAG('reporting_branch', default_args=default_args, schedule_interval='@daily')

choose = BranchPythonOperator(
    task_id='choose_report',
    python_callable=choose_report,
    provide_context=True,
    dag=dag,
)

# only one branch runs; the others are skipped, so join on one_success
join = DummyOperator(task_id='join', trigger_rule=TriggerRule.ONE_SUCCESS, dag=dag)

publish = PythonOperator(
    task_id='publish',
    python_callable=publish_report,
    provide_context=True,
    dag=dag,
)

for kind in REPORT_KINDS:
    build = PythonOperator(
        task_id='build_' + kind,
        python_callable=build_report,
        op_kwargs={'kind': kind},
        provide_context=True,
        dag=dag,
    )
    choose >> build >> join

join >> publish
