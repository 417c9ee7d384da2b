from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d15", start_date=datetime(2020, 1, 1))
params = dict(a=1, b=2)
params.update(c=3)
for k, v in sorted(params.items(), reverse=True):
    DummyOperator(task_id="{k}_{v}".format(k=k, v=v), dag=dag)
