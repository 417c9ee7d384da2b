"""
Scratch-space maintenance. Some tasks are created without a DAG and only attached later:
by a dependency on a task that has one, or by dag.add_task / dag.add_tasks.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator

default_args = {
    'owner': 'platform-ops',
}


def report_usage():
    print('scratch usage report')


# start_date on the DAG itself, not only in default_args: tasks created without a DAG
# have no start_date of their own and take the DAG's when they are attached
dag = DAG('late_binding_tasks', default_args=default_args, start_date=datetime(2020, 4, 1),
          schedule_interval='@daily')

start = DummyOperator(task_id='start', dag=dag)

# no dag=: Airflow 1.10 assigns start's DAG when the dependency is set
cleanup = BashOperator(task_id='cleanup_scratch', bash_command='rm -rf /scratch/{{ ds }}')
start >> cleanup

report = PythonOperator(task_id='report_usage', python_callable=report_usage)
dag.add_task(report)

compress_logs = BashOperator(task_id='compress_logs', bash_command='gzip /scratch/logs/*.log')
rotate_keys = BashOperator(task_id='rotate_keys', bash_command='vault rotate scratch')
dag.add_tasks([compress_logs, rotate_keys])

cleanup >> report
report << [compress_logs, rotate_keys]
