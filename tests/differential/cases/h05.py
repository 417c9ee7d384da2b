from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h05", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
T("fib%d" % fib(10))
