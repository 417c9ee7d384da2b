from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h04", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
def f(a, *rest, sep="_", **kw):
    return sep.join([a] + list(rest) + sorted(kw))
T(f("a", "b", "c"))
T(f("a", sep="-", z=1, y=2))
args = ["p", "q"]
T(f(*args))
T(f(**{"a": "m", "k": 1}))
