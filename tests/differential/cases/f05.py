from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f05", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
d = {"a": 1, "b": 2}
T(d.pop("a"))
T(d.get("zz", "dflt"))
m = dict(zip(["k1", "k2"], [10, 20]))
for k, v in sorted(m.items(), key=lambda kv: -kv[1]):
    T(k + "_" + str(v))
for i, k in enumerate({"x": 1, "y": 2}):
    T("%s%d" % (k, i))
