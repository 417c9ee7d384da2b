from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d12", start_date=datetime(2020, 1, 1))
def branch(**kw):
    return "a"
b = BranchPythonOperator(task_id="b", python_callable=branch, provide_context=True, dag=dag)
for n in "abc":
    b >> DummyOperator(task_id=n * 2, dag=dag)
