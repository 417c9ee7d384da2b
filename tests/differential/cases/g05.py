from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g05", start_date=SD)
a, b, c, d, e, f = [DummyOperator(task_id=n, dag=dag) for n in "abcdef"]
chain(a, [b, c], [d, e], f)
