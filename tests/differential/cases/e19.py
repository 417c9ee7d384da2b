from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e19", start_date=SD)
tables = {"t1": ["c1", "c2"], "t2": []}
for t, cols in tables.items():
    load = DummyOperator(task_id="load_" + t, dag=dag)
    checks = [DummyOperator(task_id="check_%s_%s" % (t, c), dag=dag) for c in cols]
    load >> checks
