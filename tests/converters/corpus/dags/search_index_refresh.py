"""
Search index refresh (search team).

Already migrated to Airflow 2 by the search team during the pilot: Airflow 2 import
paths, `schedule`, a fixed pendulum start date and an explicit catchup=False.
"""
from datetime import timedelta

import pendulum

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator


def swap_alias(**context):
    """Point the `products` alias at the index built for this run."""
    new_index = context["ti"].xcom_pull(task_ids="build_index")
    print(f"swapping alias products -> {new_index}")


with DAG(
    dag_id="search_index_refresh",
    schedule="20 * * * *",
    start_date=pendulum.datetime(2023, 5, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=4,
    default_args={"owner": "search", "retries": 2, "retry_delay": timedelta(minutes=2)},
    tags=["search", "migrated"],
) as dag:
    start = EmptyOperator(task_id="start")

    build = BashOperator(
        task_id="build_index",
        bash_command="search-indexer build --source products --suffix {{ ts_nodash | lower }}",
        do_xcom_push=True,
        max_active_tis_per_dag=1,
    )

    warm = BashOperator(
        task_id="warm_index",
        bash_command="search-indexer warm --index products_{{ ts_nodash | lower }}",
    )

    swap = PythonOperator(task_id="swap_alias", python_callable=swap_alias)

    start >> build >> warm >> swap
