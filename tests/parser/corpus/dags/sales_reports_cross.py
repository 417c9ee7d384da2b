"""
Regional sales reports need every sales source loaded first.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator
from airflow.utils.helpers import cross_downstream

SOURCES = ('pos', 'web', 'wholesale')
REPORT_REGIONS = ('emea', 'amer')

default_args = {
    'owner': 'sales-analytics',
    'start_date': datetime(2020, 2, 1),
}


def build_sales_report(region, **context):
    print('sales report for %s on %s' % (region, context['ds']))


dag = DAG('sales_reports', default_args=default_args, schedule_interval='0 8 * * *')

loads = [
    BashOperator(
        task_id=f'load_{src}_sales',
        bash_command=f'sales load --source {src} --date {{{{ ds }}}}',
        dag=dag,
    )
    for src in SOURCES
]

reports = [
    PythonOperator(
        task_id=f'{region}_sales_report',
        python_callable=build_sales_report,
        op_kwargs={'region': region},
        provide_context=True,
        dag=dag,
    )
    for region in REPORT_REGIONS
]

archive = BashOperator(task_id='archive_reports', bash_command='sales archive --date {{ ds }}', dag=dag)

cross_downstream(from_tasks=loads, to_tasks=reports)
archive << reports
