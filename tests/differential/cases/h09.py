from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h09", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
m = [[1, 2, 3], [4, 5, 6]]
for col in zip(*m):
    T("c" + "".join(map(str, col)))
a = {"x": 1}
b = {"y": 2}
T(sorted(dict(a, **b)))
T(sorted({**a, **b, "z": 3}))
T(sorted(a | b))
