from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f02", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
T("a-b-c-d".split("-", 2)[-1])
T("a.b.c".rsplit(".", 1)[0])
T("key=val".partition("=")[2])
T("hello world".capitalize().replace(" ", "_"))
T("MiXed".swapcase())
T("abc1def".title())
T("ABC".casefold())
