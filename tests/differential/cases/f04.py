from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f04", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
names = ["bb", "a", "ccc"]
T(min(names, key=len) + max(names))
T(str(any(n == "a" for n in names)) + str(all(len(n) > 1 for n in names)))
for i in reversed(range(3)):
    T("r%d" % i)
T(names.index("ccc"))
names.insert(1, "zz")
names.extend(["y"])
T(names.pop(0) + names.pop())
T("_".join(names))
T(sum([1, 2, 3]))
