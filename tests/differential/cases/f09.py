from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f09", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
T(f"{3.14159:.3f}".replace(".", "_"))
n = 5
T(f"{n:03d}_{n*2}_{\x27x\x27 if n > 3 else \x27y\x27}")
T(f"{\x27q\x27!r}".replace("\x27", ""))
w = 7
T(f"{w:>{4}}".replace(" ", "_"))
