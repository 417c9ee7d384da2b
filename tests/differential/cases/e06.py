from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e06", start_date=SD)
names = ["a", "b", "c", "d"]
for n in names[::-1][1:3]:
    DummyOperator(task_id=n.rjust(3, "0") + "-" + str(len(n)).zfill(2), dag=dag)
