from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f07", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
rows = [[1, 2], [3, 4]]
T("_".join(str(c) for r in rows for c in r if c % 2 == 0))
T("_".join([str(x) for x in range(10) if x % 3 == 0]))
T(len({1: 2, 3: 4}))
x = [3, 1, 2]
x.sort(reverse=True)
T("".join(map(str, x)))
y = sorted("cab")
T("".join(y))
