"""
Daily marketing attribution.

Pulls spend from Google Ads and Facebook Ads, then computes last-touch attribution.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator

default_args = {
    "owner": "marketing-analytics",
    "start_date": datetime(2020, 3, 1),
    "retries": 3,
    "retry_delay": timedelta(minutes=15),
    "email_on_failure": False,
}


def pull_spend(network, **context):
    """Download the previous day's spend for one ad network."""
    print("pulling %s spend for %s" % (network, context["ds"]))
    return "s3://acme-marketing/spend/%s/%s.json" % (network, context["ds_nodash"])


def compute_attribution(**context):
    ti = context["ti"]
    paths = ti.xcom_pull(task_ids=["pull_google_ads", "pull_facebook_ads"])
    print("attributing conversions with %s" % paths)


with DAG(
    dag_id="marketing_attribution",
    default_args=default_args,
    schedule_interval="30 4 * * *",
    catchup=False,
    max_active_runs=1,
) as dag:
    start = DummyOperator(task_id="start")

    pull_google = PythonOperator(
        task_id="pull_google_ads",
        python_callable=pull_spend,
        op_kwargs={"network": "google_ads"},
        provide_context=True,
    )

    pull_facebook = PythonOperator(
        task_id="pull_facebook_ads",
        python_callable=pull_spend,
        op_kwargs={"network": "facebook_ads"},
        provide_context=True,
    )

    attribute = PythonOperator(
        task_id="compute_attribution",
        python_callable=compute_attribution,
        provide_context=True,
    )

    end = DummyOperator(task_id="end")

    start >> [pull_google, pull_facebook] >> attribute >> end
