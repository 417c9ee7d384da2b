from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

args = {"owner": "a", "start_date": datetime(2020, 1, 1)}
dag = DAG("d01", default_args=args, schedule_interval="@daily")
tables = sorted({"b": 2, "a": 1, "c": 3}, key=lambda k: -{"b": 2, "a": 1, "c": 3}[k])
prev = None
for i, t in enumerate(tables):
    op = BashOperator(task_id="load_%02d_%s" % (i, t), bash_command="echo", dag=dag)
    if prev:
        prev >> op
    prev = op
