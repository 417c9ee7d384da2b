from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f06", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
T("ab" * 3)
d = {"name": "nm", "n": 3}
T("{name}_{n:02d}".format(**d))
T("{0[name]}".format(d))
T("%(name)s" % d)
T("%r" % "s")
