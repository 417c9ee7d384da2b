from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

for n in ("one", "two"):
    d = DAG("g07_" + n, start_date=SD)
    DummyOperator(task_id="t", dag=d)
    globals().update({"g07_" + n: d})
