from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e10_first", start_date=SD)
DummyOperator(task_id="t", dag=dag)
dag = DAG("e10_second", start_date=SD)
DummyOperator(task_id="u", dag=dag)
other = DAG("e10_third", start_date=SD)
del other
