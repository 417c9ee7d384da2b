from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

def sub(parent, child, args):
    d = DAG("%s.%s" % (parent, child), default_args=args, schedule_interval="@daily")
    for i in range(2):
        DummyOperator(task_id="%s-task-%d" % (child, i), dag=d)
    return d
args = {"start_date": SD}
dag = DAG("e07", default_args=args, schedule_interval="@daily")
s = SubDagOperator(task_id="section", subdag=sub("e07", "section", args), dag=dag)
DummyOperator(task_id="after", dag=dag).set_upstream(s)
