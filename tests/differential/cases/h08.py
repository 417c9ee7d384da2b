from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h08", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
T(datetime.strptime("2021-03-04", "%Y-%m-%d").strftime("d%Y%m%d"))
T(int("42") + int(3.9) + int(True))
T(float("1.5"))
T(bool("") or "empty")
T(list(range(0, 10, 3)))
