from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h10", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
data = [3, 1, 2]
if (n := len(data)) > 2:
    T("n%d" % n)
T(sorted(data, key=lambda v: -v))
T(max(data) - min(data))
