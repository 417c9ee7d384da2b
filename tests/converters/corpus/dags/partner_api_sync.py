"""
Partner API sync (integrations team).

Every six hours: check the partner API is up, pull the changed price list since the
last run, stash it for the loader.
"""
import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.http_operator import SimpleHttpOperator
from airflow.operators.python_operator import PythonOperator
from airflow.sensors.http_sensor import HttpSensor

default_args = {
    "owner": "integrations",
    "start_date": datetime(2020, 6, 15),
    "retries": 4,
    "retry_delay": timedelta(minutes=3),
    "retry_exponential_backoff": True,
}


def store_prices(**context):
    payload = json.loads(context["ti"].xcom_pull(task_ids="fetch_price_changes"))
    path = "/data/partner_prices/prices_%s.json" % context["ts_nodash"]
    with open(path, "w") as fh:
        json.dump(payload["items"], fh)
    print("stored %d price changes in %s" % (len(payload["items"]), path))


dag = DAG(
    "partner_api_sync",
    default_args=default_args,
    schedule_interval=timedelta(hours=6),
    catchup=False,
)

api_up = HttpSensor(
    task_id="partner_api_up",
    http_conn_id="partner_api",
    endpoint="v1/health",
    response_check=lambda response: response.json().get("status") == "ok",
    poke_interval=60,
    timeout=15 * 60,
    dag=dag,
)

fetch = SimpleHttpOperator(
    task_id="fetch_price_changes",
    http_conn_id="partner_api",
    endpoint="v1/prices/changes?since={{ ts }}",
    method="GET",
    headers={"Accept": "application/json"},
    response_check=lambda response: response.status_code == 200,
    xcom_push=True,
    log_response=True,
    dag=dag,
)

store = PythonOperator(
    task_id="store_price_changes",
    python_callable=store_prices,
    provide_context=True,
    dag=dag,
)

api_up >> fetch >> store
