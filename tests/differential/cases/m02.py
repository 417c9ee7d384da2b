from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

dag = DAG("m02", start_date=SD)
a = DummyOperator(task_id="a", dag=dag)
b = DummyOperator(task_id="b", dag=dag)
a >> b
for u in b.upstream_list:
    DummyOperator(task_id="up_" + u.task_id, dag=dag)
DummyOperator(task_id="dag_" + a.dag.dag_id, dag=dag)
DummyOperator(task_id="dn_" + "_".join(t.task_id for t in a.downstream_list), dag=dag)
