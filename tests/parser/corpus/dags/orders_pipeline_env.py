"""
Orders pipeline deployed to both staging and prod from the same file; the release
pipeline rewrites DEPLOY_ENV.
"""
from datetime import datetime

from airflow import DAG
from airflow.contrib.operators.slack_webhook_operator import SlackWebhookOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

from common.constants import ENVIRONMENT

DEPLOY_ENV = "prod"

default_args = {
    "owner": "orders-team",
    "start_date": datetime(2020, 1, 1),
    "retries": 3 if DEPLOY_ENV == "prod" else 0,
}

with DAG(
    "orders_pipeline_env",
    default_args=default_args,
    schedule_interval="@hourly" if DEPLOY_ENV == "prod" else None,
) as dag:
    extract = BashOperator(task_id="extract_orders", bash_command="orders extract --ts {{ ts }}")
    load = BashOperator(task_id="load_orders", bash_command="orders load --ts {{ ts }}")

    if DEPLOY_ENV == "prod":
        publish = BashOperator(task_id="publish_to_bi", bash_command="orders publish --ts {{ ts }}")
        notify = SlackWebhookOperator(
            task_id="notify_slack",
            http_conn_id="slack_default",
            message="orders loaded for {{ ts }}",
            channel="#orders",
        )
        load >> publish >> notify
    else:
        notify = DummyOperator(task_id="notify_slack")
        load >> notify

    extract >> load

    if ENVIRONMENT != "prod":
        seed = BashOperator(task_id="seed_test_data", bash_command="orders seed --fake 1000")
        seed >> extract
