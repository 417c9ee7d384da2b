from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e16", start_date=SD)
t = "%(x)s_%(y)s" % {"x": "hello", "y": 5}
DummyOperator(task_id=t, dag=dag)
DummyOperator(task_id="{0}_{1}_{0}".format("p", "q"), dag=dag)
DummyOperator(task_id="-".join(sorted(["z", "y"])), dag=dag)
