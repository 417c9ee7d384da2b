from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

dag = DAG("m07", start_date=SD, catchup=False, max_active_runs=1, concurrency=4, tags=["a"])
def cb(context): pass
DummyOperator(task_id="x", dag=dag, on_failure_callback=cb, sla=timedelta(hours=1), pool="p", priority_weight=3, queue="q")
