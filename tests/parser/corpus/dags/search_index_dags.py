"""
Search indexing: an hourly incremental DAG, a full rebuild DAG and a weekly cleanup DAG,
all in one file.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

default_args = {
    'owner': 'search',
    'start_date': datetime(2020, 9, 1),
    'retries': 1,
}


def swap_alias(**context):
    print('pointing the products alias at products_%s' % context['ds_nodash'])


# no schedule_interval: Airflow 1.10 defaults to timedelta(days=1)
full_rebuild = DAG('search_index_full', default_args=default_args)

with DAG('search_index_incremental', default_args=default_args,
         schedule_interval='@hourly', catchup=False) as incremental:
    fetch = BashOperator(task_id='fetch_changes', bash_command='indexer changes --since {{ prev_ts }}')
    index = BashOperator(task_id='index_changes', bash_command='indexer apply --batch {{ ts_nodash }}')
    fetch >> index

    # lives next to its incremental sibling in the code, but belongs to the full rebuild DAG
    rebuild = BashOperator(
        task_id='rebuild_full_index',
        bash_command='indexer rebuild --target products_{{ ds_nodash }}',
        dag=full_rebuild,
    )

snapshot = BashOperator(task_id='snapshot_db', bash_command='indexer snapshot', dag=full_rebuild)
swap = PythonOperator(task_id='swap_alias', python_callable=swap_alias, provide_context=True,
                      dag=full_rebuild)
snapshot >> rebuild >> swap

cleanup = DAG('search_index_cleanup', default_args=default_args,
              schedule_interval=timedelta(weeks=1))
delete_old = BashOperator(
    task_id='delete_old_indices',
    bash_command='indexer gc --keep 3',
    dag=cleanup,
)
