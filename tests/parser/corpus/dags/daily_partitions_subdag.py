"""
Loads the day's partitions inside a SubDagOperator so they show up as one box in the UI.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator

PARENT_DAG_ID = 'daily_partitions'

default_args = {
    'owner': 'warehouse',
    'start_date': datetime(2020, 5, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}


def partition_subdag(parent_dag_id, child_dag_id, default_args, partitions):
    """Sub-DAG with one load task per partition; its id must be parent.child."""
    subdag = DAG(
        dag_id='%s.%s' % (parent_dag_id, child_dag_id),
        default_args=default_args,
        schedule_interval='@daily',
    )
    with subdag:
        ready = DummyOperator(task_id='partitions_ready')
        for p in partitions:
            load = BashOperator(
                task_id='load_partition_%d' % p,
                bash_command='warehouse load --partition %d --date {{ ds }}' % p,
            )
            load >> ready
    return subdag


dag = DAG(PARENT_DAG_ID, default_args=default_args, schedule_interval='@daily')

start = DummyOperator(task_id='start', dag=dag)

load_partitions = SubDagOperator(
    task_id='load_partitions',
    subdag=partition_subdag(PARENT_DAG_ID, 'load_partitions', default_args, range(3)),
    dag=dag,
)

end = DummyOperator(task_id='end', dag=dag)

start >> load_partitions >> end
