from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e13", start_date=SD)
fns = [lambda i=i: "l%d" % i for i in range(3)]
for f in fns:
    DummyOperator(task_id=f(), dag=dag)
