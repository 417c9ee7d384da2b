from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

class Factory(object):
    def __init__(self, dag_id):
        self.dag = DAG(dag_id, start_date=datetime(2020, 1, 1))
    def task(self, name):
        return DummyOperator(task_id=name, dag=self.dag)
f = Factory("d08")
one = f.task("one")
two = f.task("two")
one >> two
dag = f.dag
