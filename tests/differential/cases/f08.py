from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f08", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
import string
T(string.ascii_lowercase[:3])
T("x".join(list("abc")))
T("  pad ".strip())
T("__x__".strip("_"))
T("abc".upper().lower().startswith("a"))
T("abc".endswith(("c", "d")))
T("a,b,,c".split(","))
