from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG(dag_id="d13", start_date=datetime(2020, 1, 1))
tasks = {}
for n in range(3):
    tasks[n] = DummyOperator(task_id=f"t{n:03d}", dag=dag)
for n in range(1, 3):
    tasks[n - 1].set_downstream(tasks[n])
tasks[0].set_upstream(DummyOperator(task_id="root", dag=dag))
