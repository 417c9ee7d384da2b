from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d02", start_date=datetime(2020, 1, 1))
steps = [("extract", "e.sh"), ("transform", "t.sh"), ("load", "l.sh")]
ops = {name: BashOperator(task_id=name, bash_command=cmd + " ", dag=dag) for name, cmd in steps}
ops["extract"] >> ops["transform"] >> ops["load"]
