from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

a = DAG("g02a", start_date=SD)
b = DAG("g02b", start_date=SD)
with a:
    x = DummyOperator(task_id="x")
    y = DummyOperator(task_id="y", dag=b)
    with b:
        z = DummyOperator(task_id="z")
    w = DummyOperator(task_id="w")
