from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

import re
dag = DAG("e05", start_date=SD)
for name in ["My Table", "Other-Table!"]:
    DummyOperator(task_id=re.sub(r"[^a-zA-Z0-9_]", "_", name).lower(), dag=dag)
