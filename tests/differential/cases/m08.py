from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

dag = DAG("m08", start_date=SD)
start = DummyOperator(task_id="start", dag=dag)
end = DummyOperator(task_id="end", dag=dag)
branches = {}
for name in ["a", "b"]:
    branches[name] = [DummyOperator(task_id="%s_%d" % (name, i), dag=dag) for i in range(2)]
    start >> branches[name][0]
    branches[name][0] >> branches[name][1] >> end
