"""
Warehouse load written upstream-first with the << operator.
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.dates import days_ago

args = {
    "owner": "warehouse",
    "start_date": days_ago(1),
    "retry_delay": timedelta(minutes=2),
}

dag = DAG(
    dag_id="warehouse_lshift",
    default_args=args,
    schedule_interval=None,
)

extract = BashOperator(task_id="extract", bash_command="wh extract {{ ds }}", dag=dag)
transform = BashOperator(task_id="transform", bash_command="wh transform {{ ds }}", dag=dag)
load = BashOperator(task_id="load", bash_command="wh load {{ ds }}", dag=dag)
audit = BashOperator(task_id="audit", bash_command="wh audit {{ ds }}", dag=dag)
notify = DummyOperator(task_id="notify", dag=dag)

# load depends on transform, which depends on extract
load << transform << extract
audit << extract
notify << [load, audit]
