from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SCHEDULES = {"hourly": "@hourly", "daily": "0 3 * * *"}
for name, sched in SCHEDULES.items():
    dag_id = "p03_%s" % name
    dag = DAG(dag_id, schedule_interval=sched, start_date=datetime(2020, 1, 1), catchup=False)
    with dag:
        first = DummyOperator(task_id="first")
        for i in range(2 if name == "hourly" else 3):
            first >> DummyOperator(task_id="leaf_%d" % i)
    globals()[dag_id] = dag
