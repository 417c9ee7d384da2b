from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d17", start_date=datetime(2020, 1, 1))
def group(prefix, n):
    first = DummyOperator(task_id=prefix + "_first", dag=dag)
    last = first
    for i in range(n):
        nxt = DummyOperator(task_id="%s_%d" % (prefix, i), dag=dag)
        last >> nxt
        last = nxt
    return first, last
f1, l1 = group("g1", 2)
f2, l2 = group("g2", 1)
l1 >> f2
