from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g15", start_date=SD)
tasks = []
for i in range(3):
    tasks.append(DummyOperator(task_id="t%d" % i, dag=dag))
    if len(tasks) > 1:
        tasks[-2] >> tasks[-1]
tasks[0] << tasks[-1] if False else None
