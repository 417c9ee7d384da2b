"""
Loads the day's event partitions into the warehouse (warehouse team).

The three partition loads run as a sub-DAG so they show up as one box in the UI;
vacuum_events runs once they are all in.
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator
from airflow.utils.dates import days_ago

PARENT_DAG_ID = 'warehouse_partitions'

default_args = {
    'owner': 'warehouse',
    'start_date': days_ago(2),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
}


def load_partitions_subdag(parent_dag_id, child_dag_id, args):
    """Three partition loads and a row-count check; the id must be parent.child."""
    subdag = DAG(
        dag_id='%s.%s' % (parent_dag_id, child_dag_id),
        default_args=args,
        schedule_interval='@daily',
    )
    load_events = BashOperator(
        task_id='load_events',
        bash_command='wh-load --table events --partition {{ ds }}',
        dag=subdag,
    )
    load_sessions = BashOperator(
        task_id='load_sessions',
        bash_command='wh-load --table sessions --partition {{ ds }}',
        dag=subdag,
    )
    load_pageviews = BashOperator(
        task_id='load_pageviews',
        bash_command='wh-load --table pageviews --partition {{ ds }}',
        dag=subdag,
    )
    verify = BashOperator(
        task_id='verify_row_counts',
        bash_command='wh-verify --tables events,sessions,pageviews --partition {{ ds }}',
        dag=subdag,
    )
    [load_events, load_sessions, load_pageviews] >> verify
    return subdag


dag = DAG(
    PARENT_DAG_ID,
    default_args=default_args,
    schedule_interval='@daily',
    catchup=False,
)

start = DummyOperator(task_id='start', dag=dag)

load_partitions = SubDagOperator(
    task_id='load_partitions',
    subdag=load_partitions_subdag(PARENT_DAG_ID, 'load_partitions', default_args),
    dag=dag,
)

vacuum = BashOperator(
    task_id='vacuum_events',
    bash_command='wh-vacuum --table events',
    dag=dag,
)

start >> load_partitions >> vacuum
