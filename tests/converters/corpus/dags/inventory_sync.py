"""
Inventory sync between the warehouse management system (WMS) and the ERP.

Runs every 30 minutes during shop opening hours; pushes only when the WMS reports
changed stock.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator as Bash
from airflow.operators.dummy_operator import DummyOperator as Marker
from airflow.operators.python_operator import (
    PythonOperator,
    ShortCircuitOperator as SkipUnless,
)

WAREHOUSES = ["ber1", "muc2", "ham1"]

default_args = {
    "owner": "supply-chain",
    "start_date": datetime(2020, 8, 1),
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
}


def stock_changed(warehouse, **context):
    marker = "/data/wms/%s/changed_%s" % (warehouse, context["ts_nodash"])
    try:
        with open(marker):
            return True
    except IOError:
        return False


def reconcile(**context):
    print("reconciling WMS and ERP stock for", context["ts"])


with DAG("inventory_sync", default_args=default_args,
         schedule_interval="*/30 6-22 * * *", catchup=False) as dag:
    start = Marker(task_id="start")
    done = Marker(task_id="done", trigger_rule="all_done")

    reconcile_stock = PythonOperator(
        task_id="reconcile_inventory",
        python_callable=reconcile,
        provide_context=True,
    )

    for wh in WAREHOUSES:
        changed = SkipUnless(
            task_id="stock_changed_" + wh,
            python_callable=stock_changed,
            op_kwargs={"warehouse": wh},
            provide_context=True,
        )
        pull = Bash(task_id="pull_wms_" + wh, bash_command="stock pull --system wms --site " + wh)
        start >> changed >> pull >> reconcile_stock

    push_erp = Bash(task_id="push_erp", bash_command="stock push --system erp --ts {{ ts }}")
    reconcile_stock >> push_erp >> done
