from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d20", start_date=datetime(2020, 1, 1))
sources = ["s1", "s2"]
sinks = ["k1", "k2"]
srcs = [DummyOperator(task_id=s, dag=dag) for s in sources]
snks = [DummyOperator(task_id=s, dag=dag) for s in sinks]
for s in srcs:
    s >> snks
mid = DummyOperator(task_id="mid", dag=dag)
snks >> mid
