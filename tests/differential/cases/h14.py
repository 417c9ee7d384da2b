from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h14", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
tasks = {}
for i in range(3):
    def make(i=i):
        return "m%d" % i
    tasks[make()] = i
for k in tasks:
    T(k)
x = [1, 2, 3, 4]
x[1:3] = ["a"]
T(str(x).replace(" ", "").replace("[", "").replace("]", "").replace(",", "_").replace("\x27", ""))
