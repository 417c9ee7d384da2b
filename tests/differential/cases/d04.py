from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d04", start_date=datetime(2020, 1, 1))
regions = "us,eu, ap ,sa".split(",")
start = DummyOperator(task_id="start", dag=dag)
end = DummyOperator(task_id="end", dag=dag)
for r in [x.strip() for x in regions if x.strip() != "sa"]:
    t = BashOperator(task_id="sync_{}".format(r.upper()), bash_command="s", dag=dag)
    start >> t >> end
