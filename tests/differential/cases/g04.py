from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g04", start_date=SD)
with dag:
    t = BashOperator(task_id="t", bash_command="x", dag=None)
    u = DummyOperator(task_id="u")
t >> u
