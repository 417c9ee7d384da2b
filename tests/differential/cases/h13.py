from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h13", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
def deco(fn):
    def wrapper(*a, **k):
        return "w_" + fn(*a, **k)
    return wrapper
@deco
def name(x):
    return x
T(name("q"))
