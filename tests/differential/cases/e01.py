from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

class MyOp(BaseOperator):
    @apply_defaults
    def __init__(self, table, *args, **kwargs):
        super(MyOp, self).__init__(task_id="load_" + table, *args, **kwargs)
        self.table = table
dag = DAG("e01", start_date=SD)
a = MyOp("users", dag=dag)
b = MyOp(table="orders", dag=dag)
a >> b
