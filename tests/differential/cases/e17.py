from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e17", start_date=SD)
steps = ["a", "b", "c"]
ops = [DummyOperator(task_id=s, dag=dag) for s in steps]
for i in range(len(ops) - 1):
    ops[i + 1].set_upstream(ops[i])
ops[-1] << DummyOperator(task_id="extra", dag=dag)
