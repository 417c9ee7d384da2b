"""
Worker housekeeping. Written by three different people over the years, hence the
three different import styles for the operators.
"""
import datetime as dt
import shutil

import airflow.operators.bash_operator as bash
import airflow.operators.python_operator
from airflow.models import DAG
from airflow.operators import dummy_operator
from airflow.operators.bash_operator import BashOperator as Bash


def report_disk_usage():
    total, used, free = shutil.disk_usage("/")
    print("disk: %d%% used" % (used * 100 // total))


dag = DAG(
    dag_id="ops_housekeeping",
    default_args={"owner": "platform-ops", "start_date": dt.datetime(2020, 1, 1)},
    schedule_interval="@daily",
    catchup=False,
)

start = dummy_operator.DummyOperator(task_id="start", dag=dag)

clean_tmp = bash.BashOperator(
    task_id="clean_tmp",
    bash_command="find /tmp -type f -mtime +3 -delete",
    dag=dag,
)

clean_logs = Bash(
    task_id="clean_logs",
    bash_command="find /opt/airflow/logs -type f -mtime +14 -delete",
    dag=dag,
)

report = airflow.operators.python_operator.PythonOperator(
    task_id="report_disk_usage",
    python_callable=report_disk_usage,
    dag=dag,
)

start >> [clean_tmp, clean_logs] >> report
