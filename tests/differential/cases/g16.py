from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

def make(dag_id, schedule):
    return DAG(dag_id, start_date=SD, schedule_interval=schedule)
DAGS = {n: make("g16_" + n, s) for n, s in [("a", "@daily"), ("b", None)]}
for n, d in DAGS.items():
    DummyOperator(task_id="t_" + n, dag=d)
globals().update(DAGS)
