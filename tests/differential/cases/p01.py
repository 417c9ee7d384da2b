from datetime import datetime, timedelta
from airflow import DAG
try:
    from airflow.operators.bash import BashOperator
    V = "2"
except ImportError:
    from airflow.operators.bash_operator import BashOperator
    V = "1"
try:
    from airflow.operators.empty import EmptyOperator as Dummy
except ModuleNotFoundError:
    from airflow.operators.dummy_operator import DummyOperator as Dummy
dag = DAG("p01", start_date=datetime(2020, 1, 1))
BashOperator(task_id="bash_v" + V, bash_command="x", dag=dag)
Dummy(task_id="dummy", dag=dag)
if __name__ == "__main__":
    Dummy(task_id="main_only", dag=dag)
td = timedelta(hours=1) * 3
if td > timedelta(hours=2):
    Dummy(task_id="long_%d" % (td.total_seconds() // 3600), dag=dag)
Dummy(task_id="td_" + str(timedelta(days=1, hours=2, minutes=3)).replace(":", "_").replace(" ", "").replace(",", ""), dag=dag)
Dummy(task_id="dt_" + ("%s" % datetime(2020, 1, 2, 3, 4)).replace(":", "_").replace(" ", "T"), dag=dag)
