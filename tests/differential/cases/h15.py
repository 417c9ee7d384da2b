from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h15", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
import string
rows = ["  a ,b", "c,  d  "]
cells = [c.strip() for r in rows for c in r.split(",")]
T("_".join(cells))
T("abc".find("c"))
T("abc".index("b"))
T("a_b_c".count("_"))
T("x".center(5, "*"))
T("Hello".ljust(7, ".") + "|")
