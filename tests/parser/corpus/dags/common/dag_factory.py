"""DAG factory for the generic file-ingest pipelines.

create_ingest_dag() returns an airflow DAG; the caller must bind it to a module global
(usually through globals()) for the scheduler to pick it up.
"""
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator


def create_ingest_dag(dag_id, source, tables, schedule_interval, default_args):
    dag = DAG(
        dag_id,
        default_args=default_args,
        schedule_interval=schedule_interval,
        catchup=False,
    )
    with dag:
        start = DummyOperator(task_id="start")
        done = DummyOperator(task_id="done")
        for table in tables:
            ingest = BashOperator(
                task_id="ingest_{}".format(table),
                bash_command="ingest --source {} --table {} --date {{{{ ds }}}}".format(source, table),
            )
            start >> ingest >> done
    return dag
