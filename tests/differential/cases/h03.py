from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h03", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
def gen(n):
    for i in range(n):
        yield "g%d" % i
for x in gen(3):
    T(x)
T("-".join(x for x in gen(2)))
