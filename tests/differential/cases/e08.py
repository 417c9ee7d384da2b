from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

args = {"start_date": SD, "owner": "a"}
dag = DAG("e08", default_args=args)
args["start_date"] = None
t = DummyOperator(task_id="t", dag=dag)
