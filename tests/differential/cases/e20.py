from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e20", start_date=SD, default_args={"owner": "x"})
t = DummyOperator(task_id="t", dag=dag) if True else None
u = None or DummyOperator(task_id="u", dag=dag)
t >> u
