from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e14", start_date=SD)
COUNT = 0
def nxt():
    global COUNT
    COUNT += 1
    return DummyOperator(task_id="n%d" % COUNT, dag=dag)
nxt() >> nxt() >> nxt()
