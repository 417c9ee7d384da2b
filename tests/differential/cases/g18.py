from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

from airflow.models import DAG as Dag
dag = Dag(dag_id="g18", default_args={"start_date": SD, "retries": 2})
with dag as d:
    DummyOperator(task_id="in_ctx")
print(dag.dag_id)
