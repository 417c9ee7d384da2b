from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

default_args = {"start_date": datetime(2020, 1, 1), "retries": 1}
def create_dag(dag_id, n):
    d = DAG(dag_id, default_args=default_args, schedule_interval=None)
    with d:
        prev = None
        for i in range(n):
            t = DummyOperator(task_id="step%d" % i)
            if prev: prev >> t
            prev = t
    return d
for name, n in [("alpha", 2), ("beta", 3)]:
    dag_id = "d19_" + name
    globals()[dag_id] = create_dag(dag_id, n)
