from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e11", start_date=SD)
ops = []
for i in range(5):
    if i == 3:
        break
    ops.append(DummyOperator(task_id="b%d" % i, dag=dag))
else:
    ops.append(DummyOperator(task_id="never", dag=dag))
for i in range(2):
    pass
else:
    DummyOperator(task_id="else_ran", dag=dag)
