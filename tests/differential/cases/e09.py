from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

def build():
    d = DAG("e09_hidden", start_date=SD)
    DummyOperator(task_id="t", dag=d)
    return d
build()
dag = DAG("e09", start_date=SD)
DummyOperator(task_id="visible", dag=dag)
