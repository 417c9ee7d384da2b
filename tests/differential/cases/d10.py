from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d10", start_date=datetime(2020, 1, 1))
i = 0
prev = DummyOperator(task_id="s", dag=dag)
while i < 4:
    cur = DummyOperator(task_id="w%d" % i, dag=dag)
    prev >> cur
    prev = cur
    i += 2
