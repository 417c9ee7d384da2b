from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("h01", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
class Base(object):
    prefix = "base"
    def name(self, n):
        return "%s_%s" % (self.prefix, n)
class Child(Base):
    prefix = "child"
    def name(self, n):
        return super(Child, self).name(n).upper()
T(Child().name("x"))
T(Base().name("y"))
