from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

dag = DAG("m03", start_date=SD)
DummyOperator(task_id="x_{{ ds }}", dag=dag)
