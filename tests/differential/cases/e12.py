from datetime import datetime, timedelta
from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.decorators import apply_defaults
SD = datetime(2020, 1, 1)

dag = DAG("e12", start_date=SD)
CONFIG = {"a": {"enabled": True, "cmd": "x"}, "b": {"enabled": False, "cmd": "y"}, "c": {"cmd": "z"}}
for key, conf in CONFIG.items():
    if not conf.get("enabled", True):
        continue
    BashOperator(task_id=key, bash_command=conf["cmd"], dag=dag)
