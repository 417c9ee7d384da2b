"""
Refreshes one warehouse table chosen by operators through Airflow Variables
(Admin -> Variables), so the task ids are only known at parse time on the server.
"""
from datetime import datetime

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

TARGET_TABLE = Variable.get("refresh_target_table", default_var="events")

default_args = {
    "owner": "warehouse",
    "start_date": datetime(2021, 5, 1),
    "retries": 1,
}

dag = DAG("variable_table_refresh", default_args=default_args, schedule_interval="@daily")

start = DummyOperator(task_id="start", dag=dag)

load = BashOperator(
    task_id=f"load_{TARGET_TABLE}",
    bash_command=f"warehouse load {TARGET_TABLE} --date {{{{ ds }}}}",
    dag=dag,
)

refresh = BashOperator(
    task_id=Variable.get("refresh_task_id", default_var="refresh_table"),
    bash_command="warehouse refresh %s" % TARGET_TABLE,
    dag=dag,
)

done = DummyOperator(task_id="done", dag=dag)

start >> load >> refresh >> done
