"""Nightly orchestration and housekeeping.

Waits for warehouse_load, triggers the (unscheduled) data_quality_checks DAG for the same
date, and cleans up the scratch files our jobs leave in /tmp on this worker.
"""
from datetime import timedelta

from airflow.models import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sensors.external_task import ExternalTaskSensor
import pendulum

from common import build_default_args

default_args = build_default_args('data-eng', retries=1)

dag = DAG(
    dag_id='nightly_orchestrator',
    default_args=default_args,
    schedule='0 6 * * *',
    start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
    catchup=False,
)


def pass_run_date(context, dag_run_obj):
    """Airflow 1.10 TriggerDagRunOperator callback: hand our date to the triggered run."""
    dag_run_obj.payload = {'ds': context['ds'], 'triggered_by': context['dag'].dag_id}
    return dag_run_obj


wait_for_warehouse = ExternalTaskSensor(
    task_id='wait_for_warehouse_load',
    external_dag_id='warehouse_load',
    external_task_id='analyze_tables',
    execution_delta=timedelta(hours=4, minutes=30),  # warehouse_load runs at 01:30
    timeout=2 * 60 * 60,
    dag=dag,
)

trigger_checks = TriggerDagRunOperator(
    task_id='trigger_data_quality_checks',
    trigger_dag_id='data_quality_checks',
    python_callable=pass_run_date,
    logical_date='{{ execution_date }}',
    dag=dag,
)

cleanup_scratch = BashOperator(
    task_id='cleanup_scratch_files',
    bash_command=(
        "find /tmp -maxdepth 1 -name '*_{{ macros.ds_add(ds, -7) }}.json' -delete; "
        "find /tmp/airflow_venvs -mindepth 1 -maxdepth 1 -mtime +1 -exec rm -rf {} + || true"
    ),
    trigger_rule='all_done',
    dag=dag,
)

trigger_checks.set_upstream(wait_for_warehouse)
cleanup_scratch.set_upstream(trigger_checks)
