"""Platform orchestration.

Waits for the orders ETL of the same day, then triggers the (unscheduled)
late-rows data-quality DAG, handing it the run date through the payload.
"""
from datetime import timedelta

from airflow.models import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dagrun_operator import TriggerDagRunOperator
from airflow.sensors.external_task_sensor import ExternalTaskSensor
from airflow.utils.dates import days_ago

default_args = {
    'owner': 'data-platform',
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}

dag = DAG(
    dag_id='platform_orchestrator',
    default_args=default_args,
    schedule_interval='0 6 * * *',
    start_date=days_ago(1),
    catchup=False,
)


def pass_run_date(context, dag_run_obj):
    """Airflow 1.10 TriggerDagRunOperator callback: decide and fill the payload."""
    if context['dag_run'].external_trigger:
        return None  # manual runs of the orchestrator do not cascade
    dag_run_obj.payload = {'ds': context['ds'], 'triggered_by': context['dag'].dag_id}
    return dag_run_obj


wait_for_orders = ExternalTaskSensor(
    task_id='wait_for_orders_etl',
    external_dag_id='orders_etl',
    external_task_id='done',
    execution_delta=timedelta(hours=6),  # orders_etl runs at midnight
    timeout=3 * 60 * 60,
    mode='reschedule',
    dag=dag,
)

trigger_dq = TriggerDagRunOperator(
    task_id='trigger_dq_late_rows',
    trigger_dag_id='dq_late_rows',
    python_callable=pass_run_date,
    execution_date='{{ ds }}',
    dag=dag,
)

log_run = BashOperator(
    task_id='log_orchestration',
    bash_command='echo "orchestrated run {{ run_id }} for {{ execution_date }}" >> /var/log/airflow/orchestrator.log',
    dag=dag,
)

wait_for_orders >> trigger_dq >> log_run
