from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

import json
dag = DAG("d16", start_date=datetime(2020, 1, 1))
spec = json.loads("{\"tasks\": [\"p\", \"q\"]}")
for t in spec["tasks"]:
    DummyOperator(task_id=t, dag=dag)
