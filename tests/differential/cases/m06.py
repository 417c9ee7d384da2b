from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

DAG_ID = "m06"
with DAG(DAG_ID, start_date=SD, schedule_interval="@hourly") as dag:
    tasks = [DummyOperator(task_id="t%d" % i) for i in range(3)]
    for a, b in zip(tasks, tasks[1:]):
        a.set_downstream(b)
    dag.doc_md = "doc"
DummyOperator(task_id="after", dag=dag).set_upstream(tasks[-1])
