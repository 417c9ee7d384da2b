from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
import airflow
dag = DAG("p02", start_date=datetime(2020, 1, 1))
ver = airflow.__version__ if hasattr(airflow, "__version__") else "x"
tasks = []
class Builder(object):
    count = 0
    def __call__(self, name):
        Builder.count += 1
        t = DummyOperator(task_id="%s_%d" % (name, Builder.count), dag=dag)
        tasks.append(t)
        return t
b = Builder()
b("a") >> b("b")
for i in range(len(tasks) - 1):
    pass
DummyOperator(task_id="total_%d" % len(tasks), dag=dag)
