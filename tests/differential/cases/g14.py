from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

default_args = {"start_date": SD}
dag = DAG("g14", default_args=default_args)
t = DummyOperator(task_id="free")
dag >> t
u = DummyOperator(task_id="free2")
u << dag
t >> u
