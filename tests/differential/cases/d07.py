from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d07", start_date=datetime(2020, 1, 1))
cfg = {"jobs": [{"name": "a", "deps": []}, {"name": "b", "deps": ["a"]}, {"name": "c", "deps": ["a", "b"]}]}
made = {}
for job in cfg["jobs"]:
    made[job["name"]] = DummyOperator(task_id=job["name"], dag=dag)
    for dep in job.get("deps", []):
        made[dep] >> made[job["name"]]
