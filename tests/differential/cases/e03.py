from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e03", start_date=SD)
for i, day in enumerate([SD + timedelta(days=d) for d in range(3)], start=1):
    DummyOperator(task_id="day_%d_%s" % (i, day.strftime("%Y%m%d")), dag=dag)
