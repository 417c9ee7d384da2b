from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator

dag = DAG("d11", start_date=datetime(2020, 1, 1))
try:
    import nonexistent_lib_zz
    FLAG = True
except ImportError:
    FLAG = False
if FLAG:
    DummyOperator(task_id="with_lib", dag=dag)
else:
    DummyOperator(task_id="without_lib", dag=dag)
