from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h07", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
import os
from pathlib import Path
T(os.path.splitext("a/b/c.tar.gz")[1].strip("."))
T(Path("/x/y/job_name.py").stem)
T(Path("/x/y/job_name.py").parent.name)
