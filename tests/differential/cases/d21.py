from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d21", start_date=datetime(2020, 1, 1))
names = ["%s_%s" % (a, b) for a in ("x", "y") for b in (1, 2) if not (a == "y" and b == 2)]
for n in names:
    DummyOperator(task_id=n, dag=dag)
