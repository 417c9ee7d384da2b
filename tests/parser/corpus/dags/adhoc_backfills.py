"""
Backfill DAG builders. Most of what this file builds never reaches the scheduler:
only DAG objects bound directly to a module-level name are collected by the DagBag.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

default_args = {
    'owner': 'data-platform',
    'start_date': datetime(2021, 1, 1),
}


def build_backfill_dag(table):
    dag = DAG('backfill_' + table, default_args=default_args, schedule_interval='@once')
    check = BashOperator(
        task_id='check_source',
        bash_command='backfill check %s' % table,
        dag=dag,
    )
    backfill = BashOperator(
        task_id='backfill',
        bash_command='backfill run %s --from 2019-01-01' % table,
        dag=dag,
    )
    check >> backfill
    return dag


# Kept in a list: the list is a global, the DAGs inside it are not.
BACKFILL_DAGS = [build_backfill_dag(t) for t in ('orders', 'customers')]

# Result discarded.
build_backfill_dag('payments')


def _register_noop():
    local_dag = DAG('never_registered', default_args=default_args, schedule_interval=None)
    DummyOperator(task_id='noop', dag=local_dag)


_register_noop()

# Only the task is global; its DAG is reachable only through the task.
orphan_marker = DummyOperator(
    task_id='marker',
    dag=DAG('orphan_marker_dag', default_args=default_args, schedule_interval=None),
)

# This one is bound to a module global and is the only DAG Airflow collects here.
maintenance = build_backfill_dag('maintenance')
