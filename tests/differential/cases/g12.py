from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g12", start_date=SD)
x = DummyOperator(task_id="x")
y = DummyOperator(task_id="y")
x >> y
