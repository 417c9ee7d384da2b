from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

dag = DAG("m05", start_date=SD)
t = BashOperator(task_id="t", bash_command="echo {{ ds }}", dag=dag)
t2 = BashOperator(task_id="t2", bash_command="run.sh ", dag=dag, retries=3, trigger_rule="all_done")
t >> t2
if t2.retries > 2:
    DummyOperator(task_id="many_retries", dag=dag)
DummyOperator(task_id="tr_" + t2.trigger_rule, dag=dag)
