"""
Inventory sync between the warehouse management system and the ERP, published to the
web and app stock services.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator
from airflow.utils.helpers import chain

default_args = {
    "owner": "supply-chain",
    "start_date": datetime(2020, 8, 1),
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
}


def reconcile(**context):
    print("reconciling WMS and ERP stock for", context["ts"])


with DAG("inventory_sync", default_args=default_args, schedule_interval="*/30 * * * *",
         catchup=False) as dag:
    start = DummyOperator(task_id="start")
    pull_wms = BashOperator(task_id="pull_wms", bash_command="stock pull --system wms")
    pull_erp = BashOperator(task_id="pull_erp", bash_command="stock pull --system erp")
    reconcile_stock = PythonOperator(
        task_id="reconcile_inventory",
        python_callable=reconcile,
        provide_context=True,
    )
    publish_web = BashOperator(task_id="publish_web_stock", bash_command="stock publish --to web")
    publish_app = BashOperator(task_id="publish_app_stock", bash_command="stock publish --to app")
    warm_web = BashOperator(task_id="warm_web_cache", bash_command="cache warm web-stock")
    warm_app = BashOperator(task_id="warm_app_cache", bash_command="cache warm app-stock")
    done = DummyOperator(task_id="done")

    # two lists next to each other are paired element by element, not crossed
    chain(
        start,
        [pull_wms, pull_erp],
        reconcile_stock,
        [publish_web, publish_app],
        [warm_web, warm_app],
        done,
    )
