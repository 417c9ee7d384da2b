from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d24", start_date=datetime(2020, 1, 1))
x = {"a": DummyOperator(task_id="a", dag=dag)}
x.setdefault("b", DummyOperator(task_id="b", dag=dag))
x.setdefault("a", DummyOperator(task_id="a2", dag=dag))
x["a"] >> x["b"]
DummyOperator(task_id="tail", dag=dag).set_upstream(list(x.values()))
