from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

import os
dag = DAG(os.path.basename(__file__).replace(".py", ""), start_date=datetime(2020, 1, 1))
t = DummyOperator(task_id="only", dag=dag)
