from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g13", start_date=SD)
x = DummyOperator(task_id="x")
dag.add_task(x)
y = DummyOperator(task_id="y")
y.dag = dag
z = DummyOperator(task_id="z")
dag.add_tasks([z])
x >> y >> z
