from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

from airflow.utils.helpers import chain
dag = DAG("d14", start_date=datetime(2020, 1, 1))
ts = [DummyOperator(task_id="c%d" % i, dag=dag) for i in range(4)]
chain(ts[0], [ts[1], ts[2]], ts[3])
