from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d03", start_date=datetime(2020, 1, 1))
def make(name, upstream=None):
    t = DummyOperator(task_id=name.replace("-", "_").lower(), dag=dag)
    if upstream is not None:
        upstream.set_downstream(t)
    return t
a = make("Start-Here")
b = make("Middle-One", a)
c = make("End-Two", b)
[make("side-%d" % i, a) for i in range(3)]
