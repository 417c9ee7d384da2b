from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d23", start_date=datetime(2020, 1, 1))
TEMPLATE = "run_{env}_{step}"
for env in ("dev", "prod"):
    prev = None
    for step in ("a", "b"):
        cur = DummyOperator(task_id=TEMPLATE.format(env=env, step=step), dag=dag)
        prev and prev.set_downstream(cur)
        prev = cur
