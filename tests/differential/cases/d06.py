from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d06", start_date=datetime(2020, 1, 1))
NAMES = ["x", "y", "z"]
tasks = list(map(lambda n: DummyOperator(task_id="t_" + n, dag=dag), NAMES))
for up, down in zip(tasks, tasks[1:]):
    up >> down
