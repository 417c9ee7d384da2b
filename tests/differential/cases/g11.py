from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g11", start_date=SD)
a = DummyOperator(task_id="a", dag=dag)
a >> a
