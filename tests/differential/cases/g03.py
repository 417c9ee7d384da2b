from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

a = DAG("g03a", start_date=SD)
b = DAG("g03b", start_date=SD)
x = DummyOperator(task_id="x", dag=a)
y = DummyOperator(task_id="y", dag=b)
x >> y
