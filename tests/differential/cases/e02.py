from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

import functools
dag = DAG("e02", start_date=SD)
mk = functools.partial(BashOperator, dag=dag, bash_command="x")
mk(task_id="p1") >> mk(task_id="p2")
