from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

args = {"start_date": SD, "owner": "a"}
dag = DAG("g01", default_args=args)
args["owner"] = "b"
args["start_date"] = None
DummyOperator(task_id="t", dag=dag)
