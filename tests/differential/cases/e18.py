from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

class Pipeline:
    steps = ("one", "two")
    @classmethod
    def build(cls, dag):
        prev = None
        for s in cls.steps:
            t = DummyOperator(task_id=s, dag=dag)
            if prev is not None:
                prev >> t
            prev = t
dag = DAG("e18", start_date=SD)
Pipeline.build(dag)
