from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d05", start_date=datetime(2020, 1, 1))
with dag:
    a, b, c = [DummyOperator(task_id=n) for n in ("a", "b", "c")]
    a >> (b, c)
    d = DummyOperator(task_id="d")
    d << [b, c]
