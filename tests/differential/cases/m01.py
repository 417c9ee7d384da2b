from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)

dag = DAG("m01", default_args={"start_date": SD, "owner": "team"})
a = DummyOperator(task_id="a", dag=dag)
b = DummyOperator(task_id="b", dag=dag)
for t in list(dag.tasks):
    DummyOperator(task_id=t.task_id + "_done", dag=dag).set_upstream(t)
DummyOperator(task_id="n%d" % len(dag.tasks), dag=dag)
DummyOperator(task_id="own_" + dag.default_args["owner"], dag=dag)
dag.get_task("a") >> dag.task_dict["b"]
DummyOperator(task_id="ids_" + "_".join(sorted(dag.task_ids))[:30], dag=dag)
