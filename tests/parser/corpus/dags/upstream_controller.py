"""
Builds the hourly snapshot, then triggers the DAGs that consume it.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dagrun_operator import TriggerDagRunOperator

TARGETS = ['refresh_dashboards', 'export_to_partners']

default_args = {
    'owner': 'data-platform',
    'start_date': datetime(2020, 7, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=2),
}


def conditionally_trigger(context, dag_run_obj):
    """1.10-style TriggerDagRunOperator callable: return the dag_run_obj to trigger."""
    if context['params']['condition_param']:
        dag_run_obj.payload = {'message': context['params']['message']}
        return dag_run_obj


with DAG('upstream_controller', default_args=default_args, schedule_interval='@hourly',
         catchup=False) as dag:
    build = BashOperator(
        task_id='build_snapshot',
        bash_command='snapshot build --ts {{ ts_nodash }}',
    )

    for target in TARGETS:
        trigger = TriggerDagRunOperator(
            task_id='trigger_' + target,
            trigger_dag_id=target,
            python_callable=conditionally_trigger,
            params={'condition_param': True, 'message': 'snapshot ready'},
        )
        build >> trigger
