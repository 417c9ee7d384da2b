from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.helpers import chain, cross_downstream
SD = datetime(2020, 1, 1)

dag = DAG("g17", start_date=SD)
x = DummyOperator(task_id="x", dag=dag)
ys = [DummyOperator(task_id="y%d" % i, dag=dag) for i in range(2)]
x.set_downstream(ys)
DummyOperator(task_id="z", dag=dag).set_upstream(ys)
