from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d18", start_date=datetime(2020, 1, 1), schedule_interval=None)
ids = ["a.b", "c-d", "e_f"]
for x in ids:
    DummyOperator(task_id=x.title(), dag=dag)
