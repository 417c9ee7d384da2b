from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d22", start_date=datetime(2020, 1, 1))
t1 = DummyOperator(task_id="t1", dag=dag)
t2 = DummyOperator(task_id="t2", dag=dag)
t1.set_downstream(t2)
t1 >> t2
t3 = DummyOperator(task_id="t1", dag=dag)
t3 >> DummyOperator(task_id="t4", dag=dag)
