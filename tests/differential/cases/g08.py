from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

for n in ("one", "two"):
    locals()["g08_" + n] = DAG("g08_" + n, start_date=SD)
    DummyOperator(task_id="t", dag=locals()["g08_" + n])
