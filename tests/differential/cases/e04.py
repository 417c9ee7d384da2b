from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

import itertools
dag = DAG("e04", start_date=SD)
for a, b in itertools.product(["x", "y"], [1, 2]):
    DummyOperator(task_id="{}{}".format(a, b), dag=dag)
